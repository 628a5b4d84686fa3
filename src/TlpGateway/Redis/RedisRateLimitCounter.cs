using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TlpGateway.Admission;

namespace TlpGateway.Redis;

/// <summary>A fixed-window request counter per member, shared by every replica through one Redis script.</summary>
internal sealed class RedisRateLimitCounter(IConnectionMultiplexer redis, IOptions<RedisOptions> options, RedisMetrics metrics) : IRateLimitCounter
{
    // INCR and the window's expiry in one step, so a crash between them cannot leave a counter that never expires.
    private const string Script = "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return {c, redis.call('PTTL', KEYS[1])}";

    /// <exception cref="RedisException">Redis cannot answer, or answered in another shape.</exception>
    /// <exception cref="TimeoutException">Redis did not answer in time.</exception>
    public async ValueTask<(long Count, TimeSpan WindowLeft)> CountAsync(string memberId, TimeSpan window, CancellationToken cancellationToken)
    {
        RedisKey[] keys = [$"{options.Value.KeyPrefix}rate:{memberId}"];
        RedisValue[] values = [(long)window.TotalMilliseconds];
        var reply = await metrics.MeasureAsync("rate-limit", () => redis.GetDatabase().ScriptEvaluateAsync(Script, keys, values));
        if (reply.Resp2Type != ResultType.Array || (RedisResult[]?)reply is not [{ Resp2Type: ResultType.Integer } count, { Resp2Type: ResultType.Integer } left])
        {
            throw new RedisException("Redis answered the rate-limit script in an unexpected shape.");
        }

        return ((long)count, TimeSpan.FromMilliseconds(Math.Max((long)left, 0)));
    }
}
