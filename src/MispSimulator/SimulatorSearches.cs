using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>MISP's searches and indexes, as MISP 2.5.1 answers them (<c>/events/index</c>, <c>/events/restSearch</c>, <c>/attributes/restSearch</c>).</summary>
internal sealed partial class MispEndpoints
{
    private async Task IndexAsync(MispRequest misp, JsonObject? body, bool compact)
    {
        var onlyPublished = misp.Flag("published", body);
        var events = misp.Page(state.Events.Where(e => !onlyPublished || (bool?)e["published"] == true), body?["request"] as JsonObject ?? body).ToList();
        var rows = new JsonArray();
        foreach (var evt in events)
        {
            rows.Add(misp.Flag("minimal", body) ? MinimalRow(evt) : IndexRow(evt));
        }

        Response.Headers["X-Result-Count"] = events.Count.ToString(CultureInfo.InvariantCulture);
        await WriteJsonAsync(rows, compact);
    }

    private static JsonObject MinimalRow(JsonObject evt) => new()
    {
        ["id"] = (string?)evt["id"],
        ["timestamp"] = (string?)evt["timestamp"],
        ["sighting_timestamp"] = (string?)evt["sighting_timestamp"] ?? "0",
        ["published"] = (bool?)evt["published"] ?? false,
        ["uuid"] = (string?)evt["uuid"],
        ["orgc_uuid"] = (string?)evt["Orgc"]?["uuid"],
    };

    private static JsonObject IndexRow(JsonObject evt)
    {
        var row = new JsonObject();
        foreach (var name in new[] { "id", "org_id", "date", "info", "uuid", "published", "analysis", "attribute_count", "orgc_id", "timestamp", "distribution", "sharing_group_id", "proposal_email_lock", "locked", "threat_level_id", "publish_timestamp", "sighting_timestamp", "disable_correlation", "extends_uuid", "protected" })
        {
            row[name] = name == "sighting_timestamp" && evt[name] is null ? "0" : evt[name]?.DeepClone();
        }

        row["Org"] = OrgStub(evt["Org"]);
        row["Orgc"] = OrgStub(evt["Orgc"]);
        var eventTags = new JsonArray();
        var n = 0;
        foreach (var tag in (evt["Tag"] as JsonArray ?? []).OfType<JsonObject>())
        {
            eventTags.Add(new JsonObject
            {
                ["id"] = (++n).ToString(CultureInfo.InvariantCulture),
                ["event_id"] = (string?)evt["id"],
                ["tag_id"] = (string?)tag["id"],
                ["local"] = tag["local"]?.DeepClone() ?? false,
                ["relationship_type"] = string.Empty,
                ["Tag"] = new JsonObject { ["id"] = (string?)tag["id"], ["name"] = (string?)tag["name"], ["colour"] = (string?)tag["colour"], ["is_galaxy"] = tag["is_galaxy"]?.DeepClone() ?? false },
            });
        }

        row["EventTag"] = eventTags;
        return row;
    }

    private static JsonObject OrgStub(JsonNode? org) => new()
    {
        ["id"] = (string?)org?["id"],
        ["name"] = (string?)org?["name"],
        ["uuid"] = (string?)org?["uuid"],
    };

