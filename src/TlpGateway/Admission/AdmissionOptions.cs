using System.ComponentModel.DataAnnotations;

namespace TlpGateway.Admission;

/// <summary><c>Gateway:Admission</c>: how identities are cached and how fast members may call.</summary>
internal sealed class AdmissionOptions
{
    public const string SectionName = "Gateway:Admission";

    /// <summary>
    /// How long a key's identity is trusted without asking MISP again. A key revoked in MISP
    /// keeps working through the gateway for at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdentityCacheDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Requests per member per <see cref="RateLimitWindow"/>; 0 turns rate limiting off (the default).</summary>
    [Range(0, int.MaxValue)]
    public int RateLimitPermits { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);
}
