using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// <c>attribute_count</c> never tells of attributes the requester does not receive (SPEC section 3, no
/// side channels): MISP counts every attribute of an event, those the gateway withholds included.
/// </summary>
public sealed class AttributeCountTests
{
    private static JsonNode Run(string json, string orgUuid = FilterHarness.OrgD, bool sync = false)
    {
        var requester = FilterHarness.Requester(orgUuid, TlpLevel.Amber, sync: sync);
        var (output, _, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), FilterHarness.Context(requester));
        return JsonNode.Parse(output)!;
    }

    private static string IndexRow(string tags) =>
        $$$"""[{"id":"4","uuid":"eeeeeeee-0000-4000-8000-000000000004","info":"x","attribute_count":"6","distribution":"3","orgc_id":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"EventTag":[{{{tags}}}]}]""";

    private static string Event(string body) =>
        $$$"""{"Event":{"id":"4","uuid":"eeeeeeee-0000-4000-8000-000000000004","info":"x","distribution":"3","attribute_count":"6","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"}{{{body}}},"Tag":[{"name":"tlp:clear"}]}}""";

    private static string Attribute(string uuid, string extra = "") =>
        $$"""{"id":"1","uuid":"{{uuid}}","type":"ip-dst","value":"198.51.100.{{uuid[^1..]}}","distribution":"5"{{extra}}}""";

    [Theory]
    [InlineData("")]
    [InlineData("""{"Tag":{"name":"tlp:clear"}}""")]
    public void IndexRow_AnotherOrganisationsEvent_CarriesNoAttributeCount(string tags)
    {
        // The row cannot tell how many of the event's attributes (some tlp:red, say) the requester receives.
        var row = Run(IndexRow(tags))[0]!.AsObject();

        Assert.Equal("eeeeeeee-0000-4000-8000-000000000004", (string?)row["uuid"]);
        Assert.False(row.ContainsKey("attribute_count"));
    }

    [Fact]
    public void IndexRow_TheRequestersOwnEvent_KeepsMispsCount()
    {
        var row = Run(IndexRow("""{"Tag":{"name":"tlp:clear"}}"""), FilterHarness.OrgC)[0]!;

        Assert.Equal("6", (string?)row["attribute_count"]);
    }

    [Fact]
    public void Event_MetadataOfAnotherOrganisationsEvent_CarriesNoAttributeCount()
    {
        var evt = Run(Event(string.Empty))["Event"]!.AsObject();

        Assert.Equal("x", (string?)evt["info"]);
        Assert.False(evt.ContainsKey("attribute_count"));
    }

    [Fact]
    public void Event_MetadataOfTheRequestersOwnEvent_KeepsMispsCount()
    {
        var evt = Run(Event(string.Empty), FilterHarness.OrgC)["Event"]!;

        Assert.Equal("6", (string?)evt["attribute_count"]);
    }

    [Fact]
    public void Event_SearchAnswerListingSomeAttributes_CountsTheReleasedOnesOnly()
    {
        // A search answers the attributes that matched under MISP's count of all of them; one listed is withheld.
        var body = $$""","Attribute":[{{Attribute("a1")}},{{Attribute("a2", ""","Tag":[{"name":"tlp:red"}]""")}}],"Object":[{"uuid":"o1","name":"file","Attribute":[{{Attribute("a3")}}]},{"uuid":"o2","name":"file","Attribute":[{{Attribute("a4", ""","Tag":[{"name":"tlp:red"}]""")}}]}]""";

        var evt = Run(Event(body))["Event"]!;

        Assert.Equal("2", (string?)evt["attribute_count"]);
    }

    [Fact]
    public void Event_DeletedAttributeListed_NotCountedAsMispDoesNot()
    {
        var body = $$""","Attribute":[{{Attribute("a1")}},{{Attribute("a2", ""","deleted":true""")}}]""";

        var evt = Run(Event(body))["Event"]!;

        Assert.Equal("1", (string?)evt["attribute_count"]);
    }

    [Fact]
    public void Event_TheRequestersOwnEventToItsServer_MispsCountLessWhatWasRemoved()
    {
        // TLP:RED never goes to a MISP server, its owner's included: its own count is MISP's, less the removed.
        var body = $$""","Attribute":[{{Attribute("a1")}},{{Attribute("a2", ""","Tag":[{"name":"tlp:red"}]""")}}]""";

        var evt = Run(Event(body), FilterHarness.OrgC, sync: true)["Event"]!;

        Assert.Equal("5", (string?)evt["attribute_count"]);
    }
}
