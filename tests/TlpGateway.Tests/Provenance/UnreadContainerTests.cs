using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Tests.Decision;
using TlpGateway.Tests.Filtering;

namespace TlpGateway.Tests.Provenance;

/// <summary>
/// SPEC section 4 where the answer holds what the gateway does not read: a container under a name no
/// key stands for (an organisation under a misspelt <c>Orgc</c>, a block MISP may add one day), or
/// under a name the gateway reads elsewhere that the holder's shape does not describe, goes
/// where the source is hidden, at any depth, since nothing in it is hidden; where the source is shown,
/// it stays as MISP wrote it. The coverage-guided fuzzer (tests/TlpGateway.Fuzz) found organisations
/// passing so under <c>OrPc</c>, <c>Organivation</c> and a dozen other spellings.
/// </summary>
public sealed class UnreadContainerTests
{
    private const string Attribute = "33333333-0000-4000-8000-00000000aaa1";
    private const string Stray = $$"""{"id":"3","name":"ORG_C","uuid":"{{FilterHarness.OrgC}}","local":true}""";

    public static TheoryData<string, string> Places => new()
    {
        { "event", ShapeStrictnessTests.Event($",\"OrPc\":{Stray}") },
        { "event, as a list", ShapeStrictnessTests.Event($",\"Orgcs\":[{Stray}]") },
        { "event, under a name of digits", ShapeStrictnessTests.Event($",\"0\":{Stray}") },
        { "attribute", ShapeStrictnessTests.Event($",\"Attribute\":[{ShapeStrictnessTests.Attribute(Attribute, extra: $",\"Organivation\":{Stray}")}]") },
        { "sighting", ShapeStrictnessTests.Event($",\"Attribute\":[{ShapeStrictnessTests.Attribute(Attribute, extra: $",\"Sighting\":[{{\"id\":\"1\",\"uuid\":\"55555555-0000-4000-8000-000000000001\",\"org_id\":\"3\",\"source\":\"\",\"type\":\"0\",\"Frganisation\":{Stray}}}]")}]") },
        { "object", ShapeStrictnessTests.Event($",\"Object\":[{{\"id\":\"1\",\"uuid\":\"44444444-0000-4000-8000-000000000001\",\"name\":\"file\",\"distribution\":\"5\",\"[rg\":{Stray},\"Attribute\":[{ShapeStrictnessTests.Attribute(Attribute)}]}}]") },
        { "tag", ShapeStrictnessTests.Event(string.Empty, $$"""[{"name":"tlp:clear","Org_":{{Stray}}}]""") },
        { "beside the event", ShapeStrictnessTests.Event(string.Empty).TrimEnd('}') + $"}},\"Ore\":{Stray}}}" },

        // Under a name the gateway reads in other shapes, where this item's shape describes none: no better understood.
        { "event, under name", ShapeStrictnessTests.Event($",\"name\":{Stray}") },
        { "event, under version, as a list", ShapeStrictnessTests.Event($",\"version\":[{Stray}]") },
        { "attribute, under default", ShapeStrictnessTests.Event($",\"Attribute\":[{ShapeStrictnessTests.Attribute(Attribute, extra: $",\"default\":{Stray}")}]") },
        { "tag, under url", ShapeStrictnessTests.Event(string.Empty, $$"""[{"name":"tlp:clear","url":{{Stray}}}]""") },
        { "object, under message", ShapeStrictnessTests.Event($",\"Object\":[{{\"id\":\"1\",\"uuid\":\"44444444-0000-4000-8000-000000000001\",\"name\":\"file\",\"distribution\":\"5\",\"message\":{Stray},\"Attribute\":[{ShapeStrictnessTests.Attribute(Attribute)}]}}]") },
    };

    [Theory]
    [MemberData(nameof(Places))]
    public void UnreadContainer_SourceHidden_Removed(string place, string json)
    {
        var (output, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD, relation: MemberRelation.ThirdParty));

        Assert.True(Assert.Single(outcomes).Released, place);
        Assert.DoesNotContain(FilterHarness.OrgC, output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ORG_C", output, StringComparison.Ordinal);
        JsonNode.Parse(output);
    }

    [Theory]
    [MemberData(nameof(Places))]
    public void UnreadContainer_SourceShown_Kept(string place, string json)
    {
        var (output, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD));

        Assert.True(Assert.Single(outcomes).Released, place);
        Assert.Contains(Stray, output, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterMeta_SourceHidden_Kept()
    {
        // A cluster's metadata (refs, synonyms) is a container MISP writes and the shapes do not describe: known, so it stays.
        var cluster = """{"id":"1","uuid":"66666666-0000-4000-8000-000000000001","type":"threat-actor","value":"APT X","tag_name":"misp-galaxy:threat-actor=\"APT X\"","default":true,"local":false,"meta":{"refs":["https://example.test/apt-x"],"synonyms":["X"]}}""";
        var json = ShapeStrictnessTests.Event($$$""","Galaxy":[{"id":"1","uuid":"77777777-0000-4000-8000-000000000001","name":"Threat Actor","type":"threat-actor","GalaxyCluster":[{{{cluster}}}]}]""");

        var (output, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgD, relation: MemberRelation.ThirdParty));

        Assert.True(Assert.Single(outcomes).Released);
        Assert.Equal("https://example.test/apt-x", (string?)JsonNode.Parse(output)!["Event"]!["Galaxy"]![0]!["GalaxyCluster"]![0]!["meta"]!["refs"]![0]);
    }

    [Theory]
    [InlineData("""{"response":[{"Evnt":{"id":"1","OrPc":{{STRAY}}}}]}""")]
    [InlineData("""{"Evnt":{"id":"1","comment":"x","Orgcs":[{{STRAY}}]}}""")]
    [InlineData("""[{"name":"x","errors":{"Evnt":{{STRAY}}}}]""")]
    public void RecordOfUnknownShape_HoldingAnUnreadBlock_EndsADataAnswer(string json)
    {
        // Such a record is not judged: it leaves only if nothing in it is unread (MISP data in it ends the answer already).
        var input = Encoding.UTF8.GetBytes(json.Replace("{{STRAY}}", Stray, StringComparison.Ordinal));
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, relation: MemberRelation.ThirdParty));

        var exception = Assert.Throws<FilterException>(() => FilterHarness.Run(input, context));

        Assert.Contains("unknown shape", exception.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"id":"2","timestamp":"1795342380","published":true,"uuid":"dd3ffb5f-03d1-4c7e-83e5-c55c51433c03","oVgc_uuid":"be0cad1c-0c3b-4735-b85f-668fe79082ef"}]""")]
    [InlineData("""[{"id":"2","timestamp":"1795342380","uuix":"dd3ffb5f-03d1-4c7e-83e5-c55c51433c03"}]""")]
    [InlineData("""{"response":[{"id":"1","comment":"x","flag":true}]}""")]
    [InlineData("""[{"value":"192.0.2.1","default_type":"ip-dst","types":{"ip-dst":{"uuid":"be0cad1c-0c3b-4735-b85f-668fe79082ef"}}}]""")]
    [InlineData("""[{"value":"192.0.2.1","default_type":"ip-dst","types":{"ip-dst":"ip-dst"},"uuid":"dd3ffb5f-03d1-4c7e-83e5-c55c51433c03"}]""")]
    [InlineData("""[{"value":"192.0.2.1","default_type":"ip-dst","types":{"ip-dst":"ip-dst"},"uuix":"dd3ffb5f-03d1-4c7e-83e5-c55c51433c03"}]""")]
    [InlineData("""[{"value":"192.0.2.1","category":"Network activity","type":"ip-dst","types":{"ip-dst":"ip-dst"}}]""")]
    public void RecordOfUnknownShape_NotAMispMessage_EndsADataAnswer(string json)
    {
        // The fuzzer's first case: a minimal index row whose orgc_uuid is misspelt is no row the gateway knows, and
        // passed as a record without data, the UUID of an event the requester may not receive in it.
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, relation: MemberRelation.ThirdParty), minimal: true);

        var exception = Assert.Throws<FilterException>(() => FilterHarness.Run(Encoding.UTF8.GetBytes(json), context));

        Assert.Contains("unknown shape", exception.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"Invalid event","message":"Invalid event","url":"/events/view/999999"}""")]
    [InlineData("""{"saved":false,"name":"Could not add Event","message":"Could not add Event","url":"/events/add","errors":"Event could not be saved."}""")]
    [InlineData("""{"saved":true,"success":true,"name":"Sightings saved","message":"Sightings saved","url":"/sightings/add/11","id":"5"}""")]
    [InlineData("""{}""")]
    [InlineData("""[{"types":{"ip-dst":"ip-dst","ip-src":"ip-src","ip-src/ip-dst":"ip-src/ip-dst"},"default_type":"ip-dst","value":"192.0.2.1","comment":false,"original_value":"192.0.2.1","to_ids":true}]""")]
    public void MispMessage_InADataAnswer_PassesAsItCame(string json)
    {
        var (output, _, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, relation: MemberRelation.ThirdParty)));

        Assert.Equal(json, Encoding.UTF8.GetString(output));
    }

    [Fact]
    public void RecordOfUnknownShape_InAMetadataAnswer_PassesAsItCame()
    {
        // servers/getVersion lists request_encoding, a block no key stands for: metadata answers hold no MISP data to judge.
        var input = FilterHarness.Capture("servers_getVersion__orgC.json");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester(), metadataOnly: true));

        Assert.Equal(input, output);
    }
}