    private async Task RestSearchAsync(SimulatedUser user, MispRequest misp, JsonObject? body)
    {
        var format = misp.Named.GetValueOrDefault("returnFormat") ?? (string?)body?["returnFormat"] ?? "json";
        if (format.Equals("csv", StringComparison.OrdinalIgnoreCase))
        {
            await WriteCsvAsync(user);
            return;
        }

        Response.StatusCode = 200;
        Response.ContentType = JsonContentType;
        Response.Headers["X-Export-Module-Used"] = "json";
        Response.Headers["X-Response-Format"] = "json";
        Response.Headers["X-Skipped-Elements-Count"] = "0";
        Response.Headers.ContentDisposition = "attachment; filename=\"misp.event.list.json\"";
        if (state.Generated is { } generated)
        {
            await EventGenerator.WriteRestSearchAsync(Response.Body, generated, context.RequestAborted);
            return;
        }

        // _harvestParameters reads the request wrapper in place of the top level.
        var filters = body?["request"] as JsonObject ?? body;
        var ids = Filter(filters?["eventid"]);
        var uuids = Filter(filters?["uuid"]);
        var events = misp.Page(state.Events.Where(e => (ids?.Matches((string?)e["id"]) ?? true) && (uuids?.Matches((string?)e["uuid"]) ?? true)), filters)
            .Select(e => ViewFor(user, e))
            .ToList();
        Response.Headers["X-Result-Count"] = events.Count.ToString(CultureInfo.InvariantCulture);

        // MISP streams restSearch compactly whatever the client, inside a hand-written envelope.
        using var output = new MemoryStream();
        output.Write("{\"response\": ["u8);
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0)
            {
                output.WriteByte((byte)',');
            }

