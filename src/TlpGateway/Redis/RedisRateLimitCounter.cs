using System.Globalization;
using System.Text;
using TlpGateway.Admission;

namespace TlpGateway.Redis;

/// <summary>A fixed-window request counter per member, shared by every replica through one Redis script.</summary>
internal sealed class RedisRateLimitCounter(RespClient client, RedisOptions options) : IRateLimitCounter
{
    // INCR and the window's expiry in one step, so a crash between them cannot leave a counter that never expires.
    private static readonly byte[] Script = Encoding.UTF8.GetBytes(
        "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return {c, redis.call('PTTL', KEYS[1])}");

    public async ValueTask<(long Count, TimeSpan WindowLeft)> CountAsync(string memberId, TimeSpan window, CancellationToken cancellationToken)
    {
        var key = Encoding.UTF8.GetBytes($"{options.KeyPrefix}rate:{memberId}");
        var milliseconds = Encoding.ASCII.GetBytes(((long)window.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        var reply = await client.ExecuteAsync("EVAL", [Script, "1"u8.ToArray(), key, milliseconds], cancellationToken);
        if (reply.Items is not [{ Kind: ':' } count, { Kind: ':' } left])
        {
            throw new RedisException("Redis answered the rate-limit script in an unexpected shape.");
        }

        return (count.Integer, TimeSpan.FromMilliseconds(Math.Max(left.Integer, 0)));
    }
}
