using System.Text.Json.Nodes;

namespace TlpGateway.Tests.Preview;

/// <summary>Small events in MISP's shape (keys in MISP's order, <c>Tag</c> last), for the preview's tests.</summary>
internal static class PreviewEvents
{
    public const string OrgC = "13c7e515-44c2-40dc-bc3e-0e7bcaf6d390";

    /// <summary>An attribute: its UUID, type and TLP tag (none when null).</summary>
    public static JsonObject Attribute(string uuid, string type = "ip-dst", string? tlp = null, string value = "198.51.100.77")
    {
        var attribute = new JsonObject
        {
            ["id"] = "1",
            ["type"] = type,
            ["category"] = "Network activity",
            ["to_ids"] = true,
            ["uuid"] = uuid,
            ["event_id"] = "1",
            ["distribution"] = "5",
            ["value"] = value,
        };
        if (tlp is not null)
        {
            attribute["Tag"] = new JsonArray(new JsonObject { ["name"] = tlp, ["local"] = false });
        }

        return attribute;
    }

    /// <summary><c>{"Event": {...}}</c> by <paramref name="orgc"/>, with its tags (the event's TLP and any other) and attributes.</summary>
    public static JsonObject Event(string uuid, string id, string[] tags, params JsonObject[] attributes) => Event(uuid, id, OrgC, tags, attributes);

    public static JsonObject Event(string uuid, string id, string orgc, string[] tags, params JsonObject[] attributes)
    {
        var organisation = new JsonObject { ["id"] = "3", ["name"] = "ORG_C", ["uuid"] = orgc, ["local"] = true };
        var evt = new JsonObject
        {
            ["id"] = id,
            ["orgc_id"] = "3",
            ["org_id"] = "3",
            ["info"] = "Synthetic event " + id,
            ["uuid"] = uuid,
            ["attribute_count"] = attributes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["distribution"] = "3",
            ["event_creator_email"] = "user@org-c.test",
            ["Org"] = organisation.DeepClone(),
            ["Orgc"] = organisation,
            ["Attribute"] = new JsonArray([.. attributes]),
            ["Object"] = new JsonArray(),
        };
        if (tags.Length > 0)
        {
            evt["Tag"] = new JsonArray([.. tags.Select(t => (JsonNode)new JsonObject { ["name"] = t, ["local"] = false })]);
        }

        return new JsonObject { ["Event"] = evt };
    }

    /// <summary><c>{"response": [events]}</c>.</summary>
    public static string RestSearch(params JsonObject[] events) => new JsonObject { ["response"] = new JsonArray([.. events]) }.ToJsonString();
}
