using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>
/// The sighting reads that are no search, in MISP 2.5.1's shapes (read from <c>SightingsController</c> and <c>Sighting</c>),
/// over the sightings real MISP answered ORG_C's <c>/sightings/restSearch/event</c> with: <c>listSightings</c> and
/// <c>view</c> as <c>Sighting::listSightings</c> finds them (<c>{"Sighting": {...}, "Organisation": {"name"}}</c>), the
/// index as <c>Sighting::attachToEvent</c> leaves them (flat, with <c>attribute_uuid</c> and the whole <c>Organisation</c>).
/// </summary>
internal static class SimulatorSightings
{
    private static readonly string[] ColumnNames = ["id", "attribute_id", "event_id", "org_id", "date_sighting", "uuid", "source", "type"];

    /// <summary>
    /// <c>listSightings($id, $context, $org_id)</c>: a POST's body keys over the passed ones, the ids split at <c>|</c>
    /// (<c>explodeIdList</c>); MISP's 405 when <paramref name="shown"/> (what MISP shows the user) finds none of them.
    /// </summary>
    public static (int Status, JsonNode Answer) List(MispRequest misp, JsonObject? body, Func<string, string, bool> shown)
    {
        var id = (string?)body?["id"] ?? misp.Argument(0) ?? string.Empty;
        var context = (string?)body?["context"] ?? misp.Argument(1) ?? "attribute";
        var orgId = (string?)body?["org_id"] ?? misp.Argument(2);
        var ids = id.IndexOf('|') > 0 ? id.Split('|').Where(v => v.All(char.IsAsciiDigit) && v.Length > 0).ToArray() : [id];
        var found = ids.Where(i => shown(context, i)).ToHashSet();
        if (found.Count == 0)
        {
            var url = string.Join('/', ["/sightings/listSightings", .. misp.Arguments]);
            return (405, new JsonObject { ["name"] = "Invalid object.", ["message"] = "Invalid object.", ["url"] = url });
        }

        var column = context == "event" ? "event_id" : "attribute_id";
        var rows = Captured().Where(s => found.Contains((string?)s[column] ?? string.Empty) && (orgId is null or "0" or "" || (string?)s["org_id"] == orgId));
        return (200, new JsonArray([.. rows.Select(s => (JsonNode?)Listed(s))]));
    }

    /// <summary><c>view($idOrUUID)</c>: the first sighting <c>listSightings</c> finds of the sighted attribute.</summary>
    public static (int Status, JsonNode Answer) View(MispRequest misp)
    {
        var id = misp.Argument(0);
        var sighting = Captured().FirstOrDefault(s => (string?)s["id"] == id || string.Equals((string?)s["uuid"], id, StringComparison.OrdinalIgnoreCase));
        return sighting is null ? (404, new JsonObject { ["message"] = "Invalid sighting." }) : (200, Listed(Captured().First(s => (string?)s["attribute_id"] == (string?)sighting["attribute_id"])));
    }

    /// <summary><c>index($eventid)</c>: every sighting of the event (of every event without one), flat.</summary>
    public static JsonArray Index(MispRequest misp)
    {
        var eventId = misp.Argument(0);
        return new JsonArray(Captured().Where(s => eventId is null || (string?)s["event_id"] == eventId).Select(s =>
        {
            var row = Columns(s);
            row["attribute_uuid"] = s["attribute_uuid"]?.DeepClone();
            row["Organisation"] = s["Organisation"]?.DeepClone();
            return (JsonNode?)row;
        }).ToArray());
    }

    private static JsonObject Listed(JsonObject sighting) =>
        new() { ["Sighting"] = Columns(sighting), ["Organisation"] = new JsonObject { ["name"] = sighting["Organisation"]?["name"]?.DeepClone() } };

    /// <summary>The sighting's own columns, as the sightings table holds them.</summary>
    private static JsonObject Columns(JsonObject sighting)
    {
        var row = new JsonObject();
        foreach (var name in ColumnNames)
        {
            row[name] = sighting[name]?.DeepClone();
        }

        return row;
    }

    private static IEnumerable<JsonObject> Captured() =>
        JsonNode.Parse(SeedData.Capture("sightings_restSearch_event__orgC.json"))!["response"]!.AsArray().Select(r => r!["Sighting"]!.AsObject());
}
