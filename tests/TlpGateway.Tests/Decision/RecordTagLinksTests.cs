using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// A real MISP 2.5.1's <c>/attributes/add</c> answer: <c>{"Attribute": {...}, "AttributeTag": [...]}</c>, the
/// attribute's tag links beside it. They are its own tags: they count for its marking and leave with it.
/// </summary>
public sealed class RecordTagLinksTests
{
    private const string EventUuid = "eeeeeeee-0000-4000-8000-000000000008";

    private static string AddAnswer(string tagLinks) => $$$"""{"Attribute":{"id":"45","event_id":"8","object_id":"0","object_relation":null,"category":"Network activity","type":"ip-dst","value1":"192.0.2.80","value2":"","to_ids":true,"uuid":"83b38bed-e2d5-461c-baf3-7ff88e646e8d","timestamp":"1796699281","distribution":"5","sharing_group_id":"0","comment":"","deleted":false,"disable_correlation":false,"first_seen":null,"last_seen":null,"value":"192.0.2.80"},"AttributeTag":[{{{tagLinks}}}]}""";

    private static string Link(string name) => $$$"""{"id":"4","attribute_id":"45","event_id":"8","tag_id":"5","local":false,"relationship_type":null,"Tag":{"id":"5","name":"{{{name}}}","colour":"#66e8a9","numerical_value":null}}""";

    private static (string Output, List<UnitOutcome> Outcomes, bool Withheld) Run(string json)
    {
        var context = FilterHarness.Context(FilterHarness.Requester(), lookups: true);
        var access = new EventAccess(true, FilterHarness.OrgC, "8", false, []) { EventUuid = EventUuid, Tlp = TlpLevel.Clear };
        var (output, outcomes, withheld) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), context, chunk: 61, lookup: _ => access);
        return (Encoding.UTF8.GetString(output), outcomes, withheld);
    }

    [Fact]
    public void AttributeAdd_NoTagLinksBeside_Released()
    {
        var (output, _, withheld) = Run(AddAnswer(""));

        Assert.False(withheld);
        Assert.Equal("192.0.2.80", (string?)JsonNode.Parse(output)!["Attribute"]!["value"]);
    }

    [Fact]
    public void AttributeAdd_GreenTagLinkBeside_ReleasedWithIt()
    {
        var (output, _, withheld) = Run(AddAnswer(Link("tlp:green")));

        Assert.False(withheld);
        Assert.Equal("tlp:green", (string?)JsonNode.Parse(output)!["AttributeTag"]![0]!["Tag"]!["name"]);
    }

    [Fact]
    public void AttributeAdd_RedTagLinkBesideInAClearEvent_Withheld()
    {
        var (output, outcomes, withheld) = Run(AddAnswer(Link("tlp:red")));

        Assert.True(withheld);
        Assert.DoesNotContain("192.0.2.80", output, StringComparison.Ordinal);
        Assert.Equal("tlp-red", Assert.Single(outcomes).Reason);
    }
}
