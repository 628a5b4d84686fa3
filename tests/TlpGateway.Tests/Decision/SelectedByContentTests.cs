using System.Text;
using TlpGateway.Decision;
using TlpGateway.Requests;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tests.Requests;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// An event search chosen by what its attributes hold (a value, a tag, a type) tells that the event holds it: an
/// event from which attributes are removed for the requester is withheld, since the match may be a removed one.
/// </summary>
public sealed class SelectedByContentTests
{
    private const string Partial = "eeeeeeee-0000-4000-8000-00000000d1d1";
    private const string Whole = "eeeeeeee-0000-4000-8000-00000000d2d2";

    private static string Event(string uuid, string attributeTags) =>
        $$$"""{"Event":{"id":"9","uuid":"{{{uuid}}}","info":"x","distribution":"3","orgc_id":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"Attribute":[{"id":"1","uuid":"11111111-0000-4000-8000-0000000000{{{uuid[^2..]}}}","type":"ip-dst","value":"198.51.100.{{{uuid.Length % 7}}}","distribution":"5","Tag":{{{attributeTags}}}}],"Tag":[{"name":"tlp:amber"}]}}""";

    [Fact]
    public void RestSearch_ChosenByContent_EventsWithRemovedAttributesWithheld()
    {
        var json = """{"response":[""" + Event(Partial, """[{"name":"tlp:red"}]""") + "," + Event(Whole, "[]") + "]}";
        string Run(bool selectsByContent, out List<UnitOutcome> outcomes)
        {
            var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, orgId: "4"));
            context = new TlpGateway.Filtering.FilterContext { Requester = context.Requester, Community = context.Community, SelectsByContent = selectsByContent };
            var (output, found, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), context);
            outcomes = found;
            return Encoding.UTF8.GetString(output);
        }

        var chosen = Run(selectsByContent: true, out var outcomes);
        var unchosen = Run(selectsByContent: false, out _);

        Assert.DoesNotContain(Partial, chosen, StringComparison.Ordinal);
        Assert.Contains(Whole, chosen, StringComparison.Ordinal);
        Assert.Contains(outcomes, o => o is { Released: false, Reason: "selected-by-content" });
        Assert.Contains(Partial, unchosen, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_ChosenByContent_RowsOfEventsWithRemovedAttributesWithheld()
    {
        // EventsController::index's searchall, searchattribute and searchvalue match attributes; its rows hold none:
        // each row's event is looked up and judged whole.
        var rows = $$$"""[{"id":"9","uuid":"{{{Partial}}}","info":"x","orgc_id":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"EventTag":[{"Tag":{"name":"tlp:amber"}}]},{"id":"10","uuid":"{{{Whole}}}","info":"y","orgc_id":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"EventTag":[{"Tag":{"name":"tlp:amber"}}]}]""";
        var harness = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, orgId: "4"), lookups: true);
        var context = new TlpGateway.Filtering.FilterContext { Requester = harness.Requester, Community = harness.Community, KnownEvents = harness.KnownEvents, SelectsByContent = true };
        var asked = new List<string>();

        var (output, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(rows), context, lookup: uuid =>
        {
            asked.Add(uuid);
            return new EventAccess(true, FilterHarness.OrgC, uuid == Partial ? "9" : "10", false, uuid == Partial ? ["11111111-0000-4000-8000-0000000000d1"] : []) { RemovedAttributeIds = uuid == Partial ? ["1"] : [] };
        });

        Assert.Equal([Partial, Whole], asked);
        var text = Encoding.UTF8.GetString(output);
        Assert.DoesNotContain(Partial, text, StringComparison.Ordinal);
        Assert.Contains(Whole, text, StringComparison.Ordinal);
        Assert.Contains(outcomes, o => o is { Released: false, Reason: "selected-by-content" });
    }

    [Theory]
    [InlineData("POST", "/events/restSearch", """{"value":"198.51.100.7"}""")]
    [InlineData("POST", "/events/restSearch", """{"request":{"Tags":["tlp:red"]}}""")]
    [InlineData("POST", "/events/restSearch", """{"tag":"tlp:red"}""")]
    [InlineData("POST", "/events/restSearch", """{"searchall":"secret"}""")]
    [InlineData("POST", "/events/restSearch", """{"type":"ip-dst","category":"Network activity"}""")]
    [InlineData("GET", "/events/restSearch/json/198.51.100.7", null)]
    [InlineData("GET", "/events/restSearch/object_relation:ip", null)]
    [InlineData("POST", "/events/index", """{"searchall":"secret"}""")]
    [InlineData("POST", "/events/index", """{"Attribute":"198.51.100.7"}""")]
    [InlineData("GET", "/events/index/searchvalue:198.51.100.7", null)]
    public void SelectsByContent_AnAttributeFilterOnAnEventSearch_True(string method, string path, string? body)
    {
        Assert.True(ContentSelection.SelectsByContent(RequestTestData.Model(method, path, body)!));
    }

    [Theory]
    [InlineData("POST", "/events/restSearch", """{"eventid":"4"}""")]
    [InlineData("POST", "/events/restSearch", """{"uuid":"1bfc1897-b375-497c-9f02-b164e32bc94a","value":""}""")]
    [InlineData("POST", "/attributes/restSearch", """{"value":"198.51.100.7"}""")]
    [InlineData("POST", "/events/index", """{"searchtag":"tlp:amber","searchorg":"4"}""")]
    public void SelectsByContent_NoAttributeFilterOrAnAttributeSearch_False(string method, string path, string? body)
    {
        Assert.False(ContentSelection.SelectsByContent(RequestTestData.Model(method, path, body)!));
    }
}
