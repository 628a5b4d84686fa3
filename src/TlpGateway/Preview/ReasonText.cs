using TlpGateway.Admission;
using TlpGateway.Members;
using TlpGateway.Rules;
using TlpGateway.Tlp;

namespace TlpGateway.Preview;

/// <summary>
/// The decision's reasons in a maintainer's words: the TLP marking, and the members-file fields that
/// decide (<c>maxTlp</c>, <c>relation</c>, <c>redRecipients</c>, the rule fields of
/// <see cref="RuleNames"/>), with the values the member has.
/// </summary>
internal static class ReasonText
{
    private const string TlpPrefix = "tlp-";
    private const string RulePrefix = "rule-";

    /// <summary>Why an event was withheld from, or a part removed for, <paramref name="requester"/>.</summary>
    public static string Explain(string? reason, Requester requester)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var id = requester.Member.Id;
        return reason switch
        {
            null => "released",
            _ when reason.StartsWith(TlpPrefix, StringComparison.Ordinal) && Level(reason[TlpPrefix.Length..]) is { } level => Tlp(level, requester),
            _ when reason.StartsWith(RulePrefix, StringComparison.Ordinal) => $"member rule {reason[RulePrefix.Length..]}: {Rule(reason[RulePrefix.Length..], id)}",
            "protected-would-change" => "a protected (signed) event that the rules would change (a part removed, its source hidden or a tag added): any change breaks its signature",
            "source-hidden" => "its source is hidden from " + id + ", and it names its author",
            "names-removed-item" => "it names a part that was removed",
            "quotes-removed-item" => "its content quotes the UUID or value of a removed attribute",
            "relates-to-unconfirmed-item" => "it relates to an item that is not released with this event",
            "object-emptied" => "every attribute of it was removed",
            "not-confirmed" => "the related event is not confirmed for " + id + " (the preview asks no MISP, so no correlation is kept)",
            _ => reason,
        };
    }

    /// <summary>Why the source is hidden from <paramref name="requester"/> (SPEC section 4).</summary>
    public static string SourceHidden(Requester requester, CommunitySettings community)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(community);
        if (requester.Member.Relation == MemberRelation.ThirdParty)
        {
            return "relation third-party: every event it receives is forwarded";
        }

        return community.ChathamHouse == ChathamHouseMode.Always
            ? "the Chatham House Rule applies (community chathamHouse always)"
            : "the Chatham House Rule applies (tagged tlp:ex:chr, or its TLP is defaulted or unknown; community chathamHouse tagged)";
    }

    /// <summary>The marking as TLP 2.0 writes it: <c>TLP:AMBER+STRICT</c>.</summary>
    public static string Marking(TlpLevel level) => "TLP:" + TlpMarking.Name(level).ToUpperInvariant();

    /// <summary>The member's fields the entitlement reads (for a heading): <c>relation member, maxTlp amber</c>.</summary>
    public static string Entitlement(MemberEntry member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return $"relation {Relation(member.Relation)}, maxTlp {TlpMarking.Name(member.MaxTlp)}";
    }

    /// <summary>The same fields under two members files, a changed one as <c>maxTlp amber -> green</c>.</summary>
    public static string Entitlement(MemberEntry before, MemberEntry after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var relation = Relation(before.Relation) == Relation(after.Relation) ? Relation(after.Relation) : $"{Relation(before.Relation)} -> {Relation(after.Relation)}";
        var maxTlp = before.MaxTlp == after.MaxTlp ? TlpMarking.Name(after.MaxTlp) : $"{TlpMarking.Name(before.MaxTlp)} -> {TlpMarking.Name(after.MaxTlp)}";
        return $"relation {relation}, maxTlp {maxTlp}";
    }

    /// <summary>Who the member is judged as: a user (with or without an e-mail in <c>redRecipients</c>), or its MISP server.</summary>
    public static string Audience(Requester requester)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (requester.IsSyncIdentity)
        {
            return "as its MISP server (--sync)";
        }

        if (requester.Email.Length == 0)
        {
            return "as a user not in redRecipients";
        }

        return requester.Member.RedRecipients.Contains(requester.Email)
            ? $"as {requester.Email}, in redRecipients"
            : $"as {requester.Email}, not in redRecipients";
    }

    public static string Relation(MemberRelation relation) => relation == MemberRelation.ThirdParty ? "third-party" : "member";

    /// <summary>The entitlement table of SPEC section 3, row by row: what the marking needs, and what the member lacks.</summary>
    private static string Tlp(TlpLevel level, Requester requester)
    {
        var member = requester.Member;
        var marking = Marking(level);
        var thirdParty = member.Relation == MemberRelation.ThirdParty;
        var maxTlp = "maxTlp " + TlpMarking.Name(member.MaxTlp);
        if (level == TlpLevel.Red)
        {
            if (requester.IsSyncIdentity)
            {
                return $"{marking} never goes to a MISP server, not even its own organisation's; {member.Id} is judged as its MISP server (--sync)";
            }

            var lacks = thirdParty ? $"{member.Id} is relation third-party"
                : requester.Email.Length == 0 ? $"{member.Id}: no --email given (a user not in its redRecipients)"
                : $"{requester.Email} is not in {member.Id}'s redRecipients";
            return $"{marking} goes only to the event's own organisation and to the users in a member's redRecipients; {lacks}";
        }

        var (needs, enough) = level switch
        {
            TlpLevel.Green => ("maxTlp green or higher", member.MaxTlp >= TlpLevel.Green),
            TlpLevel.Amber => ("maxTlp amber or higher and relation member", member.MaxTlp >= TlpLevel.Amber),
            _ => ("maxTlp amber+strict and relation member", member.MaxTlp == TlpLevel.AmberStrict),
        };
        var has = (enough, thirdParty && level > TlpLevel.Green) switch
        {
            (false, true) => maxTlp + ", relation third-party",
            (true, true) => "relation third-party",
            _ => maxTlp,
        };
        return $"{marking} needs {needs}; {member.Id} has {has}";
    }

    /// <summary>The level a reason names (<c>tlp-amber+strict</c>), read as the marking reads tags.</summary>
    private static TlpLevel? Level(string name)
    {
        var marking = default(TlpMarking);
        marking.Add("tlp:" + name);
        return marking.Level;
    }

    private static string Rule(string field, string id) => field switch
    {
        RuleNames.BlockedTags => $"it carries a tag in {id}'s blockedTags",
        RuleNames.RequiredTaxonomies => $"it carries no tag of a taxonomy in {id}'s requiredTaxonomies (the tags the gateway adds count)",
        RuleNames.AllowedTags => $"it carries a tag that {id}'s allowedTags does not allow for its taxonomy",
        RuleNames.BlockedDistributionLevels => $"its distribution is in {id}'s blockedDistributionLevels",
        RuleNames.BlockedSharingGroups => $"it is shared with a sharing group in {id}'s blockedSharingGroups (or one the gateway cannot name)",
        RuleNames.BlockedAttributeTypes => $"its type is in {id}'s blockedAttributeTypes",
        RuleNames.BlockedAttributeCategories => $"its category is in {id}'s blockedAttributeCategories",
        RuleNames.BlockedObjectTypes => $"its object template is in {id}'s blockedObjectTypes (or one the answer does not name)",
        _ => $"{id}'s {field}",
    };
}
