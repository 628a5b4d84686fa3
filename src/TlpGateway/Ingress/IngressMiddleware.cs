using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Curation;
using TlpGateway.Endpoints;
using TlpGateway.Errors;
using TlpGateway.Members;
using TlpGateway.Requests;
using TlpGateway.Upstream;

namespace TlpGateway.Ingress;

/// <summary>
/// The rules on the way in (SPEC sections 5 and 6), for every write on the allowlist, on the request
/// as the request model read it (<see cref="MispRequest"/>) and as its endpoint describes it
/// (<see cref="WriteDescription"/>); the targets of a sightings list (<see cref="SightingListTargets"/>), which MISP's
/// answer would otherwise confirm; and <c>getVersion</c> advertising only the request encodings the gateway inspects.
/// </summary>
/// <remarks>
/// A write is judged once, before anything is forwarded:
/// <list type="number">
/// <item>its targets: every event or item it names, wherever MISP reads it (<see cref="WriteTargets"/>), judged by owner, receivability and effect (<see cref="WriteTargetJudge"/>);</item>
/// <item>its content: marking, signature, curation, member rules and source (<see cref="WrittenContent"/>);</item>
/// <item>what is forwarded: the canonical body the rules judged.</item>
/// </list>
/// </remarks>
internal sealed class IngressMiddleware(
    RequestDelegate next,
    WriteTargetJudge targets,
    SightingListJudge sightingLists,
    IOptions<CurationOptions> curation,
    IngressMetrics metrics,
    IAuditTrail audit,
    TimeProvider timeProvider)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (await RequesterFeature.RequireAsync(context) is not { } requester)
        {
            return;
        }

        if (context.Features.Get<MispRequest>() is not { } request)
        {
            await MispError.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "The request was not read.");
            return;
        }

        var endpoint = request.Endpoint;
        if (endpoint.Controller == "servers" && endpoint.Action == "getVersion")
        {
            await AdvertiseInspectableEncodingsAsync(context);
            return;
        }

        if (endpoint.ListsSightings)
        {
            await ListSightingsAsync(context, request, requester);
            return;
        }

        // A write is what changes MISP: a write endpoint under any method it serves (MISP restores an attribute on a GET).
        if (endpoint.Write is not { } write || (write.Effect == WriteEffect.None && write.Content == WriteContent.None))
        {
            await next(context);
            return;
        }

        var community = requester.Community;

        // :: Step 1 - the targets.
        TargetVerdict verdict;
        try
        {
            verdict = await targets.JudgeAsync(WriteTargets.Collect(request, write), write, requester, community, context.RequestAborted);
        }
        catch (ShapeException ex)
        {
            await RefuseAsync(context, requester, "body-not-understood", null, () => MispError.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", "The request cannot be read as MISP would read it: " + ex.Message));
            return;
        }
        catch (MispUnavailableException)
        {
            await RefuseAsync(context, requester, "owner-unavailable", null, () => MispError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "MISP cannot confirm who owns this event right now; try again shortly."));
            return;
        }

        switch (verdict.Problem)
        {
            case TargetProblem.NoTarget:
            case TargetProblem.NotUnderstood:
                await RefuseAsync(context, requester, "write-not-understood", verdict.EventRef, () => MispError.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", $"This {endpoint} request names nothing the gateway can judge: name the event, attribute or object it concerns by id or UUID."));
                return;
            case TargetProblem.NotReceivable:
                // Whether the event exists is not the requester's business: MISP's own answer for a missing one.
                await RefuseAsync(context, requester, "event-not-receivable", verdict.EventRef, () => MispError.WriteInvalidEventAsync(context));
                return;
            case TargetProblem.ProposalRequired:
                await RefuseAsync(context, requester, "proposal-required", verdict.EventRef, () => MispError.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", $"This event belongs to another organisation: propose changes instead, with /shadow_attributes/add/{verdict.EventId} (a new attribute) or /shadow_attributes/edit/{{attribute id}} (a change to an attribute)."));
                return;
        }

        // :: Step 2 - the content.
        ContentVerdict content;
        try
        {
            content = WrittenContent.Judge(request, requester, community, curation.Value.MaxLooseAttributesPerType);
        }
        catch (ShapeException ex)
        {
            await RefuseAsync(context, requester, "body-not-understood", verdict.EventRef, () => MispError.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", "The request body cannot be read as MISP would read it: " + ex.Message));
            return;
        }

        if (content.Refused)
        {
            var name = endpoint.Controller == "events" ? $"Could not {(endpoint.Action == "add" ? "add" : "edit")} Event" : "Could not save";
            await RefuseAsync(context, requester, content.Reason!, verdict.EventRef, () => MispError.WriteSaveFailureAsync(context, name, content.Message!, content.Rule!));
            return;
        }

        // :: Step 3 - what is forwarded is what was judged.
        if (!content.KeepBytes && (content.Body ?? request.Body.Root) is { } forwarded)
        {
            request.Body = MispBody.FromJson(forwarded);
            RequestBody.ReplaceWithJson(context.Request, forwarded);
        }

        metrics.Decided(content.Body is null ? "passed" : "rewritten", "passed");
        await next(context);
    }

    /// <summary>A sightings list whose targets the requester may receive none of is answered as MISP answers for missing ones.</summary>
    private async Task ListSightingsAsync(HttpContext context, MispRequest request, Requester requester)
    {
        bool any;
        try
        {
            var (kind, ids) = SightingListTargets.Read(request);
            any = await sightingLists.AnyReceivableAsync(kind, ids, requester, requester.Community, context.RequestAborted);
        }
        catch (ShapeException ex)
        {
            await RefuseAsync(context, requester, "request-not-understood", null, () => MispError.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", "The request cannot be read as MISP would read it: " + ex.Message));
            return;
        }
        catch (MispUnavailableException)
        {
            await RefuseAsync(context, requester, "target-unavailable", null, () => MispError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "MISP cannot confirm what these sightings concern right now; try again shortly."));
            return;
        }

        if (!any)
        {
            // Sighting::listSightings's MethodNotAllowedException, as MISP writes it.
            await RefuseAsync(context, requester, "sightings-target-not-receivable", null, () => MispError.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Invalid object.", "Invalid object."));
            return;
        }

        await next(context);
    }

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
                bytes = JsonSerializer.SerializeToUtf8Bytes(version, new JsonSerializerOptions(RequestBody.JsonOptions) { WriteIndented = indented, IndentSize = 4 });
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
    private readonly Counter<long> _decisions = meterFactory.Create("TlpGateway.Ingress").CreateCounter<long>("tlpgateway.ingress.decisions", "{request}", "Writes passed, rewritten or refused, and sighting lists refused, by rule.");

    public void Decided(string rule, string result) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("tlpgateway.rule", rule), new KeyValuePair<string, object?>("tlpgateway.result", result));
}
