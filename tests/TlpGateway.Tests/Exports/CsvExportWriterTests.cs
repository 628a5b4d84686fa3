using System.Text;
using TlpGateway.Exports;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Requests;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Exports;

/// <summary>MISP's CSV export, rendered from records (SPEC section 7).</summary>
public sealed class CsvExportWriterTests
{
    private static readonly ExportRequest Csv = ExportHarness.Request(ExportFormat.Csv);

    [Fact]
    public void Write_MispsOwnJsonOfTheSameSearch_ByteForByteMispsOwnCsv()
    {
        // The same user's /events/restSearch as JSON and as CSV, captured on a real MISP 2.5.1.
        var json = FilterHarness.Capture("events_restSearch_json__orgC.json");
        var expected = Encoding.UTF8.GetString(FilterHarness.Capture("events_restSearch_csv__orgC.csv"));

        var csv = ExportHarness.Unfiltered(json, Csv, FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC)));

        Assert.Equal(expected, csv);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("cr\r\nlf", "\"cr\r\nlf\"")]
    [InlineData("", "\"\"")]
    [InlineData(null, "\"\"")]
    [InlineData("48213", "48213")]
    [InlineData("-1.5e3", "-1.5e3")]
    [InlineData(".5", ".5")]
    [InlineData("0x1A", "\"0x1A\"")]
    [InlineData("12\n", "\"12\n\"")]
    [InlineData(" 12", "\" 12\"")]
    [InlineData("1,000", "\"1,000\"")]
    public void Escape_Field_AsMispWritesItAndOneRowStaysOneRow(string? field, string expected)
    {
        Assert.Equal(expected, CsvExportWriter.Escape(field));
    }

    [Fact]
    public void Write_ValueWithQuotesCommasAndNewlines_OneQuotedFieldThatParsesBack()
    {
        var answer = RestSearch("""{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","event_id":"7","category":"Other","type":"text","value":"a \"b\", c\nd","comment":"x,y","to_ids":false,"timestamp":"1795342340","object_relation":null}""");

        var csv = ExportHarness.Unfiltered(answer, Csv, FilterHarness.Context(FilterHarness.Requester()));

        var row = csv.Split('\n', 2)[1];
        Assert.StartsWith("\"aaaaaaaa-0000-4000-8000-000000000001\",7,\"Other\",\"text\",\"a \"\"b\"\", c\nd\",\"x,y\",0,1795342340,\"\",\"\",\"\",\"\",\"\"\n", row, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Csv")]
    [InlineData("Text")]
    [InlineData("Stix2")]
    public void Write_ValueEscapedAsHalfASurrogatePair_EndsTheExportAsMalformed(string format)
    {
        // MISP itself cannot store such a text (PHP's json_decode refuses it); the export cannot write it either.
        var answer = RestSearch("""{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","event_id":"7","category":"Other","type":"text","value":"a\uD800b","comment":"","to_ids":true,"timestamp":"1795342340","object_relation":null}""");

        var exception = Assert.Throws<FilterException>(() => ExportHarness.Unfiltered(answer, ExportHarness.Request(Enum.Parse<ExportFormat>(format)), FilterHarness.Context(FilterHarness.Requester())));

        Assert.StartsWith("malformed JSON", exception.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Begin_Headerless_NoHeaderLine()
    {
        var answer = RestSearch("""{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","value":"x"}""");

        var csv = ExportHarness.Unfiltered(answer, Csv with { Headerless = true }, FilterHarness.Context(FilterHarness.Requester()));

        Assert.StartsWith("\"aaaaaaaa-0000-4000-8000-000000000001\",", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_RequestedColumns_OnlyThoseInThatOrderAbsentOnesEmpty()
    {
        var answer = RestSearch("""{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","value":"x","to_ids":true}""");

        var csv = ExportHarness.Unfiltered(answer, Csv with { Columns = ["value", "to_ids", "first_seen", "object_meta-category"] }, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal("value,to_ids,first_seen,object_meta_category\n\"x\",1,\"\",\"\"\n\n", csv);
    }

    [Theory]
    [InlineData("""{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","comment":"first","value":"x","comment":"last"}""")]
    [InlineData("""{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","comment":"first","v\u0061lue":"x","comment":"last"}""")]
    public void Write_NameWrittenTwiceOrEscaped_ReadAsALookUpReadsIt(string attribute)
    {
        // The last of a name written twice, as MISP's PHP reads it; an escaped name is the name it spells.
        var csv = ExportHarness.Unfiltered(RestSearch(attribute), Csv with { Columns = ["value", "comment"] }, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal("value,comment\n\"x\",\"last\"\n\n", csv);
    }

    [Fact]
    public void Write_EventWithHiddenSourceAndContextColumns_SourceColumnsNameTheForwarder()
    {
        // A TLP:CLEAR event of ORG_C, exported for a third party: its source is hidden (SPEC section 4).
        var answer = Encoding.UTF8.GetBytes($$$"""
            {"response":[{"Event":{"id":"4","uuid":"1bfc1897-0000-4000-8000-000000000004","info":"report","date":"2026-11-22","threat_level_id":"2","analysis":"1","timestamp":"1795342533","distribution":"3",
             "Org":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},
             "Attribute":[{"id":"1","uuid":"aaaaaaaa-0000-4000-8000-000000000001","event_id":"4","category":"Network activity","type":"ip-dst","value":"198.51.100.7","comment":"","to_ids":true,"timestamp":"1795342533","distribution":"5","object_relation":null}],
             "Object":[],"Tag":[{"name":"tlp:clear"}]}}]}
            """);
        var context = FilterHarness.Context(FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.Green, MemberRelation.ThirdParty, orgId: "99"));

        var csv = ExportHarness.Filtered(answer, context, Csv with { Columns = ["value", "event_info", "event_member_org", "event_source_org", "event_threat_level_id", "event_tag"] });

        Assert.Equal("value,event_info,event_member_org,event_source_org,event_threat_level_id,event_tag\n\"198.51.100.7\",\"report\",\"Hub\",\"Hub\",\"Medium\",\"tlp:clear\"\n\n", csv);
        Assert.DoesNotContain("ORG_C", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_AttributeRowWithInheritedTags_AttributeTagIsItsOwnOnly()
    {
        var answer = Encoding.UTF8.GetBytes("""
            {"response":{"Attribute":[{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","event_id":"4","value":"x",
              "Event":{"id":"4","uuid":"1bfc1897-0000-4000-8000-000000000004","info":"report","orgc_id":"3"},
              "Tag":[{"name":"tlp:green"},{"name":"tlp:clear","inherited":1}]}]}}
            """);

        var csv = ExportHarness.Unfiltered(answer, Csv with { Scope = RestSearchScope.Attribute, Columns = ["value", "attribute_tag", "event_info"] }, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal("value,attribute_tag,event_info\n\"x\",\"tlp:green\",\"report\"\n\n", csv);
    }

    [Fact]
    public void Write_EventAttributeTagMarkedInherited_AttributeTagListsItAsTheFilterJudgedIt()
    {
        // Only attribute rows carry their event's tags marked inherited: in an event a tag so marked is the attribute's own, which decided it.
        var answer = Encoding.UTF8.GetBytes($$$"""
            {"response":[{"Event":{"id":"4","uuid":"1bfc1897-0000-4000-8000-000000000004","distribution":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},
             "Attribute":[{"id":"1","uuid":"aaaaaaaa-0000-4000-8000-000000000001","value":"red.example","distribution":"5","Tag":[{"name":"tlp:red","inherited":true}]}],
             "Object":[],"Tag":[{"name":"tlp:green"}]}}]}
            """);
        var owner = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"));

        var csv = ExportHarness.Filtered(answer, owner, Csv with { Columns = ["value", "attribute_tag"] });

        Assert.Equal("value,attribute_tag\n\"red.example\",\"tlp:red\"\n\n", csv);
    }

    [Fact]
    public void Write_AttributeRowsWithContextForAThirdParty_ContextColumnsFromTheFilteredRowSourceHidden()
    {
        var context = FilterHarness.Context(FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.Green, MemberRelation.ThirdParty, orgId: "99"));

        var csv = ExportHarness.Filtered(Provenance.ProvenanceTests.AttributeRowWithContext("tlp:clear"), context, Csv with { Scope = RestSearchScope.Attribute, Columns = ["value", "event_info", "event_source_org", "event_threat_level_id", "event_tag"] });

        Assert.Equal("value,event_info,event_source_org,event_threat_level_id,event_tag\n\"198.51.100.7\",\"report\",\"Hub\",\"Medium\",\"tlp:clear\"\n\n", csv);
    }

    [Theory]
    [InlineData("""[{"score":0.00001,"decayed":false}]""", "1.0E-5", "0")]
    [InlineData("""[{"score":1e15,"decayed":false},{"score":2,"decayed":1}]""", "5.0E+14", "1")]
    [InlineData("""[{"score":73.48,"decayed":"1"},{"score":12.5,"decayed":false}]""", "42.99", "1")]
    [InlineData("[]", "0", "0")]
    public void Write_AttributeRowDecayScores_MeanAsPhpWritesAFloatDecayedAsArrayIntersectReadsIt(string scores, string score, string decayed)
    {
        // PHP writes a float with precision 14 and its own exponent form (1.0E-5, where .NET's G14 is 1E-05); array_intersect([true], ...) compares as strings.
        var answer = Encoding.UTF8.GetBytes($$$"""{"response":{"Attribute":[{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","value":"x","decay_score":{{{scores}}}}]}}""");

        var csv = ExportHarness.Unfiltered(answer, Csv with { Scope = RestSearchScope.Attribute, Columns = ["value", "decay_score_score", "decay_score_decayed"] }, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal($"value,decay_score_score,decay_score_decayed\n\"x\",{score},{decayed}\n\n", csv);
    }

    private static byte[] RestSearch(string attribute) => Encoding.UTF8.GetBytes($$$"""{"response":[{"Event":{"id":"7","uuid":"1bfc1897-0000-4000-8000-000000000007","Attribute":[{{{attribute}}}],"Object":[]}}]}""");
}
