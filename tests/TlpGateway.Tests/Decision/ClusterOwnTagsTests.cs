using System.Text.Json.Nodes;
using TlpGateway.Members;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// A galaxy cluster's own TLP tags count wherever it is, as on its own (where they decide whether it
/// leaves) and as its relations' and a report's do: in an event, on an attribute, in an index row,
/// its marking is the more restrictive of its own tags and what holds it. A cluster tagged
/// <c>tlp:red</c> went to an amber member inside a TLP:CLEAR event, while the same cluster on its own
/// was withheld (found while extending the fuzz oracle to galaxy clusters).
/// </summary>
public sealed class ClusterOwnTagsTests
{
    private const string ClusterUuid = "c1c1c1c1-0000-4000-8000-0000000000c1";
    private const string GalaxyUuid = "698774c7-8022-42c4-917f-8d6e4f06ada3";

    private static string Cluster(string tags) =>
        $$"""{"id":"9","uuid":"{{ClusterUuid}}","type":"threat-actor","value":"APT Example","tag_name":"misp-galaxy:threat-actor=\"APT Example\"","description":"d","galaxy_id":"1","distribution":"3","default":true,"Tag":{{tags}},"meta":{"synonyms":["Example Panda"]},"local":false}""";

    private static string Galaxy(string cluster) =>
        $$"""{"id":"1","uuid":"{{GalaxyUuid}}","name":"Threat Actor","type":"threat-actor","description":"d","GalaxyCluster":[{{cluster}}]}""";

    public static TheoryData<string, string> Places(string tags) => new()
    {
        { "event", ShapeStrictnessTests.Event($",\"Galaxy\":[{Galaxy(Cluster(tags))}]") },
        { "attribute", ShapeStrictnessTests.Event($",\"Attribute\":[{ShapeStrictnessTests.Attribute("33333333-0000-4000-8000-00000000aaa1", extra: $",\"Galaxy\":[{Galaxy(Cluster(tags))}]")}]") },
        { "index row", $$$"""[{"id":"4","uuid":"eeeeeeee-0000-4000-8000-000000000004","info":"x","distribution":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"EventTag":[{"Tag":{"name":"tlp:clear"}}],"GalaxyCluster":[{{{Cluster(tags)}}}]}]""" },
    };

    public static TheoryData<string, string> RedPlaces() => Places("""[{"name":"tlp:red"}]""");

    public static TheoryData<string, string> GreenPlaces() => Places("""[{"name":"tlp:green"}]""");

    [Theory]
    [MemberData(nameof(RedPlaces))]
    public void ClusterTaggedRed_InAClearItem_RemovedFromAnAmberMember(string place, string json)
    {
        var (output, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD, maxTlp: TlpLevel.Amber));

        Assert.True(Assert.Single(outcomes).Released, place);
        Assert.DoesNotContain(ClusterUuid, output, StringComparison.Ordinal);
        JsonNode.Parse(output);
    }

    [Theory]
    [MemberData(nameof(GreenPlaces))]
    public void ClusterTaggedGreen_InAClearItem_KeptForAGreenThirdPartyRemovedForAClearOne(string place, string json)
    {
        var (green, _) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD, relation: MemberRelation.ThirdParty, maxTlp: TlpLevel.Green));
        var (clear, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD, relation: MemberRelation.ThirdParty, maxTlp: TlpLevel.Clear));

        Assert.True(Assert.Single(outcomes).Released, place);
        Assert.Contains(ClusterUuid, green, StringComparison.Ordinal);
        Assert.DoesNotContain(ClusterUuid, clear, StringComparison.Ordinal);
    }
}
