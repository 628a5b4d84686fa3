using System.Collections.Frozen;

namespace TlpGateway.Members;

/// <summary>
/// A member's rules on top of TLP (the controls of a MISP sync filter), from the optional fields of
/// its entry. TLP stays the floor: these only ever remove more, on the way out and on the way in.
/// Pure code, shared by the egress filter and the ingress rules.
/// </summary>
internal sealed record MemberRules
{
    public static readonly MemberRules None = new();

    /// <summary>Exact tag names (case-insensitive): an event carrying one is not released, an attribute carrying one is removed.</summary>
    public FrozenSet<string> BlockedTags { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Taxonomies (e.g. <c>tlp</c>) of which an event must carry at least one tag each.</summary>
    public IReadOnlyList<string> RequiredTaxonomies { get; init; } = [];

    /// <summary>Per taxonomy, the only tags of it an event may carry.</summary>
    public FrozenDictionary<string, FrozenSet<string>> AllowedTags { get; init; } = FrozenDictionary<string, FrozenSet<string>>.Empty;

    /// <summary>Distribution levels (0-5; 5 resolved to the parent's) not released at any level.</summary>
    public FrozenSet<int> BlockedDistributionLevels { get; init; } = FrozenSet<int>.Empty;

    /// <summary>Sharing group UUIDs whose events are not released.</summary>
    public FrozenSet<string> BlockedSharingGroups { get; init; } = FrozenSet<string>.Empty;

    public FrozenSet<string> BlockedAttributeTypes { get; init; } = FrozenSet<string>.Empty;

    public FrozenSet<string> BlockedAttributeCategories { get; init; } = FrozenSet<string>.Empty;

    public FrozenSet<string> BlockedObjectTypes { get; init; } = FrozenSet<string>.Empty;

    /// <summary>A sync identity of this member may use only the endpoints a MISP server pulls and pushes with (default true).</summary>
    public bool RestrictSyncEndpoints { get; init; } = true;

    public bool IsEmpty => BlockedTags.Count == 0 && RequiredTaxonomies.Count == 0 && AllowedTags.Count == 0 && BlockedDistributionLevels.Count == 0
        && BlockedSharingGroups.Count == 0 && BlockedAttributeTypes.Count == 0 && BlockedAttributeCategories.Count == 0 && BlockedObjectTypes.Count == 0;

    /// <summary>The rule an event's own tags break, or null. <paramref name="tlpAdded"/>: the gateway fills in a TLP tag (it counts as one).</summary>
    public string? EventTagRule(IReadOnlyCollection<string> tagNames, bool tlpAdded)
    {
        ArgumentNullException.ThrowIfNull(tagNames);
        foreach (var name in tagNames)
        {
            if (BlockedTags.Contains(name.Trim()))
            {
                return "blocked-tag";
            }

            var taxonomy = Taxonomy(name);
            if (taxonomy is not null && AllowedTags.TryGetValue(taxonomy, out var allowed) && !allowed.Contains(name.Trim()))
            {
                return "tag-not-allowed";
            }
        }

        foreach (var required in RequiredTaxonomies)
        {
            var present = (tlpAdded && string.Equals(required, "tlp", StringComparison.OrdinalIgnoreCase))
                || tagNames.Any(name => string.Equals(Taxonomy(name), required, StringComparison.OrdinalIgnoreCase));
            if (!present)
            {
                return "required-taxonomy";
            }
        }

        return null;
    }

    /// <summary>The rule an attribute breaks, or null.</summary>
    public string? AttributeRule(string? type, string? category, int? distribution, IEnumerable<string> tagNames)
    {
        ArgumentNullException.ThrowIfNull(tagNames);
        if (type is not null && BlockedAttributeTypes.Contains(type))
        {
            return "blocked-attribute-type";
        }

        if (category is not null && BlockedAttributeCategories.Contains(category))
        {
            return "blocked-attribute-category";
        }

        if (distribution is { } level && BlockedDistributionLevels.Contains(level))
        {
            return "blocked-distribution";
        }

        return tagNames.Any(name => BlockedTags.Contains(name.Trim())) ? "blocked-tag" : null;
    }

    /// <summary>Resolves MISP's "inherit" (5) to the parent's level.</summary>
    public static int? Resolve(int? distribution, int? parent) => distribution == 5 ? parent : distribution;

    /// <summary><c>tlp:amber</c> → <c>tlp</c>; <c>misp-galaxy:x="y"</c> → <c>misp-galaxy</c>; a tag without a colon has none.</summary>
    public static string? Taxonomy(string tagName)
    {
        ArgumentNullException.ThrowIfNull(tagName);
        var trimmed = tagName.Trim();
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? trimmed[..colon].ToLowerInvariant() : null;
    }
}
