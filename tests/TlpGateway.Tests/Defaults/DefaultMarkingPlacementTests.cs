using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Tests.Decision;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Defaults;

/// <summary>
/// The default marking of an event with no TLP level (SPEC section 5) is written wherever the
/// event's other edits fall: after the last property whatever goes around it, and into a tag list
/// whose every tag goes. Written at the end of the last recorded property, it was lost inside that
/// property's removal when properties the scan does not record followed it, and inside the
/// <c>[]</c> of a tag list emptied, so the event left with no marking at all.
/// </summary>
public sealed class DefaultMarkingPlacementTests
{
    public static TheoryData<string> LastRecordedPropertyRemoved() =>
    [
        """{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","CryptographicKey":[],"date":"2026-12-01"}}""",
        """{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","extends_uuid":"","analysis":"0","comment":"c"}}""",
        """{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","x_reported_by":"user@org-c.test","date":"2026-12-01"}}""",
        """{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","x_reported_by":"user@org-c.test"}}""",
        """{"Event": {"uuid": "11111111-0000-4000-8000-000000000001", "locked": false, "date": "2026-12-01"  }  }""",
    ];

    [Theory]
    [MemberData(nameof(LastRecordedPropertyRemoved))]
    public void HiddenSource_LastRecordedPropertyRemovedBeforeUnrecordedOnes_DefaultMarkingStillWritten(string json)
    {
        // No TLP level: amber and CHR for a member, so its source is hidden and what names it goes.
        var (output, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD, maxTlp: TlpLevel.Amber));

        Assert.True(Assert.Single(outcomes).Released);
        var evt = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal(["tlp:amber", "tlp:ex:chr"], evt["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
        Assert.DoesNotContain("x_reported_by", output, StringComparison.Ordinal);
        Assert.DoesNotContain("CryptographicKey", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"name":"workflow:state=\"draft\"","local":true}]""")]
    [InlineData("""[{"name":"workflow:state=\"draft\"","local":true},{"name":"internal","local":1}]""")]
    [InlineData("""{"0":{"name":"workflow:state=\"draft\"","local":true},"2":{"name":"internal","local":true}}""")]
    public void LocalTagsLeftOut_EveryTagGoes_DefaultMarkingWrittenIntoTheList(string tags)
    {
        // The client asked MISP to leave local tags out: the gateway strips them itself, and the event, with no TLP level, gets the default.
        var json = $$$"""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"Tag":{{{tags}}}}}""";
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, maxTlp: TlpLevel.Amber), excludeLocalTags: true);

        var (bytes, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), context);

        Assert.True(Assert.Single(outcomes).Released);
        var evt = JsonNode.Parse(bytes)!["Event"]!.AsObject();
        Assert.Equal(["tlp:amber", "tlp:ex:chr"], evt["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }
}
