using System.Text.Json.Nodes;
using TlpGateway.Requests;
using TlpGateway.Shapes;

namespace TlpGateway.Exports;

/// <summary>
/// What a client asked of an export, read from the restSearch filters as MISP's export tools read
/// them (<c>CsvExport::header</c>, <c>modify_params</c>, <c>RestSearchComponent::getFilename</c>).
/// </summary>
internal sealed record ExportRequest
{
    /// <summary>MISP's default CSV columns (<c>CsvExport::$default_fields</c> then <c>$default_obj_fields</c>).</summary>
    public static readonly IReadOnlyList<string> DefaultColumns =
        ["uuid", "event_id", "category", "type", "value", "comment", "to_ids", "timestamp", "object_relation", "attribute_tag", "object_uuid", "object_name", "object_meta-category"];

    private static readonly string[] ContextColumns =
        ["event_info", "event_member_org", "event_source_org", "event_distribution", "event_threat_level_id", "event_analysis", "event_date", "event_tag", "event_timestamp"];

    public required ExportFormat Format { get; init; }

    /// <summary>Events (<c>/events/restSearch</c>) or attribute rows (<c>/attributes/restSearch</c>).</summary>
    public required RestSearchScope Scope { get; init; }

    /// <summary>The CSV columns, in order, as MISP names the fields it reads (<c>timestamp</c>, <c>object_meta-category</c>).</summary>
    public IReadOnlyList<string> Columns { get; init; } = DefaultColumns;

    /// <summary><c>headerless</c>: the CSV has no header line.</summary>
    public bool Headerless { get; init; }

    /// <summary>MISP's <c>Content-Disposition</c> file name, or null where MISP sends none (the attribute scope).</summary>
    public string? FileName { get; init; }

    /// <summary>
    /// Reads the export of <paramref name="format"/> asked by <paramref name="request"/>; null with a
    /// message when a CSV option cannot be read as MISP reads it.
    /// </summary>
    public static (ExportRequest? Export, string? Problem) Read(MispRequest request, ExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = request.Endpoint.Search ?? throw new ArgumentException("An export is asked of a restSearch.", nameof(request));
        var columns = DefaultColumns;
        if (format == ExportFormat.Csv && request.SearchValue(scope, "requested_attributes") is { } requested)
        {
            // _harvestParameters trims the string, then splits "a||b" into a list, whose names (as a list's given) it
            // does not trim: " value" names no field. Any other string is no list CsvExport can iterate.
            var names = requested switch
            {
                JsonArray list when list.All(n => PhpValue.Text(n) is not null) => list.Select(n => PhpValue.Text(n)!).ToList(),
                JsonValue when PhpValue.Text(requested) is { } text && text.IndexOf("||", StringComparison.Ordinal) > 0 => [.. text.Split("||")],
                _ => null,
            };
            if (names is null || names.Contains(string.Empty))
            {
                // An empty name ("a||", false) names no field, as a list's name the gateway refuses.
                return (null, "requested_attributes must be a list of field names (or names joined by ||), none empty.");
            }

            // CsvExport writes the names into the header as they are: one holding a comma, a quote or a line break would
            // add a header field or line (and names no field of MISP's, whose names hold none).
            if (names.Find(n => n.AsSpan().IndexOfAny(',', '"') >= 0 || ExportWriter.BreaksLine(n)) is { } name)
            {
                return (null, "requested_attributes names a field holding a comma, a quote or a line break: " + System.Text.Json.JsonSerializer.Serialize(name) + ".");
            }

            columns = names;
        }

        if (format == ExportFormat.Csv)
        {
            var all = new List<string>(columns);
            var decayScore = PhpValue.IsTruthy(request.SearchValue(scope, "includeDecayScore")) || PhpValue.IsTruthy(request.SearchValue(scope, "excludeDecayed"));
            if (scope == RestSearchScope.Attribute && decayScore && ReferenceEquals(columns, DefaultColumns))
            {
                // CsvExport::enable_decaying appends to the default fields, before the object fields; MispAttribute::restSearch
                // sets includeDecayScore for excludeDecayed before modify_params reads it.
                all.InsertRange(10, ["decay_score_score", "decay_score_decayed"]);
            }

            if (PhpValue.IsTruthy(request.SearchValue(scope, "includeContext")))
            {
                all.AddRange(ContextColumns);
            }

            if (all.Count == 0)
            {
                // A CSV of no columns would be blank lines, no rows (MISP's header fails on it).
                return (null, "requested_attributes names no field: ask for at least one.");
            }

            columns = all;
        }

        return (new ExportRequest
        {
            Format = format,
            Scope = scope,
            Columns = columns,
            Headerless = PhpValue.IsTruthy(request.SearchValue(scope, "headerless")),
            FileName = scope == RestSearchScope.Event ? EventFileName(request.SearchValue(scope, "eventid"), format) : null,
        }, null);
    }

    /// <summary>
    /// What MISP itself adds to the search of an export unless the request sets it, written as named parameters for
    /// the JSON search: the filters of a restrictive export (<see cref="ExportFormats.Restrictive"/>), and for attribute
    /// rows whose CSV names an event's columns the event's own fields, which <c>CsvExport::modify_params</c> contains
    /// with every attribute (<c>includeContext</c>, where the rows' event is otherwise a stub).
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> DefaultFilters(MispRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ExportFormats.Restrictive(Format))
        {
            yield break;
        }

        foreach (var name in (string[])["to_ids", "published"])
        {
            // isset(): a filter given as null is not set.
            if (request.SearchValue(Scope, name) is null)
            {
                yield return new(name, "1");
            }
        }

        if (Format == ExportFormat.Csv && Scope == RestSearchScope.Attribute && Columns.Any(ContextColumns.Contains) && request.SearchValue(Scope, "includeContext") is null)
        {
            yield return new("includeContext", "1");
        }
    }

    /// <summary><c>misp.event.list.csv</c>, or <c>misp.event.{id}.csv</c> for one event asked by UUID or id.</summary>
    private static string EventFileName(JsonNode? eventId, ExportFormat format)
    {
        var name = "list";
        if (eventId is JsonValue && PhpValue.Text(eventId) is { Length: > 0 } id)
        {
            if (MispUuid.IsWellFormed(id))
            {
                name = id;
            }
            else if (long.TryParse(LeadingInteger(id), out var number) && number != 0)
            {
                name = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return "misp.event." + name + "." + ExportFormats.FileExtension(format);
    }

    /// <summary>What PHP's <c>intval</c> reads: an optional sign and the leading digits.</summary>
    private static string LeadingInteger(string text)
    {
        var end = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return text[..end];
    }
}
