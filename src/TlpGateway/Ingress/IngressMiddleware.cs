using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Errors;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Upstream;

namespace TlpGateway.Ingress;

/// <summary>
/// The rules on the way in (SPEC sections 5 and 6): request bodies decoded and bounded; changes to
/// other organisations' events refused in favour of proposals; events written without a TLP level
/// tagged with the community's default; relayed events sourced to the forwarding member; curated
/// data only; <c>getVersion</c> advertising only the request encodings the gateway can inspect.
/// </summary>
internal sealed class IngressMiddleware(
    RequestDelegate next,
    IMembersRegistryProvider registry,
    EventAccessLookup events,
    IOptions<IngressOptions> options,
    IOptions<CurationOptions> curation,
    IngressMetrics metrics,
    IAuditTrail audit,
    TimeProvider timeProvider)
{
    private static readonly JsonSerializerOptions CompactOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task InvokeAsync(HttpContext context)
    {
        if (await RequesterFeature.RequireAsync(context) is not { } requester)
        {
            return;
        }

        var request = context.Request;
        var route = MispRoute.Parse(request.Path.Value ?? "/");
        if (requester.IsSyncIdentity && requester.Member.Rules.RestrictSyncEndpoints && !IsSyncEndpoint(route))
        {
            await RefuseAsync(context, requester, "sync-endpoint-not-allowed", null, () => MispError.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", $"A MISP server may use only the endpoints MISP pulls and pushes with; /{route.Controller}/{route.Action} is not one of them."));
            return;
        }

        if (route.Is("servers", "getversion"))
        {
            await AdvertiseInspectableEncodingsAsync(context);
            return;
        }

        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            await next(context);
            return;
        }

        var (bytes, refusal) = await RequestBody.ReadAsync(request, options.Value.MaxBodyBytes, context.RequestAborted);
        if (refusal is { } refused)
        {
            await RefuseAsync(context, requester, refused.Reason, null, () => MispError.WriteAsync(context, refused.Status, "Request refused", refused.Message));
            return;
        }

        JsonNode? body = null;
        if (bytes is not null && bytes.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) >= 0)
        {
            try
            {
                body = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            }
            catch (JsonException)
            {
                await RefuseAsync(context, requester, "body-not-json", null, () => MispError.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", "The request body is not valid JSON: the gateway cannot inspect it."));
                return;
            }
        }

        var community = registry.Current.Community;
        var decision = await JudgeAsync(context, requester, community, route, body);
        if (decision.Refuse is { } refuse)
        {
            await RefuseAsync(context, requester, decision.Reason!, decision.EventRef, refuse);
            return;
        }

        if (decision.BodyChanged && body is not null)
        {
            RequestBody.Replace(request, JsonSerializer.SerializeToUtf8Bytes(body, CompactOptions));
        }

        metrics.Decided(decision.Reason ?? "passed", "passed");
        await next(context);
    }

    private readonly record struct Decision(string? Reason, Func<Task>? Refuse, bool BodyChanged, string? EventRef);

    private async Task<Decision> JudgeAsync(HttpContext context, Requester requester, CommunitySettings community, MispRoute route, JsonNode? body)
    {
        var target = TargetEvent(route);
        string? eventRef = null;
        try
        {
            if (target is { } t)
            {
                eventRef = t.IsEvent ? t.Id : await events.EventOfAsync(route.Controller, t.Id, requester, context.RequestAborted);
                var access = eventRef is null ? EventAccess.Withheld : await events.GetAsync(eventRef, requester, community, context.RequestAborted);
                if (!access.Receivable)
                {
                    // Whether the event exists is not the requester's business: MISP's own answer for a missing one.
                    return new Decision("event-not-receivable", () => MispError.WriteInvalidEventAsync(context), false, eventRef);
                }

                if (t.IsChange && !requester.IsOwner(access.OrgcUuid))
                {
                    var eventId = access.EventId ?? eventRef;
                    return new Decision(
                        "proposal-required",
                        () => MispError.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", $"This event belongs to another organisation: propose changes instead, with /shadow_attributes/add/{eventId} (a new attribute) or /shadow_attributes/edit/{{attribute id}} (a change to an attribute)."),
                        false,
                        eventRef);
                }
            }
        }
        catch (MispUnavailableException)
        {
            return new Decision("owner-unavailable", () => MispError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "MISP cannot confirm who owns this event right now; try again shortly."), false, eventRef);
        }

        var limit = curation.Value.MaxLooseAttributesPerType;
        if (route.Controller == "events" && route.Action is "add" or "edit" && EventWriteRules.EventOf(body) is { } evt)
        {
            var marking = EventWriteRules.Marking(evt);
            if (EventWriteRules.IsProtected(evt) && !marking.HasLevel)
            {
                return SaveFailure(context, "protected-without-tlp", "A signed (protected) event must carry a TLP tag: tag it before signing.", "TLP");
            }

            if (EventWriteRules.LooseOverLimit(EventWriteRules.LooseAttributes(evt), limit) is { } loose)
            {
                return SaveFailure(context, "curation", CurationMessage(loose, limit), "Curation");
            }

            if (EventWriteRules.MemberRuleBroken(evt, requester.Member.Rules, marking, community.DefaultTlp) is { } rule)
            {
                return SaveFailure(context, "rule-" + rule, $"The event breaks this member's sharing rule '{rule}'.", "Member rule");
            }

            var changed = EventWriteRules.AddDefaultTags(evt, community.DefaultTlp);
            if (route.Action == "add")
            {
                changed |= EventWriteRules.MakeRequesterTheSource(evt, requester.OrgUuid, requester.Member.Name);
            }

            return new Decision(changed ? "rewritten" : null, null, changed, eventRef);
        }

        if (route.Controller == "attributes" && route.Action is "add" or "addmultiple"
            && EventWriteRules.LooseOverLimit(EventWriteRules.AttributesOf(body), limit) is { } looseAttributes)
        {
            return SaveFailure(context, "curation", CurationMessage(looseAttributes, limit), "Curation");
        }

        if (route.Controller == "events" && route.Action == "freetextimport"
            && body?["value"]?.ToString() is { } text
            && text.Split((char[])[' ', '\n', '\r', '\t', ','], StringSplitOptions.RemoveEmptyEntries).Length is var values && values > limit)
        {
            return SaveFailure(context, "curation", CurationMessage(("freetext value", values), limit), "Curation");
        }

        return new Decision(null, null, false, eventRef);
    }

    /// <summary>What a MISP server asks for when it pulls from and pushes to a remote (MISP's ServerSyncTool).</summary>
    private static bool IsSyncEndpoint(MispRoute route) => (route.Controller, route.Action) switch
    {
        ("servers", "getversion" or "posttest") => true,
        ("users", "view") => true,
        ("events", "index" or "view" or "restsearch" or "add" or "edit" or "filtereventidsforpush" or "pushproposals") => true,
        ("attributes", "restsearch") => true,
        ("shadow_attributes", "index") => true,
        ("sightings", "restsearch" or "filtersightinguuidsforpush" or "bulksavesightings") => true,
        ("analyst_data", _) => true,
        ("galaxy_clusters", "restsearch" or "pushcluster" or "view") => true,
        _ => false,
    };

    /// <summary>The event a write concerns, and whether it changes it (rather than proposes or sights).</summary>
    private static (string Id, bool IsEvent, bool IsChange)? TargetEvent(MispRoute route)
    {
        var id = route.Segments.FirstOrDefault(s => !s.Contains(':', StringComparison.Ordinal));
        if (id is null)
        {
            return null;
        }

        return (route.Controller, route.Action) switch
        {
            ("events", "edit" or "delete" or "addtag" or "removetag" or "publish" or "unpublish" or "freetextimport") => (id, true, true),
            ("attributes", "add") or ("objects", "add") or ("eventreports", "add") => (id, true, true),
            ("attributes", "edit" or "delete") or ("objects", "edit" or "delete") or ("eventreports", "edit" or "delete") => (id, false, true),
            ("shadow_attributes", "add") => (id, true, false),
            ("shadow_attributes", "edit") => (id, false, false),
            _ => null,
        };
    }

    private static string CurationMessage((string Type, int Count) loose, int limit) =>
        $"{loose.Count} stand-alone values of type '{loose.Type}' exceed the community's limit of {limit}: group them into objects.";

    private static Decision SaveFailure(HttpContext context, string reason, string message, string rule) =>
        new(reason, () => MispError.WriteSaveFailureAsync(context, "Could not add Event", message, rule), false, null);

    /// <summary>A pushing MISP server compresses request bodies only in ways the gateway can inspect.</summary>
    private async Task AdvertiseInspectableEncodingsAsync(HttpContext context)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var captured = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(captured));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(original);
        }

        if (context.Features.Get<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>() is { Error: not Yarp.ReverseProxy.Forwarder.ForwarderError.None })
        {
            // MISP failed: the upstream error answer says so.
            return;
        }

        var bytes = captured.ToArray();
        try
        {
            if (context.Response.StatusCode == StatusCodes.Status200OK && JsonNode.Parse(bytes) is JsonObject version && version["request_encoding"] is JsonArray encodings)
            {
                var kept = encodings.Where(e => e?.ToString() is "gzip" or "br").Select(e => (JsonNode?)e!.DeepClone()).ToArray();
                version["request_encoding"] = new JsonArray(kept);
                var indented = bytes.AsSpan().IndexOf((byte)'\n') >= 0;
                bytes = JsonSerializer.SerializeToUtf8Bytes(version, new JsonSerializerOptions(CompactOptions) { WriteIndented = indented, IndentSize = 4 });
            }
        }
        catch (JsonException)
        {
            // Not a version answer: relayed as it is (the filter already judged it).
        }

        context.Response.ContentLength = bytes.Length;
        await original.Stream.WriteAsync(bytes, context.RequestAborted);
    }

    private async Task RefuseAsync(HttpContext context, Requester requester, string reason, string? eventRef, Func<Task> answer)
    {
        metrics.Decided(reason, "refused");
        audit.Write(AuditRecord.For(context, timeProvider, "refused", reason, requester.Member.Id, eventRef));
        await answer();
    }
}

/// <summary>Ingress decisions by rule and result.</summary>
internal sealed class IngressMetrics(IMeterFactory meterFactory)
{
    private readonly Counter<long> _decisions = meterFactory.Create("TlpGateway.Ingress").CreateCounter<long>("tlpgateway.ingress.decisions", "{request}", "Writes passed, rewritten or refused, by rule.");

    public void Decided(string rule, string result) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("tlpgateway.rule", rule), new KeyValuePair<string, object?>("tlpgateway.result", result));
}
