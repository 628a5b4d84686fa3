using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TlpGateway.Endpoints;
using TlpGateway.Requests;

namespace TlpGateway.Fuzz;

/// <summary>
/// The export request of one fuzzing input (the restSearch body a client sent with it), read from the
/// whitespace after its last token, which JSON allows and MISP's answer never holds: each tab a 0 bit,
/// each CR a 1, spaces and LFs none (they pad an input to its requester's length). So afl-fuzz varies
/// the request as it varies the answer, and a seed says which request it asks.
/// </summary>
/// <remarks>
/// The bits, missing ones 0: two for <c>requested_attributes</c> (none, a list, names joined by
/// <c>||</c>, a list with every parameter inside the <c>request</c> wrapper), three each for how
/// <c>headerless</c>, <c>includeContext</c>, <c>includeDecayScore</c> and <c>excludeDecayed</c> are
/// written (<see cref="Spellings"/>), four for the number of columns and six for each column's name
/// (<see cref="Names"/>: MISP's fields, the names the writer maps, source-holding ones, spellings the
/// gateway refuses, and the keys of the input's first attribute, so a key afl-fuzz writes is asked for).
/// An input with no bit asks the default export, with <c>includeContext</c> for half the inputs, by
/// their length, as the corpus kept before the request was read from the input.
/// </remarks>
internal static class ExportParameters
{
    /// <summary>A flag as a client writes it (JSON; empty: left out). PHP's <c>!empty()</c> reads <c>"false"</c> as true, <c>" 0 "</c> (trimmed) as false, null as not given.</summary>
    private static readonly string[] Spellings = ["", "1", "true", "\"1\"", "\"false\"", "0", "\" 0 \"", "null"];

    private static readonly string[] Flags = ["headerless", "includeContext", "includeDecayScore", "excludeDecayed"];

    /// <summary>The names a column is asked by; from index 54 on, the input's own keys.</summary>
    private static readonly string[] Names =
    [
        "uuid", "event_id", "category", "type", "value", "comment", "to_ids", "timestamp", "object_relation", "attribute_tag", "object_uuid", "object_name", "object_meta-category",
        "event_info", "event_member_org", "event_source_org", "event_distribution", "event_threat_level_id", "event_analysis", "event_date", "event_tag", "event_timestamp",
        "decay_score_score", "decay_score_decayed",
        "id", "object_id", "distribution", "sharing_group_id", "deleted", "disable_correlation", "first_seen", "last_seen", "event_uuid", "date",
        "Event", "Object", "Tag", "AttributeTag", "Orgc", "Org", "orgc", "org_name", "orgc_uuid", "org_id", "event_creator_email", "object_meta_category",
        " value", "value ", "Value", "1",
        "uuid,value", "va\"lue", "value\n", "",
    ];

    /// <summary>The body of the restSearch that asked for this input's exports; <paramref name="root"/> the input read as JSON, if it is.</summary>
    public static JsonObject Body(ReadOnlySpan<byte> input, JsonElement? root)
    {
        var bits = Bits(input);
        var body = new JsonObject();
        if (bits.Count == 0)
        {
            if (ExportTarget.IncludeContext(input))
            {
                body["includeContext"] = 1;
            }

            return body;
        }

        var at = 0;
        int Read(int count)
        {
            var value = 0;
            for (var i = 0; i < count; i++, at++)
            {
                value = (value << 1) | (at < bits.Count && bits[at] ? 1 : 0);
            }

            return value;
        }

        var form = Read(2);
        foreach (var flag in Flags)
        {
            if (Spellings[Read(3)] is { Length: > 0 } spelling)
            {
                body[flag] = JsonNode.Parse(spelling);
            }
        }

        var keys = root is { } r ? FirstAttributeKeys(r) : [];
        var columns = Enumerable.Range(0, Read(4)).Select(_ => Read(6)).Select(i => i < Names.Length ? Names[i] : keys.Count > 0 ? keys[(i - Names.Length) % keys.Count] : "value").ToList();
        switch (form)
        {
            case 1 or 3:
                body["requested_attributes"] = new JsonArray([.. columns.Select(c => (JsonNode)JsonValue.Create(c))]);
                break;
            case 2:
                body["requested_attributes"] = string.Join("||", columns);
                break;
        }

        return form == 3 ? new JsonObject { ["request"] = body } : body;
    }

    /// <summary>The request MISP would read <paramref name="body"/> in: a POST to the restSearch of <paramref name="scope"/>.</summary>
    public static MispRequest Request(JsonObject body, RestSearchScope scope)
    {
        var route = MispRoute.Parse(scope == RestSearchScope.Attribute ? "/attributes/restSearch" : "/events/restSearch", HttpMethods.Post)!;
        var (parsed, _) = MispBody.Parse("application/json", Encoding.UTF8.GetBytes(body.ToJsonString()));
        return new MispRequest { Route = route, Method = HttpMethods.Post, Body = parsed!, Endpoint = EndpointCatalog.Find(route)! };
    }

    /// <summary>The bits of the input's trailing whitespace (a tab 0, a CR 1).</summary>
    internal static List<bool> Bits(ReadOnlySpan<byte> input)
    {
        var trailer = input[(input.LastIndexOfAnyExcept(" \t\r\n"u8) + 1)..];
        var bits = new List<bool>();
        foreach (var b in trailer)
        {
            if (b is (byte)'\t' or (byte)'\r')
            {
                bits.Add(b == '\r');
            }
        }

        return bits;
    }

    // The keys of the first attribute (an event's or a row) the input holds, as the writer would look them up.
    private static List<string> FirstAttributeKeys(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (property.Name == "Attribute" && OracleJson.Elements(property.Value).FirstOrDefault(e => e.ValueKind == JsonValueKind.Object) is { ValueKind: JsonValueKind.Object } attribute)
                    {
                        return [.. attribute.EnumerateObject().Select(Name).OfType<string>()];
                    }

                    if (FirstAttributeKeys(property.Value) is { Count: > 0 } keys)
                    {
                        return keys;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    if (FirstAttributeKeys(element) is { Count: > 0 } keys)
                    {
                        return keys;
                    }
                }

                break;
        }

        return [];
    }

    // A key as the writer looks it up; one escaping half a UTF-16 pair has no name a client could write.
    private static string? Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
