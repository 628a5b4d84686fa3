using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Errors;
using TlpGateway.Members;
using TlpGateway.Requests;

namespace TlpGateway.Filtering;

/// <summary>
/// The egress rules (SPEC sections 3, 5, 7): runs MISP's answer through <see cref="FilteringBody"/>, for
/// what the request model found the client asked (<see cref="ResponseExpectation"/>); no ETag replay.
/// </summary>
internal sealed class TlpFilterMiddleware(
    RequestDelegate next,
    IMembersRegistryProvider registry,
    IMemberStateOverlay published,
    IOptions<FilterOptions> options,
    EventAccessLookup events,
    LargeRecordLimit largeRecords,
    FilterMetrics metrics,
    IAuditTrail audit,
    TimeProvider timeProvider,
    ILogger<TlpFilterMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (await RequesterFeature.RequireAsync(context) is not { } requester)
        {
            return;
        }

        // The request model read the request and rewrote it; without its expectation nothing may leave.
        if (context.Features.Get<ResponseExpectation>() is not { } expectation)
        {
            await MispError.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "The request was not read.");
            return;
        }

        // What the client could use to make MISP answer in a way the filter cannot judge. (Accept-Encoding
        // is removed from what is forwarded only: the client's answer is compressed after filtering.)
        var request = context.Request;
        request.Headers.Remove(HeaderNames.IfNoneMatch);
        request.Headers.Remove(HeaderNames.IfModifiedSince);
        request.Headers.Remove(HeaderNames.Range);

        var filterContext = new FilterContext
        {
            Requester = requester,
            Community = requester.Community,
            StillAdmitted = () => registry.Current.FindByOrgUuid(requester.OrgUuid) is { } entry && published.Apply(entry).RefusalAt(timeProvider.GetUtcNow()) is null,
            ExcludeLocalTags = expectation.ClientExcludesLocalTags,

            // MISP's sync role without site admin (the gateway's sync identities include it) gets event writes echoed without local tags.
            LocalTagsUnseen = requester.IsSyncIdentity && !requester.IsSiteAdmin && context.Features.Get<MispRequest>()?.Endpoint.Write is { Content: Endpoints.WriteContent.Event },
            StripInheritedTags = expectation.StripInheritedTags,
            MinimalIndex = expectation.MinimalIndex,
            MinimalClusters = expectation.MinimalClusters,
            SelectsBySource = expectation.SelectsBySource,
            SelectsByContent = expectation.SelectsByContent,
            Page = expectation.Page,
            KnownEvents = new(StringComparer.OrdinalIgnoreCase),
            MaxCorrelationLookups = options.Value.MaxCorrelationLookups,
            MetadataOnly = expectation.Answer == Endpoints.AnswerKind.Metadata,
            FlatSightings = context.Features.Get<MispRequest>()?.Endpoint.FlatSightings ?? false,
        };
        using var activity = Telemetry.GatewayActivities.Source.StartActivity("tlpgateway.filter");
        activity?.SetTag(Telemetry.GatewayActivities.MemberTag, requester.Member.Id);
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var body = new FilteringBody(context, original, filterContext, events, largeRecords, options.Value, metrics, audit, timeProvider, logger)
        {
            HeadOnly = expectation.HeadOnly,
            IsWrite = context.Features.Get<MispRequest>()?.Endpoint.Write is { Effect: not Endpoints.WriteEffect.None },
            Export = expectation.Export,
        };
        context.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(context);
            if (context.Features.Get<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>() is { Error: not Yarp.ReverseProxy.Forwarder.ForwarderError.None })
            {
                // MISP failed or was too slow: the upstream error answer says so, there is nothing to filter.
                return;
            }

            await body.FinishAsync();
            activity?.SetTag(Telemetry.GatewayActivities.DecisionTag, context.Response.StatusCode == StatusCodes.Status404NotFound ? "withheld" : "filtered");
        }
        finally
        {
            context.Features.Set(original);
        }
    }
}
