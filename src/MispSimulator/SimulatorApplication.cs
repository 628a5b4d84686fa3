using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>Builds the MISP simulator's web application (used by Program, the tests, the demo and the benchmarks).</summary>
public static class SimulatorApplication
{
    public static WebApplication Build(string[] args, SimulatorState? state = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton(state ?? new SimulatorState());
        var app = builder.Build();
        var simulator = app.Services.GetRequiredService<SimulatorState>();

        // `--Simulator:ResponseDelay 00:00:00.020` stands for a MISP whose every answer takes that long (the benchmarks).
        if (app.Configuration.GetValue<TimeSpan?>("Simulator:ResponseDelay") is { } delay)
        {
            simulator.Faults.ResponseDelay = delay;
        }

        // `--Simulator:CorrelatedEvents 20` adds that many events that all correlate with each other (the benchmarks).
        if (app.Configuration.GetValue<int?>("Simulator:CorrelatedEvents") is { } correlated)
        {
            SeedData.AddCorrelatedEvents(simulator, correlated);
        }

        app.Run(context => new MispEndpoints(simulator, context).HandleAsync());
        return app;
    }
}

/// <summary>The part of MISP's API the gateway deals with, answering as MISP 2.5.1 does.</summary>
internal sealed partial class MispEndpoints(SimulatorState state, HttpContext context)
{
    private const string JsonContentType = "application/json; charset=UTF-8";

    private HttpRequest Request => context.Request;

    private HttpResponse Response => context.Response;

