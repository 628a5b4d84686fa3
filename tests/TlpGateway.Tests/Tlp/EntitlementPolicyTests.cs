using TlpGateway.Members;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Tlp;

public sealed class EntitlementPolicyTests
{
    public static TheoryData<int, int, int, bool, bool, bool> Table()
    {
        var data = new TheoryData<int, int, int, bool, bool, bool>();
        foreach (var level in Enum.GetValues<TlpLevel>())
        {
            foreach (var relation in Enum.GetValues<MemberRelation>())
            {
                foreach (var maxTlp in new[] { TlpLevel.Clear, TlpLevel.Green, TlpLevel.Amber, TlpLevel.AmberStrict })
                {
                    foreach (var sync in new[] { false, true })
                    {
                        foreach (var owner in new[] { false, true })
                        {
                            data.Add((int)level, (int)relation, (int)maxTlp, sync, owner, Expected(level, relation, maxTlp, sync, owner));
                        }
                    }
                }
            }
        }

        return data;
    }

    /// <summary>SPEC section 3's table, written out case by case.</summary>
    private static bool Expected(TlpLevel level, MemberRelation relation, TlpLevel maxTlp, bool sync, bool owner)
    {
        if (owner)
        {
            return !(level == TlpLevel.Red && sync);
        }

        var member = relation == MemberRelation.Member;
        return level switch
        {
            TlpLevel.Clear => true,
            TlpLevel.Green => maxTlp is TlpLevel.Green or TlpLevel.Amber or TlpLevel.AmberStrict,
            TlpLevel.Amber => member && maxTlp is TlpLevel.Amber or TlpLevel.AmberStrict,
            TlpLevel.AmberStrict => member && maxTlp == TlpLevel.AmberStrict,
            _ => false, // RED to a non-owner only by name, tested below
        };
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void MayReceive_EntitlementTable_MatchesSpec(int level, int relation, int maxTlp, bool sync, bool owner, bool expected)
    {
        var requester = FilterHarness.Requester(FilterHarness.OrgD, (TlpLevel)maxTlp, (MemberRelation)relation, sync);
        var orgc = owner ? FilterHarness.OrgD : FilterHarness.OrgC;

        Assert.Equal(expected, EntitlementPolicy.MayReceive((TlpLevel)level, orgc, requester));
    }

    [Theory]
    [InlineData(false, false, "Analyst@Example.Test", true)]
    [InlineData(false, true, "analyst@example.test", false)]
    [InlineData(true, false, "analyst@example.test", false)]
    [InlineData(false, false, "other@example.test", false)]
    public void MayReceive_RedOfAnotherOrganisation_OnlyToNamedPersonOfMember(bool thirdParty, bool sync, string email, bool expected)
    {
        var relation = thirdParty ? MemberRelation.ThirdParty : MemberRelation.Member;
        var requester = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.AmberStrict, relation, sync, email, "4", "analyst@example.test");

        Assert.Equal(expected, EntitlementPolicy.MayReceive(TlpLevel.Red, FilterHarness.OrgC, requester));
    }

    [Theory]
    [InlineData("AmberStrict", 3, 0)]
    [InlineData("Amber", 3, 1)]
    [InlineData("Amber", 0, 0)]
    [InlineData("Green", 3, 2)]
    [InlineData("Green", 1, 1)]
    [InlineData("Clear", 3, 3)]
    [InlineData("AmberStrict", 4, 4)]
    [InlineData("Amber", 5, 5)]
    public void CapDistribution_SyncIdentity_CapsNeverRaises(string level, int distribution, int expected)
    {
        Assert.Equal(expected, DistributionCap.Deliver(Enum.Parse<TlpLevel>(level), distribution, inherited: null));
    }

    [Fact]
    public void HidesSource_ThirdPartyOrChathamHouse_ButNeverFromTheSource()
    {
        var thirdParty = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, MemberRelation.ThirdParty);
        var member = FilterHarness.Requester(FilterHarness.OrgD);

        Assert.True(TlpGateway.Provenance.SourcePolicy.HidesSource(thirdParty, FilterHarness.OrgC, chathamHouse: false));
        Assert.True(TlpGateway.Provenance.SourcePolicy.HidesSource(member, FilterHarness.OrgC, chathamHouse: true));
        Assert.False(TlpGateway.Provenance.SourcePolicy.HidesSource(member, FilterHarness.OrgC, chathamHouse: false));
        Assert.False(TlpGateway.Provenance.SourcePolicy.HidesSource(thirdParty, FilterHarness.OrgD, chathamHouse: true));
    }

    [Theory]
    [InlineData(true, "tlp:green", true)]
    [InlineData(false, "tlp:green", false)]
    [InlineData(false, "tlp:ex:chr", true)]
    [InlineData(false, "tlp:unclear", true)]
    [InlineData(false, "osint:source-type=\"blog-post\"", true)]
    public void ChathamHouseApplies_ByCommunityModeAndTags(bool always, string tag, bool expected)
    {
        var mode = always ? ChathamHouseMode.Always : ChathamHouseMode.Tagged;
        var marking = default(TlpMarking);
        marking.Add(tag);
        var community = FilterHarness.Community with { ChathamHouse = mode };

        Assert.Equal(expected, TlpGateway.Provenance.SourcePolicy.ChathamHouseApplies(marking, community));
    }
}
