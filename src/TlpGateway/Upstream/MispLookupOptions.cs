using System.ComponentModel.DataAnnotations;

namespace TlpGateway.Upstream;

/// <summary>The gateway's own calls to MISP (identity and owner look-ups): <c>Gateway:Lookup</c>.</summary>
internal sealed class MispLookupOptions
{
    public const string SectionName = "Gateway:Lookup";

    /// <summary>Time allowed for one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after a failed attempt (look-ups only read).</summary>
    [Range(0, 5)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; later ones back off exponentially.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the circuit stays open once MISP keeps failing.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest look-up answer read from MISP.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;
}
