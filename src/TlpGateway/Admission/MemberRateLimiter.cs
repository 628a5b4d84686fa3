using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TlpGateway.Admission;

/// <summary>Per-member request limits (off unless <c>Gateway:Admission:RateLimitPermits</c> is set).</summary>
internal sealed class MemberRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public MemberRateLimiter(IOptions<AdmissionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value;
        if (limits.RateLimitPermits > 0)
        {
            _limiter = PartitionedRateLimiter.Create<string, string>(memberId => RateLimitPartition.GetFixedWindowLimiter(
                memberId,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.RateLimitPermits, Window = limits.RateLimitWindow, QueueLimit = 0 }));
        }
    }

    /// <summary>Takes one permit for <paramref name="memberId"/>; when none is left, says when to retry.</summary>
    public bool TryAcquire(string memberId, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(memberId);
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return false;
    }

    public void Dispose() => _limiter?.Dispose();
}