            output.Write(MispJson.Serialize(new JsonObject { ["Event"] = events[i] }, compact: true));
        }

        output.Write("]}\n"u8);
        await Response.Body.WriteAsync(output.ToArray(), context.RequestAborted);
    }

    /// <summary>
    /// A restSearch filter as MISP's <c>convert_filters</c> reads it: a list of values, or one string
    /// of <c>&amp;&amp;</c>-joined values; a value starting with <c>!</c> excludes; null when unset.
    /// </summary>
    private static SearchFilter? Filter(JsonNode? value)
    {
        var values = value switch
        {
            JsonArray list => list.Select(Scalar).OfType<string>().ToList(),
            JsonValue => Scalar(value)!.Split("&&").ToList(),
            _ => null,
        };
        if (values is null || values.All(v => v.Length == 0))
        {
            return null;
        }

        var filter = new SearchFilter();
        foreach (var v in values.Where(v => v.Length > 0))
        {
            (v[0] == '!' ? filter.Excluded : filter.Included).Add(v.TrimStart('!'));
        }

        return filter;
    }

    /// <summary>A filter's scalar as text: PyMISP sends ids as numbers.</summary>
    private static string? Scalar(JsonNode? value) => value is JsonValue scalar
        ? scalar.GetValueKind() == System.Text.Json.JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString()
        : null;

    private async Task WriteCsvAsync(SimulatedUser user)
    {
        var csv = new StringBuilder("uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,object_uuid,object_name,object_meta_category\n");
        foreach (var evt in state.Events.Select(e => ViewFor(user, e)))
        {
            foreach (var attribute in AllAttributes(evt).Where(a => (bool?)a["to_ids"] == true))
            {
                csv.Append(CultureInfo.InvariantCulture, $"\"{attribute["uuid"]}\",{evt["id"]},\"{attribute["category"]}\",\"{attribute["type"]}\",\"{attribute["value"]}\",\"{attribute["comment"]}\",1,,\"\",\"\",\"\",\"\",\"\"\n");
            }
        }

        Response.ContentType = "text/csv; charset=UTF-8";
        await Response.WriteAsync(csv.ToString(), context.RequestAborted);
    }

    private async Task AttributesRestSearchAsync(SimulatedUser user, MispRequest misp, JsonObject? body)
    {
        var includeEventTags = misp.Flag("includeEventTags", body);
        var includeContext = misp.Flag("includeContext", body);

        // Three of MispAttribute's filters, as it reads them: a uuid names the attribute or its event.
        var filters = body?["request"] as JsonObject ?? body;
        var ids = Filter(filters?["eventid"]);
        var uuids = Filter(filters?["uuid"]);
        var types = Filter(filters?["type"]);
        var attributes = new JsonArray();
        foreach (var evt in state.Events.Where(e => ids?.Matches((string?)e["id"]) ?? true).Select(e => ViewFor(user, e)))
        {
            foreach (var attribute in AllAttributes(evt))
            {
                if (!(types?.Matches((string?)attribute["type"]) ?? true)
                    || !(uuids?.MatchesEither((string?)attribute["uuid"], (string?)evt["uuid"]) ?? true))
                {
                    continue;
                }

                var row = new JsonObject();
                foreach (var (name, value) in attribute)
                {
                    if (name is not ("Galaxy" or "ShadowAttribute" or "Sighting" or "Tag"))
                    {
                        row[name] = value?.DeepClone();
                    }
                }

                row["Event"] = includeContext ? AttributeContext(evt) : new JsonObject
                {
                    ["org_id"] = (string?)evt["org_id"],
                    ["distribution"] = (string?)evt["distribution"],
                    ["publish_timestamp"] = (string?)evt["publish_timestamp"],
                    ["id"] = (string?)evt["id"],
                    ["info"] = (string?)evt["info"],
                    ["orgc_id"] = (string?)evt["orgc_id"],
                    ["uuid"] = (string?)evt["uuid"],
                };
                var tags = new JsonArray();
                foreach (var tag in (attribute["Tag"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    tags.Add(tag.DeepClone());
                }

                if (includeEventTags)
                {
                    foreach (var tag in (evt["Tag"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        var inherited = tag.DeepClone().AsObject();
                        inherited["inherited"] = 1;
                        tags.Add(inherited);
                    }
                }

                if (tags.Count > 0)
                {
                    row["Tag"] = tags;
                }

                attributes.Add(row);
            }
        }

        Response.ContentType = JsonContentType;
        Response.Headers["X-Result-Count"] = attributes.Count.ToString(CultureInfo.InvariantCulture);
        using var output = new MemoryStream();
        output.Write("{\"response\": {\"Attribute\": "u8);
        output.Write(MispJson.Serialize(attributes, compact: true));
        output.Write("}}\n"u8);
        await Response.Body.WriteAsync(output.ToArray(), context.RequestAborted);
    }

    /// <summary>An attribute row's event with <c>includeContext</c> (<c>MispAttribute::__fetchEventsForAttributeContext</c>): its fields, tags and <c>Orgc</c>.</summary>
    private static JsonObject AttributeContext(JsonObject evt)
    {
        var context = new JsonObject();
        foreach (var field in (string[])["id", "orgc_id", "org_id", "date", "threat_level_id", "info", "published", "uuid", "analysis", "timestamp", "distribution", "publish_timestamp", "sharing_group_id", "extends_uuid"])
        {
            context[field] = evt[field]?.DeepClone();
        }

        context["Tag"] = new JsonArray([.. (evt["Tag"] as JsonArray ?? []).OfType<JsonObject>().Select(t => (JsonNode?)new JsonObject
        {
            ["local"] = t["local"]?.DeepClone() ?? false,
            ["id"] = t["id"]?.DeepClone(),
            ["name"] = t["name"]?.DeepClone(),
            ["colour"] = t["colour"]?.DeepClone(),
            ["numerical_value"] = t["numerical_value"]?.DeepClone(),
        })]);
        context["Orgc"] = evt["Orgc"]?.DeepClone();
        return context;
    }
}

/// <summary>The values a restSearch filter asks for (any of them) and excludes (all of them); compared as MySQL compares, case-insensitively.</summary>
internal sealed class SearchFilter
{
    public HashSet<string> Included { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> Excluded { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Matches(string? value) =>
        value is not null && (Included.Count == 0 || Included.Contains(value)) && !Excluded.Contains(value);

    /// <summary>A filter on two columns (<c>Attribute.uuid</c> or <c>Event.uuid</c>): either included, neither excluded.</summary>
    public bool MatchesEither(string? first, string? second) =>
        (Included.Count == 0 || (first is not null && Included.Contains(first)) || (second is not null && Included.Contains(second)))
        && !(first is not null && Excluded.Contains(first)) && !(second is not null && Excluded.Contains(second));
}
