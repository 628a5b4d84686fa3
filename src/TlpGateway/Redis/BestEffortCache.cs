using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;

namespace TlpGateway.Redis;

/// <summary>
/// The gateway's caches are an optimisation only: a cache that is down or holds something unreadable
/// costs a look-up in MISP, never a decision. These read and write JSON values on that basis.
/// </summary>
internal static class BestEffortCache
{
    /// <summary>The cached value, or null when there is none or the cache cannot answer.</summary>
    public static async ValueTask<T?> TryGetJsonAsync<T>(this IDistributedCache cache, string key, Action<Exception>? failed, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(cache);
        try
        {
            var bytes = await cache.GetAsync(key, cancellationToken);
            return bytes is null ? null : JsonSerializer.Deserialize<T>(bytes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failed?.Invoke(ex);
            return null;
        }
    }

    /// <summary>Caches <paramref name="value"/> for <paramref name="duration"/>, if the cache can take it.</summary>
    public static async ValueTask TrySetJsonAsync<T>(this IDistributedCache cache, string key, T value, TimeSpan duration, Action<Exception>? failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        try
        {
            await cache.SetAsync(key, JsonSerializer.SerializeToUtf8Bytes(value), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = duration }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failed?.Invoke(ex);
        }
    }
}
