using System.Collections.Frozen;
using System.Text.Json.Nodes;
using TlpGateway.Members;
using TlpGateway.Rules;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;
using static TlpGateway.Tests.Decision.ShapeStrictnessTests;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// The one decision applied to every part of an event (positive-model classes 9-11 and 14): sources
/// hidden in every block that names an organisation, parts naming removed attributes by id as well as
/// by UUID, distribution capped for MISP servers including what inherits, member rules on every kind.
/// </summary>
public sealed class ItemDecisionTests
{
    private const string Amber = "22222222-0000-4000-8000-00000000aaaa";
    private const string Clear = "22222222-0000-4000-8000-00000000cccc";
    private const string Group = "5e5e5e5e-0000-4000-8000-000000000001";

    private static TlpGateway.Admission.Requester Ruled(MemberRules rules, TlpLevel maxTlp = TlpLevel.Amber) =>
        FilterHarness.WithMember(FilterHarness.Requester(FilterHarness.OrgD, maxTlp), member => member with { Rules = rules });

    private static string SharingGroupBlock(string uuid = Group) =>
        $$$""","SharingGroup":{"id":"1","uuid":"{{{uuid}}}","name":"SG B+C","Organisation":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"organisation_uuid":"{{{FilterHarness.OrgC}}}","SharingGroupOrg":[{"Organisation":{"name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"}}]}""";

    [Fact]
    public void HiddenSource_SharingGroupsOfAttributesAndObjectsAndEventSightings_GoToo()
    {
        var attribute = Attribute(Clear, extra: SharingGroupBlock());
        var sightings = $$$""","Sighting":[{"id":"1","uuid":"5151-1","attribute_id":"1","attribute_uuid":"{{{Clear}}}","org_id":"3","source":"ORG_C sensor","Organisation":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"}}]""";
        var json = Event($$""","Attribute":[{{attribute}}],"Object":[{"uuid":"cccccccc-0000-4000-8000-000000000001","name":"file"{{SharingGroupBlock()}},"Attribute":[{{Attribute(Amber)}}]}]{{sightings}}""");
        var thirdParty = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, MemberRelation.ThirdParty);

        var (output, outcomes) = Run(json, thirdParty);

