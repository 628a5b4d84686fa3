namespace TlpGateway.Members;

/// <summary>The shape of a field's value in the members file, as the <c>set</c> verb writes it from words.</summary>
internal enum FieldKind
{
    /// <summary>One string.</summary>
    Text,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Flag,

    /// <summary>A list of strings.</summary>
    TextList,

    /// <summary>A list of numbers.</summary>
    NumberList,

    /// <summary>An organisation: <c>{"name", "uuid"}</c>.</summary>
    Organisation,

    /// <summary>An object from a taxonomy to a list of its tags.</summary>
    TagMap,
}

/// <summary>One field of the members file: its name, its value's shape, and whether it must be present.</summary>
internal sealed record FieldSpec(string Name, FieldKind Kind, bool Required = false);

/// <summary>
/// Every field the members file knows, in the order the parser reads them. The parser refuses any
/// other field, and the maintainers' <c>set</c>/<c>unset</c> verbs accept exactly these.
/// </summary>
internal static class MembersFileSchema
{
    public static readonly FieldSpec[] Community =
    [
        new("name", FieldKind.Text, Required: true),
        new("forwarder", FieldKind.Organisation, Required: true),
        new("defaultTlp", FieldKind.Text),
        new("chathamHouse", FieldKind.Text, Required: true),
        new("requireAcceptedTerms", FieldKind.Flag),
    ];

    public static readonly FieldSpec[] Member =
    [
        new("id", FieldKind.Text, Required: true),
        new("name", FieldKind.Text),
        new("orgUuid", FieldKind.Text, Required: true),
        new("networks", FieldKind.TextList, Required: true),
        new("relation", FieldKind.Text, Required: true),
        new("maxTlp", FieldKind.Text, Required: true),
        new("redRecipients", FieldKind.TextList),
        new("forwardAs", FieldKind.Organisation),
        new("suspendedUntil", FieldKind.Text),
        new("revoked", FieldKind.Flag),
        new("blockedTags", FieldKind.TextList),
        new("requiredTaxonomies", FieldKind.TextList),
        new("allowedTags", FieldKind.TagMap),
        new("blockedDistributionLevels", FieldKind.NumberList),
        new("blockedSharingGroups", FieldKind.TextList),
        new("blockedAttributeTypes", FieldKind.TextList),
        new("blockedAttributeCategories", FieldKind.TextList),
        new("blockedObjectTypes", FieldKind.TextList),
        new("restrictSyncEndpoints", FieldKind.Flag),
    ];

    public static readonly string[] CommunityFields = [.. Community.Select(f => f.Name)];

    public static readonly string[] MemberFields = [.. Member.Select(f => f.Name)];

    public static readonly string[] OrganisationFields = ["name", "uuid"];
}
