using TlpGateway.Admission;
using TlpGateway.Members;

namespace TlpGateway.Tlp;

/// <summary>
/// Who may receive what: the entitlement table of SPEC section 3, pure and without I/O, so it can
/// be read (and tested) next to the spec.
/// </summary>
internal static class EntitlementPolicy
{
    /// <summary>Whether <paramref name="requester"/> may receive an item of <paramref name="effective"/> TLP created by <paramref name="orgcUuid"/>.</summary>
    public static bool MayReceive(TlpLevel effective, string? orgcUuid, Requester requester)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var member = requester.Member;

        // An organisation always receives its own events, except that TLP:RED never goes to a MISP server.
        if (requester.IsOwner(orgcUuid))
        {
            return effective != TlpLevel.Red || !requester.IsSyncIdentity;
        }

        return effective switch
        {
            TlpLevel.Clear => true,
            TlpLevel.Green => member.MaxTlp >= TlpLevel.Green,
            TlpLevel.Amber => member.MaxTlp >= TlpLevel.Amber && member.Relation == MemberRelation.Member,
            TlpLevel.AmberStrict => member.MaxTlp == TlpLevel.AmberStrict && member.Relation == MemberRelation.Member,

            // RED goes to named individuals, never to a whole organisation and never to a server.
            _ => !requester.IsSyncIdentity
                && member.Relation == MemberRelation.Member
                && member.RedRecipients.Contains(requester.Email),
        };
    }
}
