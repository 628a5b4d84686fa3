using System.ComponentModel.DataAnnotations;

namespace TlpGateway.Filtering;

/// <summary><c>Gateway:Filter</c>: bounds of the egress filter.</summary>
internal sealed class FilterOptions
{
    public const string SectionName = "Gateway:Filter";

    /// <summary>The largest single event (or row) the filter holds; a larger one ends the response as an error.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxEventBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long what a look-up found about an event (owner, whether the requester may receive it) is trusted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LookupCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many related events of one event the gateway looks up (cached like any look-up) to confirm
    /// the correlations it lets through; correlations beyond it, or all of them with 0, are removed.
    /// </summary>
    [Range(0, 1000)]
    public int MaxCorrelationLookups { get; set; } = 25;
}
