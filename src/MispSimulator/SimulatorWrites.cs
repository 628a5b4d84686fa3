using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>
/// The writes the gateway's write tests need, beyond the routes <see cref="MispEndpoints"/> and
/// <see cref="SimulatorViews"/> model: every write MISP accepts through the gateway answers MISP's
/// success shape (the tests assert what was received, recorded before any answer); an object
/// reference's view answers it with its <c>event_id</c>, so the gateway can find the event it concerns.
/// </summary>
internal static class SimulatorWrites
{
    /// <summary>Answers <paramref name="misp"/> if it is one of these routes; false otherwise.</summary>
    public static async Task<bool> TryHandleAsync(SimulatorState state, HttpContext context, MispRequest misp)
    {
        var id = misp.Argument(0);
        if ((misp.Controller, misp.Action) is ("object_references", "view") && Reference(state, id) is { } reference)
        {
            await WriteAsync(context, 200, reference);
            return true;
        }

        if (misp.Action is "view" or "index" or "restsearch")
        {
            return false;
        }

        if (HttpMethods.IsGet(context.Request.Method) && misp.Action != "restore")
        {
            return false;
        }

        await WriteAsync(context, 200, new JsonObject { ["saved"] = true, ["success"] = true, ["name"] = "Saved", ["message"] = "Saved", ["url"] = context.Request.Path.Value });
        return true;
    }

    private static JsonObject? Reference(SimulatorState state, string? id)
    {
        foreach (var evt in state.Events)
        {
            foreach (var reference in (evt["Object"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(o => (o["ObjectReference"] as JsonArray ?? []).OfType<JsonObject>()))
            {
                if (Matches(reference, id))
                {
                    var copy = reference.DeepClone().AsObject();
                    copy["event_id"] = (string?)evt["id"];
                    return new JsonObject { ["ObjectReference"] = copy };
                }
            }
        }

        return null;
    }

    private static bool Matches(JsonObject item, string? id) =>
        id is not null && ((string?)item["id"] == id || string.Equals((string?)item["uuid"], id, StringComparison.OrdinalIgnoreCase));

    private static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.Body.WriteAsync(MispJson.Serialize(body, compact: true), context.RequestAborted);
    }

    /// <summary>
    /// MISP 2.5.1's answer to <c>/attributes/add/{event}</c> (AttributesController::add; the gateway forwards attributes as
    /// <c>{"Attribute": [{...}]}</c>): one saved attribute alone, its tag links beside it (<c>AttributeTag</c>, each with its
    /// <c>Tag</c>); several as <c>{"Attribute": [...]}</c>, each with its tags in it; null for a body that holds no attribute.
    /// </summary>
    public static JsonObject? AttributeAdded(string? eventId, JsonNode? body)
    {
        var posted = body?["Attribute"] switch
        {
            JsonObject inner => [inner],
            JsonArray list => list.OfType<JsonObject>().ToList(),
            null when body is JsonObject top => [top],
            _ => [],
        };
        if (posted.Count == 0)
        {
            return null;
        }

        if (posted.Count == 1)
        {
            return Saved(eventId, posted[0]);
        }

        var saved = new JsonArray();
        foreach (var one in posted)
        {
            var result = Saved(eventId, one);
            var attribute = result["Attribute"]!.DeepClone().AsObject();
            var links = result["AttributeTag"]!.AsArray();
            if (links.Count > 0)
            {
                attribute["Tag"] = new JsonArray([.. links.Select(l => l!["Tag"]!.DeepClone())]);
            }

            saved.Add(attribute);
        }

        return new JsonObject { ["Attribute"] = saved };
    }

    private static JsonObject Saved(string? eventId, JsonObject posted)
    {
        var id = Interlocked.Increment(ref _attributeId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var value = (string?)posted["value"];
        var attribute = new JsonObject
        {
            ["id"] = id,
            ["event_id"] = eventId,
            ["object_id"] = "0",
            ["object_relation"] = null,
            ["category"] = (string?)posted["category"],
            ["type"] = (string?)posted["type"],
            ["value1"] = value,
            ["value2"] = "",
            ["to_ids"] = true,
            ["uuid"] = Guid.NewGuid().ToString(),
            ["timestamp"] = "1796699281",
            ["distribution"] = (string?)posted["distribution"] ?? "5",
            ["sharing_group_id"] = "0",
            ["comment"] = (string?)posted["comment"] ?? "",
            ["deleted"] = false,
            ["disable_correlation"] = false,
            ["first_seen"] = null,
            ["last_seen"] = null,
            ["value"] = value,
        };
        var links = new JsonArray();
        foreach (var tag in (posted["Tag"] as JsonArray ?? []).OfType<JsonObject>())
        {
            links.Add(new JsonObject
            {
                ["id"] = (links.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["attribute_id"] = id,
                ["event_id"] = eventId,
                ["tag_id"] = "5",
                ["local"] = false,
                ["relationship_type"] = null,
                ["Tag"] = new JsonObject { ["id"] = "5", ["name"] = (string?)tag["name"], ["colour"] = "#66e8a9", ["numerical_value"] = null },
            });
        }

        return new JsonObject { ["Attribute"] = attribute, ["AttributeTag"] = links };
    }

    private static int _attributeId = 1000;
}
