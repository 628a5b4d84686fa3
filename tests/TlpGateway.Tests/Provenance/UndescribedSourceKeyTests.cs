using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Members;
using TlpGateway.Tests.Decision;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Provenance;

/// <summary>
/// SPEC section 4 for a name the gateway reads as a source's (<c>org_uuid</c>, <c>orgc_uuid</c>,
/// <c>organisation_uuid</c>, <c>orgc</c>, <c>org</c>, <c>Org</c>, <c>email</c>,
/// <c>event_creator_email</c>, <c>org_id</c>...) written as a scalar in an item whose shape does not
/// describe it (a tag, an attribute, a report, an object, a reference, a galaxy...): where the source
/// is hidden it goes, since nothing hides it there; where the source is shown, it stays. The fuzzer's
/// oracle, judging every item kind, found a source's UUID passing so in a tag and in a report. So does
/// a value under a name no MISP shape holds (<c>event_orgc</c>, <c>username</c>, <c>x_source</c>:
/// <see cref="TlpGateway.Shapes.Key.Undescribed"/>), scalar or not.
/// </summary>
public sealed class UndescribedSourceKeyTests
{
    private const string Attribute = "33333333-0000-4000-8000-00000000aaa1";
    private const string Secret = "x@org-c.test";
    private const string Related = "cafe0000-0000-4000-8000-000000000005";

    public static TheoryData<string, string> Places()
    {
        var data = new TheoryData<string, string>();
        var fields = new[] { $"\"org_uuid\":\"{FilterHarness.OrgC}\"", $"\"orgc_uuid\":\"{FilterHarness.OrgC}\"", $"\"organisation_uuid\":\"{FilterHarness.OrgC}\"", $"\"Org\":\"{FilterHarness.OrgC}\"", $"\"email\":\"{Secret}\"", $"\"event_creator_email\":\"{Secret}\"", $"\"authors\":\"{Secret}\"", $"\"extends_uuid\":\"{Secret}\"",
            $"\"event_orgc\":\"{FilterHarness.OrgC}\"", $"\"username\":\"{Secret}\"", $"\"x_source\":\"{Secret}\"", $"\"x_source\":[\"{Secret}\"]" };
        foreach (var field in fields)
        {
            var extra = "," + field;
            data.Add("attribute " + field, ShapeStrictnessTests.Event($",\"Attribute\":[{ShapeStrictnessTests.Attribute(Attribute, extra: extra)}]"));
            data.Add("tag " + field, ShapeStrictnessTests.Event(string.Empty, $$"""[{"name":"tlp:clear"{{extra}}}]"""));
            data.Add("report " + field, ShapeStrictnessTests.Event($$""","EventReport":[{"id":"1","uuid":"44444444-0000-4000-8000-000000000002","name":"r","content":"c","distribution":"5"{{extra}}}]"""));
            data.Add("object " + field, ShapeStrictnessTests.Event($",\"Object\":[{{\"id\":\"1\",\"uuid\":\"44444444-0000-4000-8000-000000000001\",\"name\":\"file\",\"distribution\":\"5\"{extra},\"Attribute\":[{ShapeStrictnessTests.Attribute(Attribute)}]}}]"));
            data.Add("galaxy " + field, ShapeStrictnessTests.Event($",\"Galaxy\":[{{\"id\":\"1\",\"uuid\":\"77777777-0000-4000-8000-000000000001\",\"name\":\"Threat Actor\",\"type\":\"threat-actor\"{extra},\"GalaxyCluster\":[]}}]"));
        }

        data.Add("event organisation_uuid", ShapeStrictnessTests.Event($",\"organisation_uuid\":\"{FilterHarness.OrgC}\""));
        data.Add("event email", ShapeStrictnessTests.Event($",\"email\":\"{Secret}\""));
        return data;
    }

    [Theory]
    [MemberData(nameof(Places))]
    public void UndescribedSourceKey_SourceHidden_Removed(string place, string json)
    {
        var (output, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD, relation: MemberRelation.ThirdParty));

        Assert.True(Assert.Single(outcomes).Released, place);
        Assert.DoesNotContain(FilterHarness.OrgC, output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Secret, output, StringComparison.OrdinalIgnoreCase);
        JsonNode.Parse(output);
    }

    [Theory]
    [MemberData(nameof(Places))]
    public void UndescribedSourceKey_SourceShown_Kept(string place, string json)
    {
        var (output, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD));

        Assert.True(Assert.Single(outcomes).Released, place);
        Assert.True(output.Contains(FilterHarness.OrgC, StringComparison.Ordinal) && (!json.Contains(Secret, StringComparison.Ordinal) || output.Contains(Secret, StringComparison.Ordinal)), place);
    }

    [Fact]
    public void UndescribedSourceKey_BesideAConfirmedCorrelation_RemovedWhereTheSourceIsHidden()
    {
        // A correlation the gateway confirmed stays, its related event's source hidden: what names that event's other event beside it goes too.
        var json = ShapeStrictnessTests.Event($",\"RelatedEvent\":[{{\"Event\":{{\"id\":\"5\",\"uuid\":\"{Related}\",\"info\":\"r\",\"timestamp\":\"1\",\"Orgc\":{{\"id\":\"3\",\"name\":\"ORG_C\",\"uuid\":\"{FilterHarness.OrgC}\"}}}},\"extends_uuid\":\"{Secret}\"}}]");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, relation: MemberRelation.ThirdParty), lookups: true);
        var confirmed = new EventAccess(true, FilterHarness.OrgC, "5", true, []) { Tlp = TlpLevel.Clear, Timestamp = long.MaxValue };

        var (bytes, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), context, lookup: uuid => uuid == Related ? confirmed : EventAccess.Withheld);
        var output = Encoding.UTF8.GetString(bytes);

        Assert.True(Assert.Single(outcomes).Released);
        Assert.Contains(Related, output, StringComparison.Ordinal);
        Assert.DoesNotContain(FilterHarness.OrgC, output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
    }
}
