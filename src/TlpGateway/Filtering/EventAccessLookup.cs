using System.Buffers;
using System.Net;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Members;
using TlpGateway.Redis;
using TlpGateway.Upstream;

namespace TlpGateway.Filtering;

/// <summary>
/// Looks an event (or an item) up in MISP with the requester's own key, so MISP's access control
/// applies too, judges the answer with the same filter as any answer, and caches what it found for
/// a bounded time. References are an event's id or UUID, or <c>attribute/UUID</c>,
/// <c>object/UUID</c>, <c>eventreport/UUID</c>, <c>analyst/UUID</c> for an item judged through its
/// own view (which may itself need its event looked up: at most <see cref="MaxDepth"/> levels).
/// </summary>
internal sealed class EventAccessLookup(IMispLookupClient misp, IDistributedCache cache, IOptions<FilterOptions> options)
{
    private const int MaxDepth = 3;

    /// <summary>Access to <paramref name="reference"/>.</summary>
    /// <exception cref="MispUnavailableException">MISP could not be asked.</exception>
    public Task<EventAccess> GetAsync(string reference, Requester requester, CommunitySettings community, CancellationToken cancellationToken) =>
        GetAsync(reference, requester, community, depth: 0, cancellationToken);

    /// <summary>The event an attribute, object or report belongs to, through <c>/{controller}/view/{id}</c>.</summary>
    public async Task<string?> EventOfAsync(string controller, string id, Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var response = await misp.GetAsync($"/{controller}/view/{Uri.EscapeDataString(id)}", requester.ApiKey, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(response.Body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == System.Text.Json.JsonValueKind.Object && property.Value.TryGetProperty("event_id", out var eventId))
                {
                    return eventId.ToString();
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        return null;
    }

    private async Task<EventAccess> GetAsync(string reference, Requester requester, CommunitySettings community, int depth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(requester);
        var cacheKey = $"event-access:{ApiKey.Hash(requester.ApiKey)}:{reference.ToLowerInvariant()}";
        if (await cache.TryGetJsonAsync<EventAccess>(cacheKey, failed: null, cancellationToken) is { } cached)
        {
            return cached;
        }

        var path = ViewPath(reference);
        var access = EventAccess.Withheld;
        if (path is not null && depth < MaxDepth)
        {
            var response = await misp.GetAsync(path, requester.ApiKey, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                access = await JudgeAsync(response.Body, requester, community, depth, cancellationToken);
            }
        }

        await cache.TrySetJsonAsync(cacheKey, access, options.Value.LookupCacheDuration, failed: null, cancellationToken);
        return access;
    }

    /// <summary>The view MISP answers a reference with, or null for one the gateway does not know.</summary>
    private static string? ViewPath(string reference)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return "/events/view/" + Uri.EscapeDataString(reference);
        }

        var id = Uri.EscapeDataString(reference[(slash + 1)..]);
        return reference[..slash] switch
        {
            "attribute" => "/attributes/view/" + id,
            "object" => "/objects/view/" + id,
            "eventreport" => "/event_reports/view/" + id,
            "analyst" => "/analyst_data/view/all/" + id,
            _ => null,
        };
    }

    /// <summary>Judges a looked-up answer (a single record) as an answer to the requester would be.</summary>
    private async Task<EventAccess> JudgeAsync(byte[] body, Requester requester, CommunitySettings community, int depth, CancellationToken cancellationToken)
    {
        var context = new FilterContext { Requester = requester, Community = community, KnownEvents = new(StringComparer.OrdinalIgnoreCase), DescribeEvents = true };
        var filter = new MispResponseFilter(context, int.MaxValue, _ => { });
        var sink = new ArrayBufferWriter<byte>();
        try
        {
            filter.Write(body, sink);
            while (filter.PendingLookups is { } pending)
            {
                foreach (var reference in pending)
                {
                    context.KnownEvents[reference] = await GetAsync(reference, requester, community, depth + 1, cancellationToken);
                }

                filter.Resume(sink);
            }

            filter.Complete(sink);
            while (filter.PendingLookups is { } pending)
            {
                foreach (var reference in pending)
                {
                    context.KnownEvents[reference] = await GetAsync(reference, requester, community, depth + 1, cancellationToken);
                }

                filter.Resume(sink);
            }
        }
        catch (FilterException)
        {
            // An answer the gateway cannot judge is an event it cannot confirm: treated as not receivable.
            return EventAccess.Withheld;
        }

        return filter.SingleRecord is { Lookups: null } outcome ? EventAccess.From(outcome) : EventAccess.Withheld;
    }
}