    public async Task HandleAsync()
    {
        using var buffer = new MemoryStream();
        await Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var headers = Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? string.Empty))).ToList();
        var recorded = new RecordedRequest(Request.Method, Request.Path + Request.QueryString, headers, body)
        {
            RawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? string.Empty,
        };
        state.Record(recorded);
        if (state.Faults.ResponseDelay > TimeSpan.Zero && (state.Faults.DelayWhen?.Invoke(recorded) ?? true))
        {
            await Task.Delay(state.Faults.ResponseDelay, context.RequestAborted);
        }

        foreach (var (name, value) in state.Faults.ExtraHeaders?.Invoke(recorded) ?? [])
        {
            Response.Headers.Append(name, value);
        }

        if (state.Faults.Override?.Invoke(recorded) is { } raw)
        {
            await WriteRawAsync(raw);
            return;
        }

        // MISP reads X-MISP-AUTH before Authorization.
        var key = Request.Headers["X-MISP-AUTH"].FirstOrDefault() ?? Request.Headers.Authorization.FirstOrDefault();
        var user = key is null ? null : state.FindUser(key.Trim());
        if (user is null)
        {
            await WriteErrorAsync(403, "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.", setCookie: key is not null);
            return;
        }

        // Every authenticated MISP answer opens a session.
        Response.Headers.SetCookie = $"CAKEPHP={Guid.NewGuid():N}; path=/; HttpOnly; SameSite=Lax";
        var misp = MispRequest.Parse(Request.Path.Value ?? "/");
        var json = ParseBody(body);
        var compact = MispJson.WantsCompact(Request.Headers.UserAgent);
        switch (misp.Controller, misp.Action)
        {
            case ("users", "view"):
                await WriteJsonAsync(user.ViewMe, compact);
                break;
            case ("servers", "getversion"):
                await WriteJsonAsync(Version(user), compact);
                break;
            case ("servers", "getpymispversion"):
                // The PyMISP version MISP recommends, which PyMISP asks for at start-up.
                await WriteJsonAsync(new JsonObject { ["version"] = "2.5.1" }, compact);
                break;
            case ("servers", "posttest"):
                await WriteJsonAsync(new JsonObject { ["body"] = json?.DeepClone() ?? JsonValue.Create(""), ["headers"] = new JsonObject() }, compact);
                break;
            case ("events", "view"):
                await ViewEventAsync(user, misp, compact);
                break;
            case ("events", "index"):
                await IndexAsync(misp, json, compact);
                break;
            case ("events", "restsearch"):
                await RestSearchAsync(user, misp, json);
                break;
            case ("attributes", "restsearch"):
                await AttributesRestSearchAsync(user, misp, json);
                break;
            case ("events", "add"):
                await AddEventAsync(user, json, compact);
                break;
            case ("events", "edit"):
                await EditEventAsync(user, misp, json, compact);
                break;
            case ("events", "delete"):
                await DeleteEventAsync(misp);
                break;
            case ("shadow_attributes", "index"):
                await WriteCapturedAsync(user, "shadow_attributes_index_all", "[]");
                break;
            case ("sightings", "restsearch"):
                await WriteCapturedAsync(user, "sightings_restSearch_event", "{\"response\": []}");
                break;
            case ("sightings", "listsightings"):
                await WriteAnswerAsync(SimulatorSightings.List(misp, HttpMethods.IsPost(Request.Method) ? json : null, (context, id) => Shows(user, context, id)), compact);
                break;
            case ("sightings", "view"):
                await WriteAnswerAsync(SimulatorSightings.View(misp), compact);
                break;

            case ("sightings", "index"):
                await WriteJsonAsync(SimulatorSightings.Index(misp), compact);
                break;
            case ("sightings", "filtersightinguuidsforpush"):
                await WriteJsonAsync(new JsonArray(), compact: true);
                break;
            case ("sightings", "bulksavesightings"):
                await WriteJsonAsync(new JsonObject { ["saved"] = true, ["success"] = true, ["name"] = "Sightings saved", ["message"] = "Sightings saved", ["url"] = Request.Path.Value }, compact: true);
                break;
            case ("attributes", "view"):
                await ViewAttributeAsync(user, misp, compact);
                break;
            case ("galaxy_clusters", "restsearch"):
                await WriteJsonAsync(SimulatorViews.ClusterSearch(state, misp.Flag("minimal", json), misp.Flag("custom", json)), compact);
                break;
            case ("events", "filtereventidsforpush"):
                // The hub lacks none of the pushed events, as far as the simulator is concerned.
                await WriteJsonAsync(new JsonArray(), compact: true);
                break;
            case ("attributes", "add") when SimulatorWrites.AttributeAdded(misp.Argument(0), json) is { } added:
                await WriteJsonAsync(added, compact);
                break;
            case ("shadow_attributes", "add"):
            case ("shadow_attributes", "edit"):
            case ("sightings", "add"):
            case ("attributes", "add"):
            case ("attributes", "edit"):
            case ("attributes", "delete"):
            case ("events", "pushproposals"):
                await WriteJsonAsync(new JsonObject { ["saved"] = true, ["success"] = true, ["name"] = "Saved", ["message"] = "Saved", ["url"] = Request.Path.Value }, compact);
                break;
            default:
                if (SimulatorViews.TryAnswer(state, misp, out var status, out var view))
                {
                    // A missing item is MISP's exception, rendered as every CakePHP error is.
                    await (status >= 400 ? WriteErrorAsync(status, (string)view!["message"]!) : WriteJsonAsync(view!, compact, status));
                    break;
                }

                if (!await SimulatorWrites.TryHandleAsync(state, context, misp))
                {
                    await WriteErrorAsync(404, "Not Found");
                }

                break;
        }
    }

    /// <summary>Lists the simulator does not model (proposals, sightings) answer what real MISP answered that user (or the admin), or an empty list.</summary>
    private async Task WriteCapturedAsync(SimulatedUser user, string capture, string empty)
    {
        var suffix = user.Key switch
        {
            SimulatorKeys.OrgC => "orgC",
            SimulatorKeys.SyncB => "syncB",
            SimulatorKeys.ThirdParty => null,

            // Other members see what the site admin saw: MISP shows them the items of every event they can see.
            _ => "admin",
        };
        var path = suffix is null ? null : Path.Combine(SeedData.SamplesDirectory, $"{capture}__{suffix}.json");
        Response.StatusCode = 200;
        Response.ContentType = JsonContentType;
        if (path is not null && File.Exists(path))
        {
            await Response.Body.WriteAsync(await File.ReadAllBytesAsync(path, context.RequestAborted), context.RequestAborted);
        }
        else
        {
            await Response.WriteAsync(empty, context.RequestAborted);
        }
    }

    private async Task ViewAttributeAsync(SimulatedUser user, MispRequest misp, bool compact)
    {
        var id = misp.Argument(0);
        foreach (var evt in state.Events.Select(e => ViewFor(user, e)))
        {
            var attribute = AllAttributes(evt).FirstOrDefault(a => (string?)a["id"] == id || string.Equals((string?)a["uuid"], id, StringComparison.OrdinalIgnoreCase));
            if (attribute is not null)
            {
                var copy = attribute.DeepClone().AsObject();
                copy["event_id"] = (string?)evt["id"];
                await WriteJsonAsync(new JsonObject { ["Attribute"] = copy }, compact);
                return;
            }
        }

        await WriteErrorAsync(404, "Invalid attribute");
    }

    /// <summary>Whether MISP shows the user the event or the undeleted attribute with this id (<c>Sighting::listSightings</c>'s look-up).</summary>
    private bool Shows(SimulatedUser user, string context, string id) => context switch
    {
        "event" => state.Events.Any(e => (string?)e["id"] == id),
        "attribute" => state.Events.Select(e => ViewFor(user, e)).SelectMany(AllAttributes).Any(a => (string?)a["id"] == id && a["deleted"]?.ToString() is not ("1" or "true")),
        _ => false,
    };

    private static JsonObject? ParseBody(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static JsonObject Version(SimulatedUser user) => new()
    {
        ["version"] = "2.5.1",
        ["pymisp_recommended_version"] = "2.5.1",
        ["perm_sync"] = user.PermSync,
        ["perm_sighting"] = true,
        ["perm_galaxy_editor"] = true,
        ["perm_analyst_data"] = true,
        ["uuid"] = user.PermSync ? "7258b927-2362-42d6-abbf-727c38d745f6" : "-",
        ["request_encoding"] = new JsonArray("gzip"),
        ["filter_sightings"] = true,
    };

    private async Task ViewEventAsync(SimulatedUser user, MispRequest misp, bool compact)
    {
        var stored = misp.Argument(0) is { } id ? state.FindEvent(id) : null;
        if (stored is null)
        {
            if (HttpMethods.IsHead(Request.Method))
            {
                await WriteHeadAsync(404);
                return;
            }

            await WriteErrorAsync(404, "Invalid event");
            return;
        }

        if (HttpMethods.IsHead(Request.Method))
        {
            await WriteHeadAsync(200);
            return;
        }

        var view = ViewFor(user, stored);
        if (misp.Flag("excludeLocalTags", null))
        {
            RemoveLocalTags(view);
        }

        if (misp.Named.TryGetValue("includeEventCorrelations", out var correlations) && correlations == "0")
        {
            view.Remove("RelatedEvent");
        }

        await WriteJsonAsync(new JsonObject { ["Event"] = view }, compact);
    }

    private async Task AddEventAsync(SimulatedUser user, JsonObject? body, bool compact)
    {
        var posted = body?["Event"] as JsonObject ?? body;
        if (posted is null)
        {
            await WriteErrorAsync(403, "Could not add Event");
            return;
        }

        if (posted["info"] is not JsonValue info || string.IsNullOrWhiteSpace(info.ToString()))
        {
            // MISP validates the event before it saves it: RestResponseComponent::saveFailResponse, 403.
            await WriteJsonAsync(
                new JsonObject
                {
                    ["saved"] = false,
                    ["name"] = "Could not add Event",
                    ["message"] = "Could not add Event",
                    ["url"] = "/events/add",
                    ["errors"] = new JsonObject { ["Event"] = new JsonObject { ["info"] = new JsonArray("Info cannot be empty.") } },
                },
                compact,
                status: 403);
            return;
        }

        var uuid = (string?)posted["uuid"];
        if (uuid is not null && state.FindEvent(uuid) is { } existing)
        {
            // MISP answers a push of an event it already has with 404 and where to find it.
            Response.Headers.Location = $"/events/view/{existing["id"]}";
            await WriteErrorAsync(404, "Event already exists, if you would like to edit it, use the url in the location header.");
            return;
        }

        var id = state.NextEventId().ToString(CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var org = new JsonObject { ["id"] = user.OrgId, ["name"] = user.OrgName, ["uuid"] = user.OrgUuid, ["local"] = true };
        var orgc = user.PermSync && posted["Orgc"] is JsonObject pushedOrgc ? pushedOrgc.DeepClone().AsObject() : org.DeepClone().AsObject();
        var stored = new JsonObject
        {
            ["id"] = id,
            ["orgc_id"] = (string?)orgc["id"] ?? user.OrgId,
            ["org_id"] = user.OrgId,
            ["date"] = (string?)posted["date"] ?? DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["threat_level_id"] = posted["threat_level_id"]?.ToString() ?? "4",
            ["info"] = (string?)posted["info"] ?? string.Empty,
            ["published"] = false,
            ["uuid"] = uuid ?? Guid.NewGuid().ToString(),
            ["attribute_count"] = (posted["Attribute"] as JsonArray)?.Count.ToString(CultureInfo.InvariantCulture) ?? "0",
            ["analysis"] = posted["analysis"]?.ToString() ?? "0",
            ["timestamp"] = now,
            ["distribution"] = posted["distribution"]?.ToString() ?? "1",
            ["proposal_email_lock"] = false,
            ["locked"] = user.PermSync,
            ["publish_timestamp"] = "0",
            ["sharing_group_id"] = "0",
            ["disable_correlation"] = false,
            // MISP stores the extended event's UUID lowercased (Event::beforeValidate).
            ["extends_uuid"] = ((string?)(posted["extends_uuid"] as JsonValue))?.ToLowerInvariant() ?? string.Empty,
            ["protected"] = posted["protected"]?.DeepClone(),
            ["event_creator_email"] = user.Email,
            ["Org"] = org,
            ["Orgc"] = orgc,
            ["Attribute"] = posted["Attribute"]?.DeepClone() ?? new JsonArray(),
            ["ShadowAttribute"] = new JsonArray(),
            ["RelatedEvent"] = new JsonArray(),
            ["Galaxy"] = new JsonArray(),
            ["Object"] = posted["Object"]?.DeepClone() ?? new JsonArray(),
            ["EventReport"] = new JsonArray(),
            ["CryptographicKey"] = new JsonArray(),
        };
        if (posted["Tag"] is JsonArray tags && tags.Count > 0)
        {
            stored["Tag"] = tags.DeepClone();
        }

        state.PutEvent(stored);
        await WriteJsonAsync(new JsonObject { ["Event"] = EchoFor(user, stored.DeepClone().AsObject()) }, compact);
    }

    private async Task EditEventAsync(SimulatedUser user, MispRequest misp, JsonObject? body, bool compact)
    {
        var stored = misp.Argument(0) is { } id ? state.FindEvent(id) : null;
        var posted = body?["Event"] as JsonObject ?? body;
        if (stored is null || posted is null)
        {
            await WriteErrorAsync(404, "Invalid event");
            return;
        }

        var edited = stored.DeepClone().AsObject();
        foreach (var (name, value) in posted)
        {
            if (name is not ("id" or "uuid" or "Org" or "Orgc"))
            {
                edited[name] = value?.DeepClone();
            }
        }

        // Event::_edit only attaches the pushed tags: the hub's local tags stay.
        if (posted["Tag"] is JsonArray && stored["Tag"] is JsonArray storedTags)
        {
            var kept = (JsonArray)edited["Tag"]!;
            foreach (var tag in storedTags.Where(t => t?["local"] is JsonValue local && local.TryGetValue<bool>(out var isLocal) && isLocal))
            {
                kept.Add(tag!.DeepClone());
            }
        }

        edited["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        state.PutEvent(edited);
        await WriteJsonAsync(new JsonObject { ["Event"] = EchoFor(user, ViewFor(user, edited)) }, compact);
    }

    private async Task DeleteEventAsync(MispRequest misp)
    {
        if (misp.Argument(0) is not { } id || !state.RemoveEvent(id))
        {
            await WriteErrorAsync(404, "Invalid event");
            return;
        }

        await WriteJsonAsync(new JsonObject { ["saved"] = true, ["success"] = true, ["name"] = "Event deleted.", ["message"] = "Event deleted.", ["url"] = Request.Path.Value }, compact: true);
    }

    /// <summary>An answer or, from 400 on, MISP's exception with its message.</summary>
    private Task WriteAnswerAsync((int Status, JsonNode Answer) answer, bool compact) =>
        answer.Status >= 400 ? WriteErrorAsync(answer.Status, (string)answer.Answer["message"]!) : WriteJsonAsync(answer.Answer, compact);

    private async Task WriteJsonAsync(JsonNode node, bool compact, int status = 200)
    {
        Response.StatusCode = status;
        Response.ContentType = JsonContentType;
        await Response.Body.WriteAsync(MispJson.Serialize(node, compact), context.RequestAborted);
    }

    private async Task WriteHeadAsync(int status)
    {
        Response.StatusCode = status;
        Response.ContentType = "text/html; charset=UTF-8";
        Response.ContentLength = 0;
        await Response.CompleteAsync();
    }

    /// <summary>CakePHP's error body: compact, slashes escaped.</summary>
    private async Task WriteErrorAsync(int status, string message, bool setCookie = true)
    {
        if (!setCookie)
        {
            Response.Headers.Remove("Set-Cookie");
        }

        // CakeRequest::here(): the path as received (REQUEST_URI, still percent-encoded), and the query it was asked
        // with (through h(), as ExceptionRenderer writes it).
        var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? Request.Path.Value ?? "/";
        var here = target.Split('?')[0] + Request.QueryString.Value;
        var url = HtmlSpecialChars(here).Replace("/", "\\/", StringComparison.Ordinal);
        var escaped = System.Text.Json.JsonEncodedText.Encode(message, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        var bytes = Encoding.UTF8.GetBytes($"{{\"name\":\"{escaped}\",\"message\":\"{escaped}\",\"url\":\"{url}\"}}");
        Response.StatusCode = status;
        Response.ContentType = JsonContentType;
        Response.ContentLength = bytes.Length;
        await Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>PHP's <c>htmlspecialchars($text, ENT_QUOTES)</c>, CakePHP's <c>h()</c>.</summary>
    private static string HtmlSpecialChars(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#039;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private async Task WriteRawAsync(RawResponse raw)
    {
        if (raw.AbortConnection)
        {
            context.Abort();
            return;
        }

        Response.StatusCode = raw.StatusCode;
        if (raw.ContentType is not null)
        {
            Response.ContentType = raw.ContentType;
        }

        if (raw.ContentEncoding is { } encoding)
        {
            Response.Headers.ContentEncoding = encoding;
        }

        if (raw.Location is { } location)
        {
            Response.Headers.Location = location;
        }

        if (raw.DeclaredLength is { } declared)
        {
            Response.ContentLength = declared;
        }

        if (raw.StallAfterBytes is { } stall)
        {
            await Response.Body.WriteAsync(raw.Body.AsMemory(0, Math.Min(stall, raw.Body.Length)), context.RequestAborted);
            await Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return;
        }

        try
        {
            await Response.Body.WriteAsync(raw.Body, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            // Kestrel refuses to write past a declared Content-Length: the short or long body is what the test wanted.
            context.Abort();
        }
    }
}
