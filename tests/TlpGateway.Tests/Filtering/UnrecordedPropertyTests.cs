using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>
/// The scan does not record scalars under names no decision reads (an event's <c>date</c>,
/// <c>analysis</c>, <c>locked</c>...): they stay as written, removals beside them keep the rest valid
/// JSON, and no shape that must know every name of an object takes an object with them.
/// </summary>
public sealed class UnrecordedPropertyTests
{
    private static readonly CommunitySettings GreenByDefault = FilterHarness.Community with { DefaultTlp = TlpLevel.Green };

    // What a hidden source takes out of an event (SPEC section 4), and what stays as written around them.
    private static readonly string[] Removed = ["event_creator_email", "extends_uuid", "CryptographicKey"];
    private static readonly string[] Unrecorded = ["date", "threat_level_id", "analysis", "proposal_email_lock", "locked", "publish_timestamp", "disable_correlation"];

    public static TheoryData<string, bool, int> Layouts()
    {
        var data = new TheoryData<string, bool, int>();
        foreach (var layout in new[] { "as-misp-writes-it", "removed-first", "removed-adjacent-last", "removed-between-unrecorded-last", "removed-last-after-unrecorded" })
        {
            data.Add(layout, false, 4096);
            data.Add(layout, true, 7);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ThirdParty_RemovalsBesideUnrecordedProperties_UnrecordedKeptAsWrittenRestValid(string layout, bool indented, int chunk)
    {
        var source = JsonNode.Parse(FilterHarness.Sample("real-2.5.1/events_view_rich__orgC.json"))!["Event"]!.AsObject();
        var order = Order(source.Select(p => p.Key).ToList(), layout);
        var evt = new JsonObject(order.Select(key => KeyValuePair.Create(key, source[key]?.DeepClone())));
        var input = Encoding.UTF8.GetBytes(new JsonObject { ["Event"] = evt }.ToJsonString(new JsonSerializerOptions { WriteIndented = indented }));
        var requester = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.AmberStrict, MemberRelation.ThirdParty, orgId: "99");

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(requester, community: GreenByDefault), chunk: chunk);

        Assert.True(Assert.Single(outcomes).Released);
        var released = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal(order.Where(key => !Removed.Contains(key)), released.Select(p => p.Key));
        Assert.All(Unrecorded, key => Assert.True(JsonNode.DeepEquals(source[key], released[key]), key));
    }

    [Fact]
    public void Member_UntaggedEventEndingInUnrecordedProperties_DefaultTagAddedRestKept()
    {
        var input = """{"Event":{"id":"1","uuid":"5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a01","info":"x","distribution":"1","date":"2026-12-01","analysis":"2"}}"""u8.ToArray();

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        Assert.True(Assert.Single(outcomes).Released);
        var released = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal("tlp:amber", (string?)released["Tag"]![0]!["name"]);
        Assert.Equal("2026-12-01", (string?)released["date"]);
        Assert.Equal("2", (string?)released["analysis"]);
    }

    [Theory]
    [InlineData("""{"comment":"198.51.100.7"}""")]
    [InlineData("""{"0":{"id":"7","uuid":"5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a02","type":"ip-dst","category":"Network activity","value":"198.51.100.7","distribution":"5"},"comment":"x"}""")]
    public void Filter_ListOfAttributesHoldingUnrecordedNames_NotReadAsAList(string attributes)
    {
        // An object of names no key stands for is no PHP list (an empty one would release it unjudged).
        var input = Encoding.UTF8.GetBytes("""{"Event":{"id":"1","uuid":"5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a01","info":"x","distribution":"1","Attribute":""" + attributes + ""","Tag":[{"name":"tlp:green"}]}}""");

        var ex = Assert.Throws<FilterException>(() => FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester())));

        Assert.Contains("'Attribute' is not a list", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_AnalystIndexWithANameThatIsNoUuid_NotReleasedAsAnIndex()
    {
        var input = """{"Note":{"5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a03":"1733011200","author":"someone@example.test"}}"""u8.ToArray();

        var (output, outcomes, _) = RunOrEnded(input);

        Assert.DoesNotContain("someone@example.test", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
        Assert.DoesNotContain(outcomes, o => o.Released);
    }

    private static (byte[] Output, List<TlpGateway.Decision.UnitOutcome> Outcomes, bool SingleWithheld) RunOrEnded(byte[] input)
    {
        try
        {
            return FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));
        }
        catch (FilterException)
        {
            return ([], [], false);
        }
    }

    private static List<string> Order(List<string> keys, string layout)
    {
        List<string> Without(params string[] moved) => keys.Where(key => !moved.Contains(key)).ToList();
        switch (layout)
        {
            case "removed-first":
                return ["event_creator_email", "date", .. Without("event_creator_email", "date")];
            case "removed-adjacent-last":
                return [.. Without("locked", "extends_uuid", "event_creator_email"), "locked", "extends_uuid", "event_creator_email"];
            case "removed-between-unrecorded-last":
                return [.. Without("date", "event_creator_email", "analysis"), "date", "event_creator_email", "analysis"];
            case "removed-last-after-unrecorded":
                return [.. Without("analysis", "event_creator_email"), "analysis", "event_creator_email"];
            default:
                return keys;
        }
    }
}
