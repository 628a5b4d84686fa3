using TlpGateway.Admission;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Provenance;

/// <summary>
/// Who is shown as the source (SPEC section 4), pure and without I/O: when a source is hidden, and
/// what a written event's source becomes. One rule for both directions.
/// </summary>
internal static class SourcePolicy
{
    /// <summary>Whether the Chatham House Rule applies to an event with this marking (SPEC section 2).</summary>
    public static bool ChathamHouseApplies(TlpMarking marking, CommunitySettings community)
    {
        ArgumentNullException.ThrowIfNull(community);
        return community.ChathamHouse == ChathamHouseMode.Always
            || marking.ChathamHouse
            || marking.Unknown
            || !marking.HasLevel;
    }

    /// <summary>
    /// Whether the source of an event is hidden from the requester (SPEC section 4): from a third party
    /// (the event is forwarded) and under CHR, but never from the source itself.
    /// </summary>
    public static bool HidesSource(Requester requester, string? orgcUuid, bool chathamHouse)
    {
        ArgumentNullException.ThrowIfNull(requester);
        return !requester.IsOwner(orgcUuid)
            && (requester.Member.Relation == MemberRelation.ThirdParty || chathamHouse);
    }

    /// <summary>The organisation shown in place of a hidden source: the member's <c>forwardAs</c>, else the community's forwarder.</summary>
    public static OrganisationRef ShownAs(MemberEntry member, CommunitySettings community)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(community);
        return member.ForwardAs ?? community.Forwarder;
    }
}
