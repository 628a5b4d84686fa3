using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using TlpGateway.Decision;
using TlpGateway.Requests;

namespace TlpGateway.Exports;

/// <summary>
/// MISP's CSV export (<c>CsvExport</c> of MISP 2.5.1), one row per released attribute: the header
/// names the columns (<c>-</c> written <c>_</c>, <c>timestamp</c> as <c>date</c>); a field is written
/// bare when PHP's <c>is_numeric</c> holds for it, <c>1</c>/<c>0</c> for a boolean, <c>""</c> when
/// absent or null, and otherwise quoted with its quotes doubled; the export ends with an empty line.
/// </summary>
/// <remarks>
/// Two departures from MISP, both so every row stays one parseable row: a numeric string holding
/// whitespace (PHP reads <c>"12\n"</c> as numeric and writes it bare, line break included) is
/// quoted, and a list or object value (MISP writes <c>Array</c>) is written <c>""</c>.
/// </remarks>
internal sealed class CsvExportWriter(IBufferWriter<byte> output, ExportRequest request) : ExportWriter(output)
{
    private static readonly string[] ThreatLevels = ["", "High", "Medium", "Low", "Undefined"];

    public override void Begin()
    {
        if (request.Headerless)
        {
            return;
        }

        WriteText(string.Join(',', request.Columns.Select(c => c == "timestamp" ? "date" : c.Replace('-', '_'))) + "\n");
    }

    public override void End() => Output.Write("\n"u8);

    protected override void WriteEvent(JsonElement evt, in UnitOutcome outcome)
    {
        foreach (var (attribute, obj) in Attributes(evt))
        {
            WriteRow(attribute, obj, evt, row: false);
        }
    }

    protected override void WriteAttributeRow(JsonElement row, in UnitOutcome outcome)
    {
        var stub = row.TryGetProperty("Event", out var e) ? e : default;
        var obj = row.TryGetProperty("Object", out var o) && Text(o, "uuid") is { Length: > 0 } ? o : (JsonElement?)null;
        WriteRow(row, obj, stub, row: true);
    }

    /// <summary>CsvExport's <c>__escapeCSVField</c> for a string (null: the field MISP writes <c>""</c> for an absent one).</summary>
    internal static string Escape(string? field) =>
        field is not null && IsBare(field) ? field : "\"" + (field ?? string.Empty).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Whether PHP's <c>is_numeric</c> holds and the field has no whitespace, so it is written bare.</summary>
    private static bool IsBare(ReadOnlySpan<char> field) =>
        field.Length > 0 && field.IndexOfAnyExcept("0123456789+-.eE") < 0 && PhpValue.IsNumericString(field);

    /// <summary>One row: the columns' fields for an attribute of <paramref name="evt"/> (an event, or a row's event stub).</summary>
    private void WriteRow(JsonElement attribute, JsonElement? obj, JsonElement evt, bool row)
    {
        for (var i = 0; i < request.Columns.Count; i++)
        {
            if (i > 0)
            {
                Output.Write(","u8);
            }

            WriteField(request.Columns[i], attribute, obj, evt, row);
        }

        Output.Write("\n"u8);
    }

