using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Provenance;

/// <summary>
/// An answer the request chose by source (<c>org</c>, <c>searchorg</c>, a sort by <c>orgc_id</c>...)
/// tells the source of everything in it: what hides its source from the requester is withheld from it,
/// what shows its source is released as ever.
/// </summary>
public sealed class SelectedBySourceTests
{
    private const string ChrEvent = "eeeeeeee-0000-4000-8000-00000000c4c4";
    private const string GreenEvent = "eeeeeeee-0000-4000-8000-00000000a6a6";

    private static string Event(string uuid, string tag) =>
        $$$"""{"Event":{"id":"9","uuid":"{{{uuid}}}","info":"x","distribution":"3","orgc_id":"4","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{FilterHarness.OrgD}}}"},"Attribute":[{"id":"1","uuid":"11111111-0000-4000-8000-0000000000{{{uuid[^2..]}}}","type":"ip-dst","value":"198.51.100.7","distribution":"5"}],"Tag":[{"name":"{{{tag}}}"}]}}""";

    private static (string Output, List<UnitOutcome> Outcomes) Run(string json, bool selectsBySource, Func<string, EventAccess>? lookup = null)
    {
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgB, orgId: "2"), lookups: lookup is not null, selectsBySource: selectsBySource);
        var (output, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), context, lookup: lookup);
        return (Encoding.UTF8.GetString(output), outcomes);
    }

    [Fact]
    public void RestSearch_ChosenBySource_EventsHidingTheirSourceWithheld()
    {
        var json = """{"response":[""" + Event(ChrEvent, "tlp:ex:chr") + "," + Event(GreenEvent, "tlp:green") + "]}";

        var (chosen, outcomes) = Run(json, selectsBySource: true);
        var (unchosen, _) = Run(json, selectsBySource: false);

        Assert.DoesNotContain(ChrEvent, chosen, StringComparison.Ordinal);
        Assert.Contains(GreenEvent, chosen, StringComparison.Ordinal);
        Assert.Contains(outcomes, o => o is { Released: false, Reason: "selected-by-source" });
        Assert.Contains(ChrEvent, unchosen, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_SortedBySource_RowsHidingTheirSourceWithheld()
    {
        var rows = $$$"""[{"id":"9","uuid":"{{{ChrEvent}}}","info":"x","orgc_id":"4","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{FilterHarness.OrgD}}}"},"EventTag":[{"Tag":{"name":"tlp:ex:chr"}}]},{"id":"10","uuid":"{{{GreenEvent}}}","info":"y","orgc_id":"4","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{FilterHarness.OrgD}}}"},"EventTag":[{"Tag":{"name":"tlp:green"}}]}]""";

        var (output, _) = Run(rows, selectsBySource: true);

        Assert.Equal([GreenEvent], JsonNode.Parse(output)!.AsArray().Select(r => (string?)r!["uuid"]));
    }

    [Fact]
    public void AttributeRows_ChosenBySource_RowsOfEventsHidingTheirSourceWithheld()
    {
        var json = $$$"""{"response":{"Attribute":[{"id":"1","uuid":"11111111-0000-4000-8000-0000000000c4","type":"ip-dst","value":"198.51.100.7","Event":{"id":"9","uuid":"{{{ChrEvent}}}","orgc_id":"4"},"Tag":[{"name":"tlp:ex:chr","inherited":1}]},{"id":"2","uuid":"11111111-0000-4000-8000-0000000000a6","type":"ip-dst","value":"198.51.100.8","Event":{"id":"10","uuid":"{{{GreenEvent}}}","orgc_id":"4"},"Tag":[{"name":"tlp:green","inherited":1}]}]}}""";

        var (output, _) = Run(json, selectsBySource: true);

        Assert.DoesNotContain("198.51.100.7", output, StringComparison.Ordinal);
        Assert.Contains("198.51.100.8", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Sightings_ChosenBySighter_ThoseOnEventsHidingTheirSourceWithheld()
    {
        // A sighting on an event that hides its source loses its organisation: chosen by organisation, it would name it.
        var json = $$$$"""{"response":[{"Sighting":{"id":"1","uuid":"bbbbbbbb-0000-4000-8000-000000000001","attribute_id":"1","event_id":"9","event_uuid":"{{{{ChrEvent}}}}","org_id":"4","Organisation":{"id":"4","name":"ORG_D"}}},{"Sighting":{"id":"2","uuid":"bbbbbbbb-0000-4000-8000-000000000002","attribute_id":"2","event_id":"10","event_uuid":"{{{{GreenEvent}}}}","org_id":"4","Organisation":{"id":"4","name":"ORG_D"}}}]}""";

        var (output, _) = Run(json, selectsBySource: true, reference => new EventAccess(true, FilterHarness.OrgD, "9", reference == ChrEvent, []) { EventUuid = reference, Tlp = TlpLevel.Green });

        Assert.DoesNotContain("bbbbbbbb-0000-4000-8000-000000000001", output, StringComparison.Ordinal);
        Assert.Contains("bbbbbbbb-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnalystDataMinimalIndex_ChosenByCreator_EntriesOnEventsHidingTheirSourceLeftOut()
    {
        // A MISP server's pull rules send orgc_name: the index then lists only that organisation's notes, by UUID.
        const string OnChr = "0a0a0a0a-0000-4000-8000-0000000000c4", OnGreen = "0a0a0a0a-0000-4000-8000-0000000000a6";
        var json = $$$"""{"Note":{"{{{OnChr}}}":"1700000000","{{{OnGreen}}}":"1700000001"}}""";
        EventAccess Lookup(string reference) => new(true, FilterHarness.OrgD, "9", reference == "analyst/" + OnChr, []) { Tlp = TlpLevel.Green };

        var (chosen, _) = Run(json, selectsBySource: true, Lookup);
        var (unchosen, _) = Run(json, selectsBySource: false, Lookup);

        Assert.Equal([OnGreen], JsonNode.Parse(chosen)!["Note"]!.AsObject().Select(p => p.Key));
        Assert.Equal(2, JsonNode.Parse(unchosen)!["Note"]!.AsObject().Count);
    }

    [Fact]
    public void GalaxyClusters_ChosenByMaker_CustomClustersHidingTheirMakerWithheld()
    {
        var json = $$$$"""{"response":[{"GalaxyCluster":{"id":"7","uuid":"77777777-0000-4000-8000-000000000007","value":"Actor X","default":false,"distribution":"3","orgc_id":"4","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{{FilterHarness.OrgD}}}}"}}},{"GalaxyCluster":{"id":"8","uuid":"77777777-0000-4000-8000-000000000008","value":"Actor Y","default":true,"distribution":"3","orgc_id":"0"}}]}""";

        var (output, _) = Run(json, selectsBySource: true);

        Assert.DoesNotContain("77777777-0000-4000-8000-000000000007", output, StringComparison.Ordinal);
        Assert.Contains("77777777-0000-4000-8000-000000000008", output, StringComparison.Ordinal);
    }
}
