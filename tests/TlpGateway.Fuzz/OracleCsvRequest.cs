using System.Globalization;
using System.Text.Json;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>
/// The CSV a restSearch body asks for, read with code of its own (never <c>ExportRequest</c>) as MISP
/// 2.5.1 reads it: <c>_harvestParameters</c> (the <c>request</c> wrapper, a null not given, a text
/// trimmed, <c>a||b</c> split where <c>||</c> is not first), then <c>CsvExport::header</c> and
/// <c>modify_params</c>: the columns asked, or the default fields (with the decay fields on attribute
/// rows when <c>includeDecayScore</c> or <c>excludeDecayed</c>, which sets it) and the object fields;
/// the context fields for <c>includeContext</c>; no header line for <c>headerless</c>. And what the
/// gateway refuses of it (docs/exports.md): <c>requested_attributes</c> that is no list of names, a
/// name empty or holding a comma, a quote, a line break or another control character, no column at all.
/// </summary>
/// <param name="Columns">The columns, in order; null where the gateway must refuse the request.</param>
internal sealed record OracleCsvRequest(IReadOnlyList<string>? Columns, bool Headerless)
{
    private static readonly string[] DefaultFields = ["uuid", "event_id", "category", "type", "value", "comment", "to_ids", "timestamp", "object_relation", "attribute_tag"];
    private static readonly string[] ObjectFields = ["object_uuid", "object_name", "object_meta-category"];
    private static readonly string[] DecayFields = ["decay_score_score", "decay_score_decayed"];

    public static OracleCsvRequest Of(JsonElement body, bool rows)
    {
        var filters = Values(body, "request").FirstOrDefault(r => r.ValueKind != JsonValueKind.Null) is { ValueKind: JsonValueKind.Object } wrapped ? wrapped : body;
        var headerless = Flag(filters, "headerless");
        List<string>? columns;
        if (Harvested(filters, "requested_attributes") is { } requested)
        {
            columns = requested switch
            {
                string[] names => [.. names],
                JsonElement { ValueKind: JsonValueKind.Array } list => Names(list),
                _ => null,
            };
        }
        else
        {
            columns = [.. DefaultFields];
            if (rows && (Flag(filters, "includeDecayScore") || Flag(filters, "excludeDecayed")))
            {
                columns.AddRange(DecayFields);
            }

            columns.AddRange(ObjectFields);
        }

        if (columns is not null && Flag(filters, "includeContext"))
        {
            columns.AddRange(OracleCsv.ContextColumns);
        }

        var refused = columns is null || columns.Count == 0 || columns.Any(n => n.Length == 0 || n.Contains(',', StringComparison.Ordinal) || n.Contains('"', StringComparison.Ordinal) || OracleText.Breaks(n));
        return new(refused ? null : columns, headerless);
    }

    // The names of a list, each a string (or true, PHP's "1"), as CsvExport iterates them: anything else names no field the gateway reads.
    private static List<string>? Names(JsonElement list)
    {
        var names = new List<string>();
        foreach (var name in list.EnumerateArray())
        {
            switch (name.ValueKind)
            {
                case JsonValueKind.String:
                    names.Add(Text(name));
                    break;
                case JsonValueKind.True:
                    names.Add("1");
                    break;
                case JsonValueKind.Number:
                    names.Add(name.GetRawText());
                    break;
                default:
                    return null;
            }
        }

        return names;
    }

    /// <summary>What <c>_harvestParameters</c> gives a filter: null where not given (absent or null), a trimmed text's parts where it splits, else the value (a string trimmed).</summary>
    private static object? Harvested(JsonElement filters, string name)
    {
        if (filters.ValueKind != JsonValueKind.Object || !filters.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return value;
        }

        var text = Text(value).Trim(' ', '\t', '\n', '\r', '\0', '\v');
        return text.IndexOf("||", StringComparison.Ordinal) > 0 ? text.Split("||") : text;
    }

    // !empty() of a harvested filter.
    private static bool Flag(JsonElement filters, string name) => Harvested(filters, name) switch
    {
        null => false,
        string text => text is not ("" or "0"),
        string[] => true,
        JsonElement value => Truthy(value),
        _ => false,
    };

    /// <summary>
    /// A PHP float as <c>CsvExport</c> writes it (PHP's string conversion, <c>precision</c> 14): at most 14
    /// significant digits, and below 1e-4 or from 1e14 PHP's exponent form, <c>1.0E-5</c>, <c>1.2E+20</c>.
    /// </summary>
    public static string PhpFloat(double value)
    {
        var scientific = value.ToString("E13", CultureInfo.InvariantCulture);
        var exponent = int.Parse(scientific[(scientific.IndexOf('E', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
        var mantissa = scientific[..scientific.IndexOf('E', StringComparison.Ordinal)].TrimEnd('0');
        if (value == 0)
        {
            return value.ToString(CultureInfo.InvariantCulture) == "-0" ? "-0" : "0";
        }

        if (exponent < -4 || exponent >= 14)
        {
            return (mantissa.EndsWith('.') ? mantissa + "0" : mantissa) + "E" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
        }

        var rounded = double.Parse(mantissa + "E" + exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return rounded.ToString("0.##################", CultureInfo.InvariantCulture);
    }
}
