using System.Collections.Frozen;
using TlpGateway.Tlp;

namespace TlpGateway.Rules;

/// <summary>
/// A member's rules on top of TLP (the controls of a MISP sync filter), from the optional fields of
/// its entry. TLP stays the floor: these only ever remove more, on the way out and on the way in.
/// Pure code, shared by the egress filter and the ingress rules; a broken rule is named by its
/// members-file field (<c>blockedTags</c>, ...), which is what a maintainer searches for.
/// </summary>
/// <remarks>
/// Tag names are compared in <see cref="TagName.Canonical(string)"/> form, the sets hold that form.
/// Callers pass an item's tags as they will leave (or be stored): the TLP filling included, so
/// <c>allowedTags</c> and <c>requiredTaxonomies</c> see the same event.
/// </remarks>
internal sealed record MemberRules
{
    public static readonly MemberRules None = new();

    /// <summary>Tag names: an event carrying one is not released, an item carrying one is removed.</summary>
    public FrozenSet<string> BlockedTags { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Taxonomies (e.g. <c>tlp</c>) of which an event must carry at least one tag each.</summary>
    public IReadOnlyList<string> RequiredTaxonomies { get; init; } = [];

    /// <summary>Per taxonomy, the only tags of it an event may carry.</summary>
    public FrozenDictionary<string, FrozenSet<string>> AllowedTags { get; init; } = FrozenDictionary<string, FrozenSet<string>>.Empty;

    /// <summary>Distribution levels (0-5; 5 resolved to the parent's) not released at any level.</summary>
    public FrozenSet<int> BlockedDistributionLevels { get; init; } = FrozenSet<int>.Empty;

    /// <summary>Sharing group UUIDs whose events and items are not released.</summary>
    public FrozenSet<string> BlockedSharingGroups { get; init; } = FrozenSet<string>.Empty;

    public FrozenSet<string> BlockedAttributeTypes { get; init; } = FrozenSet<string>.Empty;

    public FrozenSet<string> BlockedAttributeCategories { get; init; } = FrozenSet<string>.Empty;

    public FrozenSet<string> BlockedObjectTypes { get; init; } = FrozenSet<string>.Empty;

    /// <summary>A sync identity of this member may use only the endpoints a MISP server pulls and pushes with (default true).</summary>
    public bool RestrictSyncEndpoints { get; init; } = true;

    public bool IsEmpty => BlockedTags.Count == 0 && RequiredTaxonomies.Count == 0 && AllowedTags.Count == 0 && BlockedDistributionLevels.Count == 0
        && BlockedSharingGroups.Count == 0 && BlockedAttributeTypes.Count == 0 && BlockedAttributeCategories.Count == 0 && BlockedObjectTypes.Count == 0;

    /// <summary>The rule an event breaks by its own tags (canonical names, as it will leave), distribution or sharing group, or null.</summary>
    public string? EventRule(IReadOnlyCollection<string> canonicalTags, int? distribution, string? sharingGroupUuid)
    {
        ArgumentNullException.ThrowIfNull(canonicalTags);
        foreach (var name in canonicalTags)
        {
            if (BlockedTags.Contains(name))
            {
                return RuleNames.BlockedTags;
            }

            if (Taxonomy(name) is { } taxonomy && AllowedTags.TryGetValue(taxonomy, out var allowed) && !allowed.Contains(name))
            {
                return RuleNames.AllowedTags;
            }
        }

        foreach (var required in RequiredTaxonomies)
        {
            if (!canonicalTags.Any(name => string.Equals(Taxonomy(name), required, StringComparison.Ordinal)))
            {
                return RuleNames.RequiredTaxonomies;
            }
        }

        return ItemRule(distribution, sharingGroupUuid);
    }

    /// <summary>The rule an attribute (or a proposal, which is an attribute to be) breaks, or null.</summary>
    public string? AttributeRule(string? type, string? category, int? distribution, string? sharingGroupUuid, IEnumerable<string> canonicalTags)
    {
        ArgumentNullException.ThrowIfNull(canonicalTags);
        if (type is not null && BlockedAttributeTypes.Contains(type))
        {
            return RuleNames.BlockedAttributeTypes;
        }

        if (category is not null && BlockedAttributeCategories.Contains(category))
        {
            return RuleNames.BlockedAttributeCategories;
        }

        return ItemRule(distribution, sharingGroupUuid) ?? (canonicalTags.Any(BlockedTags.Contains) ? RuleNames.BlockedTags : null);
    }

    /// <summary>
    /// The rule an object breaks by its template name, distribution or sharing group, or null. An object whose
    /// template is not named (the stub MISP writes beside an attribute row) breaks <c>blockedObjectTypes</c> when any is blocked.
    /// </summary>
    public string? ObjectRule(string? name, int? distribution, string? sharingGroupUuid) =>
        BlockedObjectTypes.Count > 0 && (name is null || BlockedObjectTypes.Contains(name)) ? RuleNames.BlockedObjectTypes : ItemRule(distribution, sharingGroupUuid);

    /// <summary>
    /// The rule any item (event report, analyst data, ...) breaks by its distribution or sharing group, or null.
    /// An item shared with a sharing group the gateway cannot name breaks <c>blockedSharingGroups</c> when any is blocked.
    /// </summary>
    public string? ItemRule(int? distribution, string? sharingGroupUuid)
    {
        if (distribution is { } level && BlockedDistributionLevels.Contains(level))
        {
            return RuleNames.BlockedDistributionLevels;
        }

        if (BlockedSharingGroups.Count > 0 && (sharingGroupUuid is not null ? BlockedSharingGroups.Contains(sharingGroupUuid) : distribution == 4))
        {
            return RuleNames.BlockedSharingGroups;
        }

        return null;
    }

    /// <summary>Resolves MISP's "inherit" (5) to the parent's level.</summary>
    public static int? Resolve(int? distribution, int? parent) => distribution == 5 ? parent : distribution;

    /// <summary><c>tlp:amber</c> → <c>tlp</c>; <c>misp-galaxy:x="y"</c> → <c>misp-galaxy</c>; a tag without a colon has none.</summary>
    public static string? Taxonomy(string tagName)
    {
        ArgumentNullException.ThrowIfNull(tagName);
        var canonical = TagName.Canonical(tagName);
        var colon = canonical.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? canonical[..colon] : null;
    }
}

/// <summary>The names of the member rules, as the members file spells its fields.</summary>
internal static class RuleNames
{
    public const string BlockedTags = "blockedTags";
    public const string RequiredTaxonomies = "requiredTaxonomies";
    public const string AllowedTags = "allowedTags";
    public const string BlockedDistributionLevels = "blockedDistributionLevels";
    public const string BlockedSharingGroups = "blockedSharingGroups";
    public const string BlockedAttributeTypes = "blockedAttributeTypes";
    public const string BlockedAttributeCategories = "blockedAttributeCategories";
    public const string BlockedObjectTypes = "blockedObjectTypes";
    public const string RestrictSyncEndpoints = "restrictSyncEndpoints";
}
