using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// The analyst data a real MISP 2.5.1 writes beside a record's item (AnalystDataParentBehavior::afterFind,
/// as <c>/event_reports/view</c> and <c>/event_reports/index</c> answer): the item's own notes, opinions and
/// relationships go with it, judged as it is; the relationships of other items pointing at it never leave.
/// </summary>
public sealed class RecordAnalystDataTests
{
    private const string EventUuid = "eeeeeeee-0000-4000-8000-000000000008";
    private const string ReportUuid = "e0fe201d-b5cc-46a7-9c45-7bd4363c7266";

    // ORG_D's TLP:RED event, which relates itself to the report: MISP lists that relationship beside the report.
    private const string RedEventUuid = "a76fab49-bb6e-415d-810c-6cb027f08495";

    private const string Opinion = $$$"""{"id":"6","uuid":"ebbf4453-3847-454e-8636-714bc6257472","object_uuid":"{{{ReportUuid}}}","object_type":"EventReport","authors":"analyst@org-d.test","org_uuid":"d03551b8-8496-4bd2-b178-72fb134e2520","orgc_uuid":"d03551b8-8496-4bd2-b178-72fb134e2520","created":"2026-12-08 02:56:53","modified":"2026-12-08 02:56:53","distribution":"5","sharing_group_id":null,"locked":false,"opinion":"60","comment":"opinion on clear report","note_type":1,"note_type_name":"Opinion","Orgc":{"id":"3","name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520","local":true},"Org":{"id":"3","name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520","local":true},"_canEdit":true,"_max_depth_reached":false}""";

    private const string Inbound = $$$"""{"id":"2","uuid":"fe706a16-2996-497e-915e-a2cedc235b42","object_uuid":"{{{RedEventUuid}}}","object_type":"Event","authors":"analyst@org-d.test","org_uuid":"d03551b8-8496-4bd2-b178-72fb134e2520","orgc_uuid":"d03551b8-8496-4bd2-b178-72fb134e2520","distribution":"5","relationship_type":"related-to","related_object_uuid":"{{{ReportUuid}}}","related_object_type":"EventReport","note_type":2,"note_type_name":"Relationship","Orgc":{"id":"3","name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"},"Org":{"id":"3","name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"}}""";

    private static string ReportRecord(string besides) => $$$"""{"EventReport":{"id":"1","uuid":"{{{ReportUuid}}}","event_id":"8","name":"report clear","content":"Report","distribution":"5","sharing_group_id":"0","timestamp":"1796698298","deleted":false},"Event":{"id":"8","orgc_id":"2","org_id":"2","info":"orgc clear","user_id":"2","date":"2026-12-08","Org":{"id":"2","name":"ORG_C"},"Orgc":{"id":"2","name":"ORG_C"}},"SharingGroup":{"id":null,"name":null,"uuid":null}{{{besides}}}}""";

    private static (string Output, bool Withheld) Run(string json, bool hides = false)
    {
        var context = FilterHarness.Context(FilterHarness.Requester(), lookups: true);
        var access = new EventAccess(true, FilterHarness.OrgC, "8", hides, []) { EventUuid = EventUuid, Tlp = TlpLevel.Clear };
        var (output, _, withheld) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), context, chunk: 61, lookup: _ => access);
        return (Encoding.UTF8.GetString(output), withheld);
    }

    [Fact]
    public void ReportView_OpinionBesideTheReport_ReleasedWithIt()
    {
        var (output, withheld) = Run(ReportRecord($$$""","Opinion":[{{{Opinion}}}],"RelationshipInbound":[]"""));

        Assert.False(withheld);
        var record = JsonNode.Parse(output)!;
        Assert.Equal(ReportUuid, (string?)record["EventReport"]!["uuid"]);
        Assert.Equal("opinion on clear report", (string?)record["Opinion"]![0]!["comment"]);
    }

    [Fact]
    public void ReportView_InboundRelationshipFromAnotherEvent_NeverLeaves()
    {
        var (output, withheld) = Run(ReportRecord($$$""","RelationshipInbound":[{{{Inbound}}}]"""));

        Assert.False(withheld);
        Assert.Equal(ReportUuid, (string?)JsonNode.Parse(output)!["EventReport"]!["uuid"]);
        Assert.DoesNotContain(RedEventUuid, output, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportIndex_SourceHidden_OpinionBesideEachReportNamesTheForwarder()
    {
        var (output, withheld) = Run($$$"""[{{{ReportRecord($$$""","Opinion":[{{{Opinion}}}],"RelationshipInbound":[]""")}}}]""", hides: true);

        Assert.False(withheld);
        Assert.DoesNotContain("ORG_D", output, StringComparison.Ordinal);
        Assert.DoesNotContain("analyst@org-d.test", output, StringComparison.Ordinal);
        Assert.Equal(FilterHarness.Community.Forwarder.Uuid, (string?)JsonNode.Parse(output)![0]!["Opinion"]![0]!["Orgc"]!["uuid"]);
    }

    [Fact]
    public void ObjectView_InboundRelationshipInTheItem_NeverLeaves()
    {
        var json = $$$"""{"Object":{"id":"3","uuid":"cccccccc-0000-4000-8000-000000000003","event_id":"8","name":"file","Event":{"id":"8","uuid":"{{{EventUuid}}}","info":"x"},"Attribute":[{"uuid":"44444444-0000-4000-8000-000000000002","type":"sha1","value":"y","RelationshipInbound":[{{{Inbound}}}]}],"RelationshipInbound":[{{{Inbound}}}]}}""";

        var (output, withheld) = Run(json);

        Assert.False(withheld);
        Assert.Contains("44444444-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
        Assert.DoesNotContain(RedEventUuid, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_OnlyAListOfNotes_NotReleased()
    {
        var json = $$$"""{"Note":[{"id":"1","uuid":"05405d15-a72b-4efe-a35f-40e984c27ab1","object_uuid":"{{{ReportUuid}}}","object_type":"EventReport","note":"n"}]}""";

        Assert.Throws<FilterException>(() => Run(json));
    }
}
