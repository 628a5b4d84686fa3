using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>
/// The writes and item views the gateway's write tests need, beyond the routes <see cref="MispEndpoints"/>
/// models: every write MISP accepts through the gateway answers MISP's success shape (the tests assert
/// what was received, recorded before any answer); item views answer the item with its <c>event_id</c>,
/// as MISP's do, so the gateway can find the event a write concerns.
/// </summary>
internal static class SimulatorWrites
{
    private static readonly string[] AnalystTypes = ["Note", "Opinion", "Relationship"];

    /// <summary>Answers <paramref name="misp"/> if it is one of these routes; false otherwise.</summary>
    public static async Task<bool> TryHandleAsync(SimulatorState state, HttpContext context, MispRequest misp)
    {
        var id = misp.Argument(0);
        JsonObject? answer = (misp.Controller, misp.Action) switch
        {
            ("objects", "view") => Item(state, "Object", id, nested: false),
            ("event_reports", "view") => Item(state, "EventReport", id, nested: false),
            ("shadow_attributes", "view") => Item(state, "ShadowAttribute", id, nested: true),
            ("object_references", "view") => Reference(state, id),
            ("analyst_data", "view") => Analyst(state, misp.Argument(0), misp.Argument(1)),
            _ => null,
        };
        if (answer is not null)
        {
            await WriteAsync(context, 200, answer);
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

    /// <summary>An event's item by id or UUID, with the event's id (proposals may also sit on attributes).</summary>
    private static JsonObject? Item(SimulatorState state, string key, string? id, bool nested)
    {
        foreach (var evt in state.Events)
        {
            var holders = new List<JsonObject> { evt };
            if (nested)
            {
                holders.AddRange((evt["Attribute"] as JsonArray ?? []).OfType<JsonObject>());
            }

            foreach (var item in holders.SelectMany(h => (h[key] as JsonArray ?? []).OfType<JsonObject>()))
            {
                if (Matches(item, id))
                {
                    var copy = item.DeepClone().AsObject();
                    copy["event_id"] = (string?)evt["id"];
                    return new JsonObject { [key] = copy };
                }
            }
        }

        return null;
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

    /// <summary>An analyst data item embedded in an event, its attributes or objects.</summary>
    private static JsonObject? Analyst(SimulatorState state, string? type, string? id)
    {
        if (type is null || !AnalystTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var key = AnalystTypes.First(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase));
        foreach (var evt in state.Events)
        {
            var holders = new List<JsonObject> { evt };
            holders.AddRange((evt["Attribute"] as JsonArray ?? []).OfType<JsonObject>());
            holders.AddRange((evt["Object"] as JsonArray ?? []).OfType<JsonObject>());
            foreach (var item in holders.SelectMany(h => (h[key] as JsonArray ?? []).OfType<JsonObject>()))
            {
                if (Matches(item, id))
                {
                    return new JsonObject { [key] = item.DeepClone() };
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
}