        Assert.True(Assert.Single(outcomes).HidesSource);
        Assert.DoesNotContain(FilterHarness.OrgC, output, StringComparison.Ordinal);
        Assert.DoesNotContain("ORG_C", output, StringComparison.Ordinal);
        var sighting = JsonNode.Parse(output)!["Event"]!["Sighting"]![0]!;
        Assert.Equal("0", (string?)sighting["org_id"]);
        Assert.Null(sighting["source"]);
    }

    [Fact]
    public void ProposalsAndSightings_NamingARemovedAttributeByLocalId_Removed()
    {
        var red = $$"""{"id":"77","uuid":"{{Amber}}","type":"ip-dst","value":"10.9.8.7","Tag":[{"name":"tlp:red"}]}""";
        var proposal = $$$"""{"id":"5","uuid":"aaaaaaaa-5555-4000-8000-000000000005","old_id":"77","event_id":"4","type":"ip-dst","category":"Network activity","value":"10.9.8.8","Org":{"name":"ORG_D"}}""";
        var sighting = """{"id":"9","uuid":"bbbbbbbb-9999-4000-8000-000000000009","attribute_id":"77","event_id":"4","org_id":"4"}""";
        var json = Event($$""","Attribute":[{{Attribute(Clear)}},{{red}}],"ShadowAttribute":[{{proposal}}],"Sighting":[{{sighting}}]""");

        var (output, outcomes) = Run(json);

        Assert.DoesNotContain("10.9.8", output, StringComparison.Ordinal);
        Assert.DoesNotContain("aaaaaaaa-5555", output, StringComparison.Ordinal);
        Assert.DoesNotContain("bbbbbbbb-9999", output, StringComparison.Ordinal);
        var removals = Assert.Single(outcomes).Removals;
        Assert.Contains(removals, r => r is { Kind: "proposal", Reason: "names-removed-item" });
        Assert.Contains(removals, r => r is { Kind: "sighting", Reason: "names-removed-item" });
    }

    [Theory]
    [InlineData("5", "1")]
    [InlineData("3", "1")]
    [InlineData("0", "0")]
    public void SyncIdentity_AmberAttributeInClearEvent_CappedIncludingWhatInherits(string own, string expected)
    {
        var json = Event($$""","Attribute":[{"uuid":"{{Amber}}","type":"ip-dst","value":"x","distribution":"{{own}}","Tag":[{"name":"tlp:amber"}]},{"uuid":"{{Clear}}","type":"ip-dst","value":"y","distribution":"5"}]""");
        var server = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber, sync: true);

        var (output, _) = Run(json, server);

        var attributes = JsonNode.Parse(output)!["Event"]!["Attribute"]!.AsArray();
        Assert.Equal(expected, (string?)attributes[0]!["distribution"]);
        Assert.Equal("5", (string?)attributes[1]!["distribution"]);
        Assert.Equal("3", (string?)JsonNode.Parse(output)!["Event"]!["distribution"]);
    }

    [Fact]
    public void SyncIdentity_AttributeInheritingThroughItsObject_CappedByItsOwnMarking()
    {
        var json = Event($$""","Object":[{"uuid":"cccccccc-0000-4000-8000-000000000001","name":"file","distribution":"5","Attribute":[{"uuid":"{{Amber}}","type":"md5","value":"x","distribution":"5","Tag":[{"name":"tlp:amber"}]}]}]""");
        var server = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber, sync: true);

        var (output, _) = Run(json, server);

        var obj = JsonNode.Parse(output)!["Event"]!["Object"]![0]!;
        Assert.Equal("5", (string?)obj["distribution"]);
        Assert.Equal("1", (string?)obj["Attribute"]![0]!["distribution"]);
    }

    [Fact]
    public void BlockedSharingGroup_OnAttributesObjectsAndObjectAttributes_Removed()
    {
        var inObject = Attribute("22222222-0000-4000-8000-0000000000a1", extra: SharingGroupBlock());
        var json = Event($$""","Attribute":[{{Attribute(Amber, extra: SharingGroupBlock())}},{{Attribute(Clear)}}],"Object":[{"uuid":"cccccccc-0000-4000-8000-000000000001","name":"file"{{SharingGroupBlock()}},"Attribute":[{{Attribute("22222222-0000-4000-8000-0000000000a2")}}]},{"uuid":"cccccccc-0000-4000-8000-000000000002","name":"file","Attribute":[{{inObject}},{{Attribute("22222222-0000-4000-8000-0000000000a3")}}]}]""");

        var (output, outcomes) = Run(json, Ruled(new MemberRules { BlockedSharingGroups = new[] { Group }.ToFrozenSet(StringComparer.OrdinalIgnoreCase) }));

        Assert.DoesNotContain(Amber, output, StringComparison.Ordinal);
        Assert.DoesNotContain("cccccccc-0000-4000-8000-000000000001", output, StringComparison.Ordinal);
        Assert.DoesNotContain("0000000000a1", output, StringComparison.Ordinal);
        Assert.Contains("0000000000a3", output, StringComparison.Ordinal);
        Assert.Contains(Assert.Single(outcomes).Removals, r => r.Reason == "rule-blockedSharingGroups");
    }

    [Fact]
    public void BlockedTypeOrCategory_ProposalsOfThatKindRemoved()
    {
        var proposal = """{"id":"5","uuid":"aaaaaaaa-5555-4000-8000-000000000005","old_id":"0","type":"email-src","category":"Payload delivery","value":"a@b.example"}""";
        var json = Event($$""","Attribute":[{{Attribute(Clear, extra: ",\"ShadowAttribute\":[" + proposal.Replace("5555", "6666", StringComparison.Ordinal) + "]")}}],"ShadowAttribute":[{{proposal}}]""");

        var (output, _) = Run(json, Ruled(new MemberRules { BlockedAttributeTypes = new[] { "email-src" }.ToFrozenSet() }));

        Assert.DoesNotContain("a@b.example", output, StringComparison.Ordinal);
        Assert.Contains(Clear, output, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockedDistribution_ReportsAndAnalystDataRemoved()
    {
        var note = """{"uuid":"0707-note","note":"internal","distribution":"0","object_type":"Attribute"}""";
        var json = Event($$""","Attribute":[{{Attribute(Clear, extra: ",\"Note\":[" + note + "]")}}],"EventReport":[{"uuid":"dddddddd-0000-4000-8000-000000000001","name":"r","content":"c","distribution":"0"}],"Note":[{{note.Replace("0707", "0808", StringComparison.Ordinal)}}]""");

        var (output, outcomes) = Run(json, Ruled(new MemberRules { BlockedDistributionLevels = new[] { 0 }.ToFrozenSet() }));

        Assert.DoesNotContain("dddddddd", output, StringComparison.Ordinal);
        Assert.DoesNotContain("0707-note", output, StringComparison.Ordinal);
        Assert.DoesNotContain("0808-note", output, StringComparison.Ordinal);
        Assert.Contains(Clear, output, StringComparison.Ordinal);
        Assert.All(Assert.Single(outcomes).Removals, r => Assert.Equal("rule-blockedDistributionLevels", r.Reason));
    }

    [Fact]
    public void AllowedTags_JudgedOnTheTagsTheEventLeavesWith_DefaultMarkingIncluded()
    {
        var rules = new MemberRules { AllowedTags = new Dictionary<string, FrozenSet<string>> { ["tlp"] = new[] { "tlp:clear", "tlp:green" }.ToFrozenSet() }.ToFrozenDictionary() };

        var (untagged, outcomes) = Run(Event(string.Empty, tags: "[]"), Ruled(rules));
        var (green, _) = Run(Event(string.Empty, tags: """[{"name":"tlp:green"}]"""), Ruled(rules));

        Assert.Empty(untagged);
        Assert.Equal("rule-allowedTags", Assert.Single(outcomes).Reason);
        Assert.NotEmpty(green);
    }

    [Fact]
    public void IndexRowsAndAttributeRows_AnswerToTheEventsRules()
    {
        var rules = new MemberRules { BlockedTags = new[] { "pap:red" }.ToFrozenSet() };
        var index = $$$"""[{"id":"4","uuid":"eeeeeeee-0000-4000-8000-000000000004","info":"x","orgc_uuid":"{{{FilterHarness.OrgC}}}","EventTag":[{"Tag":{"name":"tlp:clear"}},{"Tag":{"name":"PAP:RED"}}]},{"id":"5","uuid":"eeeeeeee-0000-4000-8000-000000000005","info":"y","orgc_uuid":"{{{FilterHarness.OrgC}}}","EventTag":[{"Tag":{"name":"tlp:clear"}}]}]""";
        var rows = """{"response":{"Attribute":[{"uuid":"a1","value":"x","Event":{"uuid":"e4","orgc_id":"3"},"Tag":[{"name":"tlp:clear","inherited":1},{"name":"pap:red","inherited":1}]},{"uuid":"a2","value":"y","Event":{"uuid":"e5","orgc_id":"3"},"Tag":[{"name":"tlp:clear","inherited":1}]}]}}""";

        var (indexOut, indexOutcomes) = Run(index, Ruled(rules));
        var (rowsOut, rowOutcomes) = Run(rows, Ruled(rules));

        Assert.DoesNotContain("000000000004", indexOut, StringComparison.Ordinal);
        Assert.Contains("000000000005", indexOut, StringComparison.Ordinal);
        Assert.Contains(indexOutcomes, o => o.Reason == "rule-blockedTags");
        Assert.DoesNotContain("\"a1\"", rowsOut, StringComparison.Ordinal);
        Assert.Contains("\"a2\"", rowsOut, StringComparison.Ordinal);
        Assert.Contains(rowOutcomes, o => o.Reason == "rule-blockedTags");
    }

    [Theory]
    [InlineData("blockedObjectTypes")]
    [InlineData("blockedDistributionLevels")]
    public void AttributeRowInObject_ObjectsRules_RowWithheld(string field)
    {
        // /attributes/restSearch always lists objects' attributes too (MISP asks fetchAttributes with flatten), each
        // with a stub of its object that names no template: a member's object rules must still hold, and an attribute
        // at 5 inherits its object's distribution, not its event's.
        var rules = field == "blockedObjectTypes"
            ? new MemberRules { BlockedObjectTypes = new[] { "person" }.ToFrozenSet() }
            : new MemberRules { BlockedDistributionLevels = new[] { 0 }.ToFrozenSet() };
        var rows = """{"response":{"Attribute":[{"id":"12","uuid":"a1","object_id":"7","object_relation":"full-name","type":"full-name","value":"Jane Roe","distribution":"5","Event":{"id":"4","uuid":"e4","orgc_id":"3","distribution":"3"},"Object":{"id":"7","distribution":"0","sharing_group_id":"0"},"Tag":[{"name":"tlp:clear","inherited":1}]},{"id":"13","uuid":"a2","object_id":"0","type":"ip-dst","value":"198.51.100.7","distribution":"5","Event":{"id":"4","uuid":"e4","orgc_id":"3","distribution":"3"},"Tag":[{"name":"tlp:clear","inherited":1}]}]}}""";

        var (output, outcomes) = Run(rows, Ruled(rules));

        Assert.DoesNotContain("Jane Roe", output, StringComparison.Ordinal);
        Assert.Contains("\"a2\"", output, StringComparison.Ordinal);
        Assert.Contains(outcomes, o => o.Reason == "rule-" + field);
    }
}
