using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace TlpGateway.Redis;

/// <summary>
/// <see cref="IDistributedCache"/> on the project's RESP client, so the code stays ready for
/// <c>Microsoft.Extensions.Caching.StackExchangeRedis</c>. Each value is stored with an 8-byte header
/// holding its sliding expiration in milliseconds (0 for none), which a read or refresh renews.
/// </summary>
internal sealed class RedisDistributedCache(RespClient client, RedisOptions options, TimeProvider timeProvider) : IDistributedCache
{
    private const int HeaderBytes = 8;

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var reply = await client.ExecuteAsync("GET", [Key(key)], token);
        if (reply.Bulk is not { Length: >= HeaderBytes } stored)
        {
            return null;
        }

        var sliding = BinaryPrimitives.ReadInt64BigEndian(stored);
        if (sliding > 0)
        {
            await client.ExecuteAsync("PEXPIRE", [Key(key), Number(sliding)], token);
        }

        return stored[HeaderBytes..];
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var sliding = options.SlidingExpiration is { } slide ? (long)slide.TotalMilliseconds : 0;
        long? expiry = options.AbsoluteExpirationRelativeToNow is { } relative
            ? (long)relative.TotalMilliseconds
            : options.AbsoluteExpiration is { } absolute ? (long)(absolute - timeProvider.GetUtcNow()).TotalMilliseconds : null;
        if (sliding > 0)
        {
            expiry = expiry is { } limit ? Math.Min(limit, sliding) : sliding;
        }

        var stored = new byte[HeaderBytes + value.Length];
        BinaryPrimitives.WriteInt64BigEndian(stored, sliding);
        value.CopyTo(stored, HeaderBytes);
        byte[][] arguments = expiry is { } ms ? [Key(key), stored, "PX"u8.ToArray(), Number(Math.Max(ms, 1))] : [Key(key), stored];
        await client.ExecuteAsync("SET", arguments, token);
    }

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public async Task RefreshAsync(string key, CancellationToken token = default) => await GetAsync(key, token);

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default) => await client.ExecuteAsync("DEL", [Key(key)], token);

    private byte[] Key(string key) => Encoding.UTF8.GetBytes(options.KeyPrefix + key);

    private static byte[] Number(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
