using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Members;
using TlpGateway.Redis;
using TlpGateway.Upstream;

namespace TlpGateway.Filtering;

/// <summary>
/// What the gateway knows of an event for one requester: whether it may receive it, whose it is,
/// whether its source is hidden from it, and which of its attributes and objects it may not receive.
/// </summary>
internal sealed record EventAccess(bool Receivable, string? OrgcUuid, string? EventId, bool HidesSource, string[] RemovedItems)
{
    public static readonly EventAccess Withheld = new(false, null, null, false, []);
}

/// <summary>
/// Looks an event up in MISP with the requester's own key (so MISP's access control applies too),
/// judges it with the same filter as any answer, and caches the result for a bounded time.
/// </summary>
internal sealed class EventAccessLookup(IMispLookupClient misp, IDistributedCache cache, IOptions<FilterOptions> options)
{
    /// <summary>Access to the event <paramref name="eventRef"/> (id or UUID).</summary>
    /// <exception cref="MispUnavailableException">MISP could not be asked.</exception>
    public async Task<EventAccess> GetAsync(string eventRef, Requester requester, CommunitySettings community, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var cacheKey = $"event-access:{ApiKey.Hash(requester.ApiKey)}:{eventRef.ToLowerInvariant()}";
        if (await cache.TryGetJsonAsync<EventAccess>(cacheKey, failed: null, cancellationToken) is { } cached)
        {
            return cached;
        }

        var response = await misp.GetAsync($"/events/view/{Uri.EscapeDataString(eventRef)}", requester.ApiKey, cancellationToken);
        var access = EventAccess.Withheld;
        if (response.StatusCode == HttpStatusCode.OK)
        {
            UnitOutcome? outcome = null;
            var filter = new MispResponseFilter(new FilterContext { Requester = requester, Community = community, ListRemovedItems = true }, int.MaxValue, o => outcome ??= o);
            var sink = new ArrayBufferWriter<byte>();
            try
            {
                filter.Write(response.Body, sink);
                filter.Complete(sink);
            }
            catch (FilterException)
            {
                // An answer the gateway cannot judge is an event it cannot confirm: treated as not receivable.
                outcome = null;
            }

            if (outcome is { Kind: "event" } judged)
            {
                access = new EventAccess(judged.Released, judged.OrgcUuid, EventId(response.Body), judged.HidesSource, [.. judged.RemovedItems ?? []]);
            }
        }

        await cache.TrySetJsonAsync(cacheKey, access, options.Value.LookupCacheDuration, failed: null, cancellationToken);

        return access;
    }

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
            using var document = JsonDocument.Parse(response.Body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("event_id", out var eventId))
                {
                    return eventId.ToString();
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static string? EventId(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("Event", out var evt) && evt.TryGetProperty("id", out var id) ? id.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
