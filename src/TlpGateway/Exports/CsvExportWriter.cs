using System.Buffers;
using System.Globalization;
using System.Text;
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

    private readonly StringBuilder _line = new();

    public override void Begin()
    {
        if (request.Headerless)
        {
            return;
        }

        WriteText(string.Join(',', request.Columns.Select(c => c == "timestamp" ? "date" : c.Replace('-', '_'))) + "\n");
    }

    public override void End() => WriteText("\n");

    protected override void WriteEvent(JsonElement evt, in UnitOutcome outcome)
    {
        foreach (var (attribute, obj) in Attributes(evt))
        {
            WriteLine(column => Field(column, attribute, obj, evt));
        }
    }

    protected override void WriteAttributeRow(JsonElement row, in UnitOutcome outcome)
    {
        var stub = row.TryGetProperty("Event", out var e) ? e : default;
        var obj = row.TryGetProperty("Object", out var o) && Text(o, "uuid") is { Length: > 0 } ? o : (JsonElement?)null;
        WriteLine(column => column switch
        {
            "decay_score_score" => DecayScore(row),
            "decay_score_decayed" => Elements(row, "decay_score").Any(s => s.TryGetProperty("decayed", out var d) && d.ValueKind == JsonValueKind.True) ? "1" : "0",
            _ => Field(column, row, obj, stub),
        });
    }

    /// <summary>A column's field, already escaped, for an attribute of <paramref name="evt"/> (an event, or a row's event stub).</summary>
    private static string Field(string column, JsonElement attribute, JsonElement? obj, JsonElement evt)
    {
        switch (column)
        {
            case "attribute_tag":
                return Escape(string.Join(',', TagNames(attribute, ownOnly: true)) is { Length: > 0 } tags ? tags : null);
            case "object_uuid" or "object_name" or "object_meta-category":
                return obj is { } o ? Escape(o, column["object_".Length..]) : Quoted(null);
            case "event_info":
                return Escape(evt, "info");
            case "event_member_org":
                return Escape(Organisation(evt, "Org"));
            case "event_source_org":
                return Escape(Organisation(evt, "Orgc"));
            case "event_distribution":
                return Escape(evt, "distribution");
            case "event_threat_level_id":
                return Escape(int.TryParse(Text(evt, "threat_level_id"), NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level is > 0 and < 5 ? ThreatLevels[level] : null);
            case "event_analysis":
                return Escape(evt, "analysis");
            case "event_date":
                return Escape(evt, "date");
            case "event_tag":
                return Escape(string.Join(',', TagNames(evt)) is { Length: > 0 } eventTags ? eventTags : null);
            case "event_timestamp":
                return Escape(evt, "timestamp");
            default:
                return Escape(attribute, column);
        }
    }

    private static string? Organisation(JsonElement evt, string name) =>
        evt.ValueKind == JsonValueKind.Object && evt.TryGetProperty(name, out var org) ? Text(org, "name") : null;

    /// <summary>The mean of the row's decay scores (PHP's float as text), 0 without any.</summary>
    private static string DecayScore(JsonElement row)
    {
        var scores = Elements(row, "decay_score").Select(s => s.TryGetProperty("score", out var v) && v.TryGetDouble(out var d) ? d : 0).ToList();
        return scores.Count == 0 ? "0" : scores.Average().ToString("G14", CultureInfo.InvariantCulture);
    }

    private void WriteLine(Func<string, string> field)
    {
        _line.Clear();
        for (var i = 0; i < request.Columns.Count; i++)
        {
            if (i > 0)
            {
                _line.Append(',');
            }

            _line.Append(field(request.Columns[i]));
        }

        _line.Append('\n');
        WriteText(_line.ToString());
    }

    private static string Escape(JsonElement holder, string name)
    {
        if (holder.ValueKind != JsonValueKind.Object || !holder.TryGetProperty(name, out var value))
        {
            return Quoted(null);
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => "1",
            JsonValueKind.False => "0",
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => Escape(value.GetString()),
            _ => Quoted(null),
        };
    }

    /// <summary>CsvExport's <c>__escapeCSVField</c> for a string (null: the field MISP writes <c>""</c> for an absent one).</summary>
    internal static string Escape(string? field) =>
        field is not null && PhpValue.IsNumericString(field) && !field.Any(char.IsWhiteSpace) ? field : Quoted(field);

    private static string Quoted(string? field) => "\"" + (field ?? string.Empty).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
