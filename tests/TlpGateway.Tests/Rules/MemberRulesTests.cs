using System.Collections.Frozen;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using MispSimulator;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Rules;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Rules;

public sealed class MemberRulesTests
{
    private static FrozenSet<string> Set(params string[] values) => values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static byte[] Event(string tags, string attributes = "[]", string objects = "[]", string distribution = "3", string reports = "[]") => Encoding.UTF8.GetBytes($$$"""
        {"Event":{"uuid":"e1","distribution":"{{{distribution}}}","Orgc":{"uuid":"{{{FilterHarness.OrgC}}}"},"Attribute":{{{attributes}}},"Object":{{{objects}}},"EventReport":{{{reports}}},"Tag":{{{tags}}}}}
        """);

    private static (JsonNode? Event, UnitOutcome Outcome) Run(byte[] input, MemberRules rules)
    {
        var requester = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber, orgId: "4");
        var ruled = FilterHarness.WithMember(requester, member => member with { Rules = rules });
        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(ruled));
        return (output.Length > 2 ? JsonNode.Parse(output)!["Event"] : null, outcomes.Single());
    }

    [Theory]
    [InlineData("""[{"name":"tlp:green"},{"name":"PAP:RED"}]""", "rule-blockedTags")]
    [InlineData("""[{"name":"tlp:green"},{"name":"osint:source-type=\"blog\""}]""", "rule-allowedTags")]
    [InlineData("""[{"name":"osint:source-type=\"report\""}]""", "rule-requiredTaxonomies")]
    public void Event_BreakingEventRule_Withheld(string tags, string reason)
    {
        var rules = new MemberRules
        {
            BlockedTags = Set("pap:red"),
            AllowedTags = new Dictionary<string, FrozenSet<string>> { ["osint"] = Set("osint:source-type=\"report\"") }.ToFrozenDictionary(),
            RequiredTaxonomies = ["tlp", "osint"],
        };

        var (evt, outcome) = Run(Event(tags), rules with { RequiredTaxonomies = reason == "rule-requiredTaxonomies" ? ["tlp", "osint", "pap"] : [] });

        Assert.Null(evt);
        Assert.Equal(reason, outcome.Reason);
    }

    [Fact]
    public void Event_RequiredTlpTaxonomy_SatisfiedByAmberFilling()
    {
        var (evt, outcome) = Run(Event("""[{"name":"osint:source-type=\"report\""}]"""), new MemberRules { RequiredTaxonomies = ["tlp"] });

        Assert.True(outcome.Released);
        Assert.Contains("tlp:amber", evt!["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }

    [Theory]
    [InlineData(0, "0", true)]
    [InlineData(3, "3", true)]
    [InlineData(3, "1", false)]
    public void Event_BlockedDistributionLevel_Withheld(int blocked, string distribution, bool withheld)
    {
        var (evt, _) = Run(Event("""[{"name":"tlp:green"}]""", distribution: distribution), new MemberRules { BlockedDistributionLevels = new[] { blocked }.ToFrozenSet() });

        Assert.Equal(withheld, evt is null);
    }

    [Fact]
    public void Attributes_BlockedTypeCategoryTagOrInheritedDistribution_Removed()
    {
        var attributes = """
            [{"uuid":"a1","type":"ip-dst","category":"Network activity","distribution":"5","value":"x1"},
             {"uuid":"a2","type":"email-src","category":"Payload delivery","distribution":"5","value":"x2"},
             {"uuid":"a3","type":"domain","category":"Internal reference","distribution":"5","value":"x3"},
             {"uuid":"a4","type":"domain","category":"Network activity","distribution":"5","value":"x4","Tag":[{"name":"workflow:state=\"draft\""}]},
             {"uuid":"a5","type":"domain","category":"Network activity","distribution":"1","value":"x5"}]
            """;
        var rules = new MemberRules
        {
            BlockedAttributeTypes = Set("email-src"),
            BlockedAttributeCategories = Set("internal reference"),
            BlockedTags = Set("workflow:state=\"draft\""),
            BlockedDistributionLevels = new[] { 1 }.ToFrozenSet(),
        };

        var (evt, _) = Run(Event("""[{"name":"tlp:green"}]""", attributes, distribution: "3"), rules);

        Assert.Equal(["a1"], evt!["Attribute"]!.AsArray().Select(a => (string?)a!["uuid"]));
    }

    [Fact]
    public void Objects_BlockedObjectTypeAndReportsOfBlockedDistribution_Removed()
    {
        var objects = """[{"uuid":"o1","name":"file","distribution":"5","Attribute":[{"uuid":"a1","type":"md5","distribution":"5","value":"secret-md5"}]},{"uuid":"o2","name":"domain-ip","distribution":"5","Attribute":[{"uuid":"a2","type":"domain","distribution":"5"}]}]""";
        var reports = """[{"uuid":"r1","distribution":"0","content":"x"},{"uuid":"r2","distribution":"5","content":"y"},{"uuid":"r3","distribution":"5","content":"quotes secret-md5"}]""";

        var (evt, _) = Run(Event("""[{"name":"tlp:green"}]""", objects: objects, reports: reports), new MemberRules { BlockedObjectTypes = Set("file"), BlockedDistributionLevels = new[] { 0 }.ToFrozenSet() });

        Assert.Equal(["o2"], evt!["Object"]!.AsArray().Select(o => (string?)o!["uuid"]));
        Assert.Equal(["r2"], evt["EventReport"]!.AsArray().Select(r => (string?)r!["uuid"]));
    }

    [Fact]
    public void Rules_Added_NeverReleaseMoreThanWithout()
    {
        var cases =
            from seed in Gen.Choose(1, 5000)
            from blockTag in Gen.Elements("tlp:green", "tlp:clear", "nothing")
            from blockType in Gen.Elements("ip-dst", "md5")
            from level in Gen.Choose(0, 5)
            select (seed, blockTag, blockType, level);

        FsCheck.Fluent.Prop.ForAll(Arb.From(cases), c =>
        {
            var input = EventGenerator.RestSearch(c.seed, 20_000);
            var rules = new MemberRules { BlockedTags = Set(c.blockTag), BlockedAttributeTypes = Set(c.blockType), BlockedDistributionLevels = new[] { c.level }.ToFrozenSet(), BlockedObjectTypes = Set("file") };
            var without = Released(input, MemberRules.None);
            var with = Released(input, rules);
            return with.All(without.Contains);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    /// <summary>Every event and attribute UUID in the filter's output.</summary>
    private static HashSet<string> Released(byte[] input, MemberRules rules)
    {
        var requester = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber, orgId: "4");
        var ruled = FilterHarness.WithMember(requester, member => member with { Rules = rules });
        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(ruled));
        var released = new HashSet<string>();
        foreach (var item in JsonNode.Parse(output)!["response"]!.AsArray())
        {
            var evt = item!["Event"]!;
            released.Add((string)evt["uuid"]!);
            foreach (var attribute in evt["Attribute"]!.AsArray().Concat(evt["Object"]!.AsArray().SelectMany(o => o!["Attribute"]!.AsArray())))
            {
                released.Add((string)attribute!["uuid"]!);
            }
        }

        return released;
    }

    [Theory]
    [InlineData("\"blockedDistributionLevels\": [7]", "not a distribution level 0 to 5")]
    [InlineData("\"blockedSharingGroups\": [\"nope\"]", "is not a UUID")]
    [InlineData("\"allowedTags\": {\"tlp\": [\"pap:red\"]}", "is not a tag of taxonomy 'tlp'")]
    [InlineData("\"restrictSyncEndpoints\": \"no\"", "must be true or false")]
    public void Parse_BadRule_RefusedWithMessage(string field, string message)
    {
        var json = $$"""
            { "community": { "name": "C", "forwarder": { "name": "Hub", "uuid": "00000000-0000-4000-8000-000000000001" }, "chathamHouse": "always" },
              "members": [ { "id": "acme", "orgUuid": "5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "networks": [], "relation": "member", "maxTlp": "amber", {{field}} } ] }
            """;

        var ex = Assert.Throws<MembersFileException>(() => MembersFileParser.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(ex.Errors, e => e.Contains(message, StringComparison.Ordinal));
    }
}
