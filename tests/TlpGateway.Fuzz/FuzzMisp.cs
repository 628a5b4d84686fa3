using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using TlpGateway.Decision;
using TlpGateway.Tlp;
using TlpGateway.Upstream;

namespace TlpGateway.Fuzz;

/// <summary>
/// What the request target's MISP answers the way in's look-ups, without a network: every event a write names
/// exists, TLP:CLEAR, and is the requester's own, but for a reference ending in <c>8</c> (another organisation's,
/// which the requester may receive: a change needs a proposal) or <c>9</c> (one the requester may not receive, or
/// that does not exist). An item (attribute, object, report, proposal, sighting, analyst data) belongs to the event
/// its own reference names (the same last character), so the same rule holds through it.
/// </summary>
/// <remarks>
/// Events are answered through the look-up cache (<see cref="IDistributedCache"/>, which the gateway asks first),
/// items through their views (<see cref="IMispLookupClient"/>): the gateway's own look-up code runs on both.
/// </remarks>
internal sealed class FuzzMisp(string requesterOrg) : IDistributedCache, IMispLookupClient
{
    public const string OtherOrg = "0ddba11c-0000-4000-8000-000000000008";

    private const string CachePrefix = "event-access:";

    public static EventAccess AccessOf(string reference, string requesterOrg) => reference.Length > 0 && reference[^1] == '9'
        ? EventAccess.Withheld
        : new EventAccess(true, reference.Length > 0 && reference[^1] == '8' ? OtherOrg : requesterOrg, EventIdOf(reference), false, []) { Tlp = TlpLevel.Clear, Timestamp = long.MaxValue };

    public byte[]? Get(string key) =>
        key.StartsWith(CachePrefix, StringComparison.Ordinal) ? JsonSerializer.SerializeToUtf8Bytes(AccessOf(key[(key.LastIndexOf(':') + 1)..], requesterOrg)) : null;

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => Task.CompletedTask;

    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key)
    {
    }

    public Task RemoveAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public Task<MispLookupResponse> GetAsync(string pathAndQuery, string apiKey, CancellationToken cancellationToken)
    {
        var segments = pathAndQuery.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (segments is not [var controller, "view", .., var id] || id.EndsWith('9'))
        {
            return Task.FromResult(new MispLookupResponse(HttpStatusCode.NotFound, "{\"name\":\"Invalid.\",\"message\":\"Invalid.\",\"url\":\"/\"}"u8.ToArray()));
        }

        var eventId = JsonSerializer.Serialize(EventIdOf(id));
        var body = controller switch
        {
            "shadow_attributes" => $"{{\"ShadowAttribute\":{{\"id\":\"1\",\"event_id\":{eventId},\"old_id\":\"0\",\"uuid\":\"5e1f0000-0000-4000-8000-000000000001\"}}}}",
            "analyst_data" => $"{{\"{segments[2]}\":{{\"id\":\"1\",\"object_uuid\":{JsonSerializer.Serialize(EventUuidOf(id))},\"object_type\":\"Event\"}}}}",
            _ => $"{{\"Item\":{{\"id\":\"1\",\"event_id\":{eventId}}}}}",
        };
        return Task.FromResult(new MispLookupResponse(HttpStatusCode.OK, Encoding.UTF8.GetBytes(body)));
    }

    // Every event is answered from the cache: a search is never needed.
    public Task<MispLookupResponse> SearchAsync(string path, byte[] body, string apiKey, CancellationToken cancellationToken) =>
        Task.FromResult(new MispLookupResponse(HttpStatusCode.OK, "{\"response\":[]}"u8.ToArray()));

    // The event an item belongs to keeps the item's last character, which decides whose it is.
    private static string EventIdOf(string reference) => "1" + (reference.Length > 0 && char.IsAsciiDigit(reference[^1]) ? reference[^1] : '0');

    private static string EventUuidOf(string reference) => "e0e0e0e0-0000-4000-8000-00000000000" + (reference.Length > 0 && char.IsAsciiHexDigit(reference[^1]) ? char.ToLowerInvariant(reference[^1]) : '0');
}
