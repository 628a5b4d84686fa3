using System.Globalization;
using System.Text;
using System.Text.Json;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>
/// The CSV export held to RFC 4180 as MISP's <c>CsvExport</c> writes it (records ended by LF, a
/// field bare or in double quotes with its quotes doubled, commas and line breaks only inside
/// quotes), read with a parser of its own: one header naming the columns asked, the same number of
/// fields on every row, the export ended by an empty line; and one row per attribute the filtered
/// JSON answer releases, in its order, each field the text of the field MISP's export reads there,
/// so a value holding a comma, quote, CR or LF can neither create nor shift a field or a row.
/// </summary>
internal static class OracleCsv
{
    /// <summary>What <c>includeContext</c> appends (<c>CsvExport::$event_context_fields</c>).</summary>
    public static readonly string[] ContextColumns =
        ["event_info", "event_member_org", "event_source_org", "event_distribution", "event_threat_level_id", "event_analysis", "event_date", "event_tag", "event_timestamp"];

    private static readonly string[] ThreatLevels = ["High", "Medium", "Low", "Undefined"];

    /// <summary>Holds <paramref name="csv"/> to the export <paramref name="asked"/> (its columns given: a request the gateway serves) of what <paramref name="released"/> releases.</summary>
    public static void Check(string csv, OracleCsvRequest asked, OracleReleased released)
    {
        var columns = asked.Columns!;
        var records = Parse(csv);
        var first = asked.Headerless ? 0 : 1;
        var header = columns.Select(c => c == "timestamp" ? "date" : c.Replace('-', '_')).ToList();
        if (records.Count < first + 1 || (!asked.Headerless && !records[0].SequenceEqual(header)))
        {
            throw new FuzzFinding("the CSV export does not begin with its one header: " + string.Join(',', records.FirstOrDefault() ?? []));
        }

        if (records[^1] is not [""])
        {
            throw new FuzzFinding("the CSV export does not end with an empty line");
        }

        var rows = records.Count - 1 - first;
        for (var i = first; i < first + rows; i++)
        {
            if (records[i].Count != columns.Count)
            {
                throw new FuzzFinding($"CSV row {i} has {records[i].Count} fields, the header {columns.Count}");
            }
        }

        if (rows != released.Attributes.Count)
        {
            throw new FuzzFinding($"the CSV export has {rows} rows, the filtered JSON releases {released.Attributes.Count} attributes");
        }

        for (var i = 0; i < rows; i++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                var expected = Expected(columns[c], released.Attributes[i]);
                if (records[i + first][c] != expected)
                {
                    throw new FuzzFinding($"CSV row {i + 1}, column {columns[c]}: '{records[i + first][c]}' where the filtered JSON releases '{expected}'");
                }
            }
        }
    }

    /// <summary>RFC 4180 with LF as MISP's record end; a malformed field or record is a finding.</summary>
    internal static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                var field = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FuzzFinding("a quoted CSV field is not closed");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                if (i < text.Length && text[i] is not (',' or '\n'))
                {
                    throw new FuzzFinding("a quoted CSV field is followed by text before its separator");
                }

                fields.Add(field.ToString());
            }
            else
            {
                var end = text.IndexOfAny([',', '\n'], i);
                end = end < 0 ? text.Length : end;
                var field = text[i..end];
                if (field.IndexOfAny(['"', '\r']) >= 0)
                {
                    throw new FuzzFinding("a bare CSV field holds a quote or a CR: " + field);
                }

                fields.Add(field);
                i = end;
            }

            if (i >= text.Length)
            {
                throw new FuzzFinding("the CSV export's last record has no line break");
            }

            if (text[i++] == '\n')
            {
                records.Add(fields);
                fields = [];
            }
        }

        return records;
    }

    /// <summary>What MISP's export writes for <paramref name="column"/> of a released attribute (an absent or non-scalar field: empty).</summary>
    private static string Expected(string column, ReleasedAttribute a) => column switch
    {
        "attribute_tag" => string.Join(',', TagNames(a.Attribute, ownOnly: a.Record < 0)),
        "object_uuid" or "object_name" or "object_meta-category" => Field(a.Object, column["object_".Length..]),
        "event_info" => Field(a.Event, "info"),
        "event_member_org" => Field(Property(a.Event, "Org"), "name"),
        "event_source_org" => Field(Property(a.Event, "Orgc"), "name"),
        "event_distribution" => Field(a.Event, "distribution"),
        "event_threat_level_id" => int.TryParse(Field(a.Event, "threat_level_id"), NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level is >= 1 and <= 4 ? ThreatLevels[level - 1] : string.Empty,
        "event_analysis" => Field(a.Event, "analysis"),
        "event_date" => Field(a.Event, "date"),
        "event_tag" => string.Join(',', TagNames(a.Event, ownOnly: false)),
        "event_timestamp" => Field(a.Event, "timestamp"),

        // CsvExport sets them on attribute rows only: the mean of the scores (0 without any), whether any is decayed (array_intersect([true], ...)).
        "decay_score_score" when a.Record < 0 => Items(a.Attribute, "decay_score") is { Count: > 0 } scores ? OracleCsvRequest.PhpFloat(Mean(scores)) : "0",
        "decay_score_decayed" when a.Record < 0 => Items(a.Attribute, "decay_score").Any(s => OracleReleased.Scalar(s, "decayed") == "1") ? "1" : "0",
        _ => Field(a.Attribute, column),
    };

    private static double Mean(List<JsonElement> scores)
    {
        var sum = 0.0;
        foreach (var score in scores)
        {
            sum += score.TryGetProperty("score", out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
        }

        return sum / scores.Count;
    }

    private static string Field(JsonElement holder, string name) => OracleReleased.Scalar(holder, name) ?? string.Empty;

    private static JsonElement Property(JsonElement holder, string name) =>
        holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(name, out var value) ? value : default;

    /// <summary>An item's tag names (<c>Tag[].name</c>, then the links' <c>Tag.name</c>); a row's own only (not marked inherited from its event).</summary>
    private static IEnumerable<string> TagNames(JsonElement holder, bool ownOnly)
    {
        var own = Items(holder, "Tag").Where(tag => !(ownOnly && Values(tag, "inherited").Any(Truthy)));
        var links = Items(holder, "AttributeTag").Concat(Items(holder, "EventTag")).SelectMany(link => Values(link, "Tag"));
        return own.Concat(links).Select(tag => OracleReleased.Scalar(tag, "name")).OfType<string>();
    }
}