    private void WriteField(string column, JsonElement attribute, JsonElement? obj, JsonElement evt, bool row)
    {
        switch (column)
        {
            case "attribute_tag":
                // A row's tags include its event's, marked inherited; an event's attribute lists only its own (MISP marks none there).
                WriteString(string.Join(',', TagNames(attribute, ownOnly: row)));
                return;
            case "object_uuid" or "object_name" or "object_meta-category":
                WriteField(obj ?? default, column["object_".Length..]);
                return;
            case "event_info":
                WriteField(evt, "info");
                return;
            case "event_member_org":
                WriteString(Organisation(evt, "Org"));
                return;
            case "event_source_org":
                WriteString(Organisation(evt, "Orgc"));
                return;
            case "event_distribution":
                WriteField(evt, "distribution");
                return;
            case "event_threat_level_id":
                WriteString(int.TryParse(Text(evt, "threat_level_id"), NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level is > 0 and < 5 ? ThreatLevels[level] : null);
                return;
            case "event_analysis":
                WriteField(evt, "analysis");
                return;
            case "event_date":
                WriteField(evt, "date");
                return;
            case "event_tag":
                WriteString(string.Join(',', TagNames(evt)));
                return;
            case "event_timestamp":
                WriteField(evt, "timestamp");
                return;
            case "decay_score_score" when row:
                WriteText(DecayScore(attribute));
                return;
            case "decay_score_decayed" when row:
                // array_intersect([true], $decayed) compares as strings: true, 1 and "1" are "1".
                Output.Write(Elements(attribute, "decay_score").Any(s => Text(s, "decayed") == "1") ? "1"u8 : "0"u8);
                return;
            default:
                WriteField(attribute, column);
                return;
        }
    }

    private static string? Organisation(JsonElement evt, string name) =>
        evt.ValueKind == JsonValueKind.Object && evt.TryGetProperty(name, out var org) ? Text(org, "name") : null;

    /// <summary>The mean of the row's decay scores (PHP's float as text), 0 without any.</summary>
    private static string DecayScore(JsonElement row)
    {
        var scores = Elements(row, "decay_score").Select(s => s.TryGetProperty("score", out var v) && v.TryGetDouble(out var d) ? d : 0).ToList();
        return scores.Count == 0 ? "0" : PhpFloat(scores.Average());
    }

    /// <summary>
    /// A float as PHP writes it into a string (<c>precision</c> 14, <c>%.14G</c>): .NET's <c>G14</c> but for the
    /// exponent, which PHP writes with a fraction and without padding (<c>1.0E-5</c>, <c>5.0E+14</c>, where .NET writes <c>1E-05</c>).
    /// </summary>
    internal static string PhpFloat(double value)
    {
        var text = value.ToString("G14", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var mantissa = text[..e];
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return (mantissa.Contains('.', StringComparison.Ordinal) ? mantissa : mantissa + ".0") + "E" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A property's field: <c>1</c>/<c>0</c>, a number as MISP wrote it, a string escaped; <c>""</c> when absent, null, a list or an object.</summary>
    private void WriteField(JsonElement holder, string name)
    {
        if (holder.ValueKind != JsonValueKind.Object || !holder.TryGetProperty(name, out var value))
        {
            Output.Write("\"\""u8);
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                Output.Write("1"u8);
                return;
            case JsonValueKind.False:
                Output.Write("0"u8);
                return;
            case JsonValueKind.Number:
                Output.Write(JsonMarshal.GetRawUtf8Value(value));
                return;
            case JsonValueKind.String:
                WriteString(value);
                return;
            default:
                Output.Write("\"\""u8);
                return;
        }
    }

    /// <summary>A string field, from its UTF-8 bytes in the record where it holds no escape (nearly always), without decoding it.</summary>
    private void WriteString(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length >= 2 && raw[0] == (byte)'"')
        {
            raw = raw[1..^1];
        }

        if (raw.IndexOf((byte)'\\') >= 0)
        {
            WriteString(StringOf(value));
            return;
        }

        if (raw.Length is > 0 and <= 64 && raw.IndexOfAnyExcept("0123456789+-.eE"u8) < 0)
        {
            Span<char> chars = stackalloc char[raw.Length];
            for (var i = 0; i < raw.Length; i++)
            {
                chars[i] = (char)raw[i];
            }

            if (IsBare(chars))
            {
                Output.Write(raw);
                return;
            }
        }

        WriteQuoted(raw);
    }

    private void WriteString(string? field)
    {
        if (field is not null && IsBare(field))
        {
            WriteText(field);
            return;
        }

        WriteQuoted(System.Text.Encoding.UTF8.GetBytes(field ?? string.Empty));
    }

    /// <summary>The field in quotes, its quotes doubled.</summary>
    private void WriteQuoted(ReadOnlySpan<byte> field)
    {
        Output.Write("\""u8);
        while (field.IndexOf((byte)'"') is >= 0 and var quote)
        {
            Output.Write(field[..(quote + 1)]);
            Output.Write("\""u8);
            field = field[(quote + 1)..];
        }

        Output.Write(field);
        Output.Write("\""u8);
    }
}
