using System.Text;
using System.Text.Json;
using TlpGateway.Decision;

namespace TlpGateway.Tests.Filtering;

/// <summary>
/// Several attributes added at once, as MISP 2.5.1 answers them (<c>{"Attribute": [...]}</c>, each with its tags in it,
/// <c>AttributesController::add</c>): rows, each judged as an attribute row of its event, the envelope streamed.
/// </summary>
public sealed class AddedAttributesTests
{
    private const string Kept = "7d1e2b0c-6f3a-4e5b-9c8d-1a2b3c4d5e6f";
    private const string Red = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f";

    private static string Row(string uuid, string id, string value, string? tag) =>
        $$"""{"id":"{{id}}","event_id":"4","object_id":"0","object_relation":null,"category":"Network activity","type":"ip-dst","value1":"{{value}}","value2":"","to_ids":true,"uuid":"{{uuid}}","timestamp":"1796699281","distribution":"5","sharing_group_id":"0","comment":"","deleted":false,"disable_correlation":false,"first_seen":null,"last_seen":null,"value":"{{value}}"{{(tag is null ? "" : $$""","Tag":[{"id":"5","name":"{{tag}}","colour":"#ffffff","numerical_value":null}]""")}}}""";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Filter_AddedAttributes_EachJudgedAsARowOfItsEvent(int chunk)
    {
        var input = Encoding.UTF8.GetBytes($$"""{"Attribute":[{{Row(Red, "1001", "198.51.100.1", "tlp:red")}},{{Row(Kept, "1002", "198.51.100.2", "tlp:green")}}]}""");
        var lookups = new List<string>();
        var context = FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpGateway.Tlp.TlpLevel.Amber), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, chunk: chunk, lookup: reference =>
        {
            lookups.Add(reference);
            return new EventAccess(true, FilterHarness.OrgC, "4", false, []);
        });

        Assert.NotEmpty(lookups);
        Assert.Equal(2, outcomes.Count);
        using var json = JsonDocument.Parse(output);
        var released = json.RootElement.GetProperty("Attribute").EnumerateArray().Select(a => a.GetProperty("uuid").GetString()).ToList();
        Assert.Equal([Kept], released);
        Assert.DoesNotContain("198.51.100.1", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_AddedAttributesOfAnEventTheRequesterMayNotReceive_AnEmptyList()
    {
        var input = Encoding.UTF8.GetBytes($$"""{"Attribute":[{{Row(Kept, "1002", "198.51.100.2", null)}}]}""");

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester(), lookups: true), lookup: _ => EventAccess.Withheld);

        Assert.All(outcomes, o => Assert.False(o.Released));
        Assert.Equal("""{"Attribute":[]}""", Encoding.UTF8.GetString(output));
    }

    [Theory]
    [InlineData("""{"Attribute":[],"errors":{"attribute_1":{"value":["A similar attribute already exists for this event."]}}}""")]
    [InlineData("""{"Attribute":[],"Event":{"id":"4"}}""")]
    [InlineData("""{"Attribute":["198.51.100.3"]}""")]
    public void Filter_AnythingBesideOrInTheAddedAttributesTheGatewayDoesNotRead_EndsTheAnswer(string answer)
    {
        Assert.Throws<TlpGateway.Filtering.FilterException>(() => FilterHarness.Run(Encoding.UTF8.GetBytes(answer), FilterHarness.Context(FilterHarness.Requester(), lookups: true), lookup: _ => EventAccess.Withheld));
    }
}
