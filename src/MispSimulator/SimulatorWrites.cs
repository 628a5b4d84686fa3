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
}
