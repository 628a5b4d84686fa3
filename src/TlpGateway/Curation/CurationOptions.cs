using System.ComponentModel.DataAnnotations;

namespace TlpGateway.Curation;

/// <summary><c>Gateway:Curation</c> (SPEC section 6): curated data only.</summary>
internal sealed class CurationOptions
{
    public const string SectionName = "Gateway:Curation";

    /// <summary>More stand-alone IoCs of one type than this in one write is refused: group them into objects.</summary>
    [Range(1, 1_000_000)]
    public int MaxLooseAttributesPerType { get; set; } = 50;
}
