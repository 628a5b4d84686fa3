using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TlpGateway.Admission;

/// <summary>Counts a member's requests; <see cref="MemberRateLimiter"/> decides with it.</summary>
internal interface IRateLimitCounter
{
    /// <summary>Counts one request in the member's current window; returns the count and when the window ends.</summary>
    ValueTask<(long Count, TimeSpan WindowLeft)> CountAsync(string memberId, TimeSpan window, CancellationToken cancellationToken);
}

/// <summary>
/// Per-member request limits (off unless <c>Gateway:Admission:RateLimitPermits</c> is set). With a
/// shared counter (Redis) the limit holds across replicas; when the shared counter cannot answer,
/// this replica's own fixed window still applies.
/// </summary>
internal sealed class MemberRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly IRateLimitCounter? _shared;
    private readonly AdmissionOptions _limits;

    public MemberRateLimiter(IOptions<AdmissionOptions> options, IRateLimitCounter? shared = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limits = options.Value;
        _shared = shared;
        if (_limits.RateLimitPermits > 0)
        {
            _limiter = PartitionedRateLimiter.Create<string, string>(memberId => RateLimitPartition.GetFixedWindowLimiter(
                memberId,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = _limits.RateLimitPermits, Window = _limits.RateLimitWindow, QueueLimit = 0 }));
        }
    }

    /// <summary>Takes one permit for <paramref name="memberId"/>; when none is left, says when to retry.</summary>
    public async ValueTask<(bool Allowed, TimeSpan RetryAfter)> TryAcquireAsync(string memberId, CancellationToken cancellationToken)
    {
        if (_limiter is null)
        {
            return (true, TimeSpan.Zero);
        }

        if (_shared is not null)
        {
            try
            {
                var (count, left) = await _shared.CountAsync(memberId, _limits.RateLimitWindow, cancellationToken);
                return count <= _limits.RateLimitPermits ? (true, TimeSpan.Zero) : (false, left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1));
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                // The shared counter is out of reach: this replica's own window still limits.
            }
        }

        using var lease = _limiter.AttemptAcquire(memberId);
        return lease.IsAcquired
            ? (true, TimeSpan.Zero)
            : (false, lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1));
    }

    public void Dispose() => _limiter?.Dispose();
}
