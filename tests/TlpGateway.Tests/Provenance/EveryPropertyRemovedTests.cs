using System.Text.Json.Nodes;
using TlpGateway.Tests.Decision;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Provenance;

/// <summary>
/// An event left with none of its properties once its source is hidden (each under a name the
/// gateway does not read, or one that names the source) still gets its default marking (SPEC section
/// 5) as a whole JSON answer: the added <c>Tag</c> list was written after a comma with nothing before
/// it (<c>{"Event": {,"Tag": [...]}}</c>), found by the fuzz oracle's rule that a whole answer is JSON.
/// </summary>
public sealed class EveryPropertyRemovedTests
{
    [Theory]
    [InlineData("""{"Event":{"`dxy":[{"id":"1"}],"T!O":[{"name":"tlp:clear"}]}}""")]
    [InlineData("""{"Event":{"Orgx":{"name":"ORG_C"}}}""")]
    [InlineData("""{"Event":{"extends_uuid":"33333333-0000-4000-8000-000000000003","SharingGroup":{"id":"1","name":"sg","uuid":"5d5d5d5d-0000-4000-8000-00000000d5d5"}}}""")]
    public void EveryPropertyRemoved_DefaultMarkingAdded_AnswerIsJson(string json)
    {
        // An event with no TLP level: amber and CHR for a member, so its source is hidden.
        var (output, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD, maxTlp: TlpLevel.Amber));

        Assert.True(Assert.Single(outcomes).Released);
        var evt = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal(["Tag"], evt.Select(p => p.Key));
        Assert.Equal(["tlp:amber", "tlp:ex:chr"], evt["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }
}
