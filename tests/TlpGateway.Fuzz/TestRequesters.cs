using System.Collections.Frozen;
using System.Net;
using TlpGateway.Admission;
using TlpGateway.Members;
using TlpGateway.Rules;
using TlpGateway.Tlp;

namespace TlpGateway.Fuzz;

/// <summary>
/// The one builder of the requesters the fuzz targets and the unit tests (which reference this assembly) judge
/// answers and requests for: a member entry allowing loopback, and the identity MISP confirmed for it.
/// </summary>
internal static class TestRequesters
{
    /// <summary>The hub every community of the tests forwards as.</summary>
    public static readonly OrganisationRef Hub = new("Hub", "00000000-0000-4000-8000-000000000001");

    /// <summary>A community of default TLP:AMBER whose Chatham House rule applies to tagged events.</summary>
    public static CommunitySettings Community(string name) => new(name, Hub, TlpLevel.Amber, ChathamHouseMode.Tagged, false);

    public static Requester Make(
        CommunitySettings community,
        string orgUuid,
        MemberRelation relation,
        TlpLevel maxTlp,
        bool sync = false,
        string orgId = "",
        string email = "user@example.test",
        (string Id, string Name)? member = null,
        IEnumerable<string>? redRecipients = null,
        MemberRules? rules = null,
        string apiKey = "") => new()
        {
            Member = new MemberEntry
            {
                Id = member?.Id ?? "m",
                Name = member?.Name ?? "M",
                OrgUuid = orgUuid,
                Networks = [IPNetwork.Parse("127.0.0.0/8")],
                Relation = relation,
                MaxTlp = maxTlp,
                RedRecipients = (redRecipients ?? []).ToFrozenSet(StringComparer.OrdinalIgnoreCase),
                Rules = rules ?? MemberRules.None,
            },
            Community = community,
            OrgUuid = orgUuid,
            OrgId = orgId,
            Email = email,
            IsSyncIdentity = sync,
            ApiKey = apiKey,
        };
}
