using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Filtering;

namespace TlpGateway.Tests.Filtering;

/// <summary>
/// An empty array under a key the policy reads gets no node from the scan (<see cref="Prop.IsEmptyArray"/>):
/// it is released as written, filled where the policy adds to it, and judged by its shape as any list.
/// </summary>
public sealed class EmptyArrayTests
{
    private const string Uuid = "5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a01";

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(4096)]
    public void Member_UntaggedEventWithEmptyTagList_DefaultTagWrittenIntoIt(int chunk)
    {
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"id":"1","uuid":"{{{Uuid}}}","info":"x","distribution":"1","Tag":[ ],"Galaxy":[]}}""");

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()), chunk: chunk);

        Assert.True(Assert.Single(outcomes).Released);
        var evt = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal(["tlp:amber", "tlp:ex:chr"], evt["Tag"]!.AsArray().Select(tag => (string?)tag!["name"]));
        Assert.Empty(evt["Galaxy"]!.AsArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public void Member_AttributesWithEmptyLists_ReleasedAsWritten(int chunk)
    {
        var attribute = """{"id":"7","uuid":"5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a02","type":"ip-dst","category":"Network activity","value":"198.51.100.7","distribution":"5","Galaxy":[],"ShadowAttribute":[],"Tag":[]}""";
        var answer = $$$"""{"Event":{"id":"1","uuid":"{{{Uuid}}}","info":"x","distribution":"1","Attribute":[{{{attribute}}},{{{attribute.Replace("1a02", "1a03", StringComparison.Ordinal)}}}],"ShadowAttribute":[],"Tag":[{"name":"tlp:green"}]}}""";

        var (output, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(answer), FilterHarness.Context(FilterHarness.Requester()), chunk: chunk);

        Assert.True(Assert.Single(outcomes).Released);
        Assert.Equal(answer, Encoding.UTF8.GetString(output));
    }

    [Fact]
    public void Filter_EmptyArrayWhereAnObjectIsRead_EndsTheAnswer()
    {
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"id":"1","uuid":"{{{Uuid}}}","info":"x","distribution":"1","Orgc":[],"Tag":[{"name":"tlp:green"}]}}""");

        var ex = Assert.Throws<FilterException>(() => FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester())));

        Assert.Contains("'Orgc'", ex.Message, StringComparison.Ordinal);
    }
}
