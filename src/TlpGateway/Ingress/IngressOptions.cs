using System.ComponentModel.DataAnnotations;

namespace TlpGateway.Ingress;

/// <summary><c>Gateway:Ingress</c>: bounds of what members write into the hub.</summary>
internal sealed class IngressOptions
{
    public const string SectionName = "Gateway:Ingress";

    /// <summary>The largest request body, after decoding gzip or br (413 beyond it).</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long the owner of an event (and whether the requester may receive it) is trusted without asking MISP again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan OwnerCacheDuration { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary><c>Gateway:Curation</c> (SPEC section 6): curated data only.</summary>
internal sealed class CurationOptions
{
    public const string SectionName = "Gateway:Curation";

    /// <summary>More stand-alone IoCs of one type than this in one write is refused: group them into objects.</summary>
    [Range(1, 1_000_000)]
    public int MaxLooseAttributesPerType { get; set; } = 50;
}
