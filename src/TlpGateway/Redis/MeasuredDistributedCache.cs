using Microsoft.Extensions.Caching.Distributed;

namespace TlpGateway.Redis;

/// <summary>
/// The <see cref="IDistributedCache"/> of <c>AddStackExchangeRedisCache</c>, timed: StackExchange.Redis
/// has no instruments of its own, and the cache is most of the gateway's Redis traffic. The gateway
/// only calls the asynchronous methods; the synchronous ones pass through untimed.
/// </summary>
internal sealed class MeasuredDistributedCache(IDistributedCache inner, RedisMetrics metrics) : IDistributedCache
{
    public byte[]? Get(string key) => inner.Get(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => metrics.MeasureAsync("cache.get", () => inner.GetAsync(key, token));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        metrics.MeasureAsync("cache.set", () => inner.SetAsync(key, value, options, token));

    public void Refresh(string key) => inner.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => metrics.MeasureAsync("cache.refresh", () => inner.RefreshAsync(key, token));

    public void Remove(string key) => inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => metrics.MeasureAsync("cache.remove", () => inner.RemoveAsync(key, token));
}
