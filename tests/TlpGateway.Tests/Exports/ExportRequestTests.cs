using TlpGateway.Exports;
using TlpGateway.Tests.Requests;

namespace TlpGateway.Tests.Exports;

/// <summary>What an export asks, read as MISP's export tools read the restSearch filters.</summary>
public sealed class ExportRequestTests
{
    [Theory]
    [InlineData("/events/restSearch", "{}", "to_ids:1,published:1")]
    [InlineData("/events/restSearch", """{"to_ids":0}""", "published:1")]
    [InlineData("/events/restSearch", """{"to_ids":null,"published":false}""", "to_ids:1")]
    [InlineData("/events/restSearch/published:0", """{"request":{"to_ids":[0,1]}}""", "")]
    [InlineData("/attributes/restSearch/text/null/null/null/null/null/null/null/null/null/null/null/null/null/null/1", "{}", "to_ids:1")]
    [InlineData("/attributes/restSearch/text/null/null/null/null/null/null/null/null/null/null/null/null/null/null/0", "{}", "to_ids:1,published:1")]
    [InlineData("/attributes/restSearch/text/null/null/null/null/null/null/null/null/null/null/null/null/null/null/false", "{}", "to_ids:1,published:1")]
    [InlineData("/events/restSearch/to_ids:0", "{}", "published:1")]
    [InlineData("/events/restSearch/to_ids:", "{}", "published:1")]
    public void DefaultFilters_Text_ToIdsAndPublishedUnlessTheRequestSetsThem(string path, string body, string expected)
    {
        var model = RequestTestData.Model("POST", path, body)!;
        var (export, _) = ExportRequest.Read(model, ExportFormat.Text);

        Assert.Equal(expected, string.Join(',', export!.DefaultFilters(model).Select(p => p.Key + ":" + p.Value)));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("stix2")]
    public void DefaultFilters_EveryExport_ToIdsAndPublishedUnlessSet(string format)
    {
        // The community's rule for every export, where MISP itself adds them to text only.
        var model = RequestTestData.Model("POST", "/events/restSearch", "{}")!;
        var set = RequestTestData.Model("POST", "/events/restSearch", """{"to_ids":0}""")!;

        Assert.Equal("to_ids:1,published:1", string.Join(',', ExportRequest.Read(model, ExportFormats.Parse(format)!.Value).Export!.DefaultFilters(model).Select(p => p.Key + ":" + p.Value)));
        Assert.Equal("published:1", string.Join(',', ExportRequest.Read(set, ExportFormats.Parse(format)!.Value).Export!.DefaultFilters(set).Select(p => p.Key + ":" + p.Value)));
    }

    [Theory]
    [InlineData("/attributes/restSearch", """{"requested_attributes":["value","event_source_org"]}""", "to_ids:1,published:1,includeContext:1")]
    [InlineData("/attributes/restSearch", """{"requested_attributes":"value||event_date","to_ids":0}""", "published:1,includeContext:1")]
    [InlineData("/attributes/restSearch", """{"requested_attributes":["value","event_date"],"includeContext":0}""", "to_ids:1,published:1")]
    [InlineData("/attributes/restSearch", """{"requested_attributes":["value","event_id"]}""", "to_ids:1,published:1")]
    [InlineData("/events/restSearch", """{"requested_attributes":["value","event_source_org"]}""", "to_ids:1,published:1")]
    public void DefaultFilters_CsvOfAttributeRowsNamingEventColumns_TheEventContainedUnlessSet(string path, string body, string expected)
    {
        // CsvExport::modify_params contains the whole event with every attribute; an event's own attributes have it already.
        var model = RequestTestData.Model("POST", path, body)!;

        Assert.Equal(expected, string.Join(',', ExportRequest.Read(model, ExportFormat.Csv).Export!.DefaultFilters(model).Select(p => p.Key + ":" + p.Value)));
    }

    [Theory]
    [InlineData("""{"requested_attributes":["value","uuid"]}""", "value,uuid")]
    [InlineData("""{"requested_attributes":"value||uuid"}""", "value,uuid")]
    [InlineData("""{"requested_attributes":" value || uuid "}""", "value , uuid")]
    [InlineData("""{"requested_attributes":[" value","uuid "]}""", " value,uuid ")]
    [InlineData("""{"requested_attributes":["value"],"includeContext":1}""", "value,event_info,event_member_org,event_source_org,event_distribution,event_threat_level_id,event_analysis,event_date,event_tag,event_timestamp")]
    [InlineData("{}", "uuid,event_id,category,type,value,comment,to_ids,timestamp,object_relation,attribute_tag,object_uuid,object_name,object_meta-category")]
    public void Read_CsvColumns_AsCsvExportBuildsThem(string body, string expected)
    {
        var (export, problem) = ExportRequest.Read(RequestTestData.Model("POST", "/events/restSearch", body)!, ExportFormat.Csv);

        Assert.Null(problem);
        Assert.Equal(expected, string.Join(',', export!.Columns));
    }

    [Theory]
    [InlineData("""{"includeDecayScore":1}""")]
    [InlineData("""{"excludeDecayed":1}""")]
    [InlineData("""{"request":{"excludeDecayed":"false"}}""")]
    public void Read_AttributeCsvWithDecayScoreOrExcludeDecayed_DecayColumnsBeforeTheObjectColumns(string body)
    {
        // MispAttribute::restSearch sets includeDecayScore for excludeDecayed before CsvExport::modify_params reads it.
        var (export, _) = ExportRequest.Read(RequestTestData.Model("POST", "/attributes/restSearch", body)!, ExportFormat.Csv);

        Assert.Equal(["attribute_tag", "decay_score_score", "decay_score_decayed", "object_uuid"], export!.Columns.Skip(9).Take(4));
    }

    [Theory]
    [InlineData("""{"requested_attributes":"value||"}""", "none empty")]
    [InlineData("""{"requested_attributes":"value||||uuid"}""", "none empty")]
    [InlineData("""{"requested_attributes":["value",false]}""", "none empty")]
    [InlineData("""{"requested_attributes":[]}""", "no field")]
    public void Read_RequestedAttributesEmptyNameOrNoColumn_Problem(string body, string expected)
    {
        // An empty name names no field; no column at all would make every row a blank line.
        var (export, problem) = ExportRequest.Read(RequestTestData.Model("POST", "/events/restSearch", body)!, ExportFormat.Csv);

        Assert.Null(export);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoRequestedColumnButContext_ContextColumns()
    {
        var (export, _) = ExportRequest.Read(RequestTestData.Model("POST", "/events/restSearch", """{"requested_attributes":[],"includeContext":1}""")!, ExportFormat.Csv);

        Assert.Equal("event_info", export!.Columns[0]);
        Assert.Equal(9, export.Columns.Count);
    }

    [Theory]
    [InlineData("""{"requested_attributes":"value"}""")]
    [InlineData("""{"requested_attributes":{"a":"value"}}""")]
    [InlineData("""{"requested_attributes":[["value"]]}""")]
    public void Read_RequestedAttributesCsvExportCannotIterate_Problem(string body)
    {
        var (export, problem) = ExportRequest.Read(RequestTestData.Model("POST", "/events/restSearch", body)!, ExportFormat.Csv);

        Assert.Null(export);
        Assert.Contains("requested_attributes", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"requested_attributes":["value","uuid,event_id"]}""")]
    [InlineData("""{"requested_attributes":"value||uu\"id"}""")]
    [InlineData("""{"requested_attributes":["value\nuuid"]}""")]
    [InlineData("""{"requested_attributes":["value\r"]}""")]
    [InlineData("""{"requested_attributes":["value\u2028"]}""")]
    public void Read_RequestedAttributeHoldingACommaQuoteOrLineBreak_Problem(string body)
    {
        // CsvExport writes the names into the header as they are: "uuid,event_id" would be two header fields over one column.
        var (export, problem) = ExportRequest.Read(RequestTestData.Model("POST", "/events/restSearch", body)!, ExportFormat.Csv);

        Assert.Null(export);
        Assert.Contains("comma, a quote or a line break", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/events/restSearch", "{}", "csv", "misp.event.list.csv")]
    [InlineData("/events/restSearch", """{"eventid":"12"}""", "text", "misp.event.12.text")]
    [InlineData("/events/restSearch", """{"eventid":"4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa"}""", "stix2", "misp.event.4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa.json")]
    [InlineData("/events/restSearch", """{"eventid":["1","2"]}""", "csv", "misp.event.list.csv")]
    [InlineData("/attributes/restSearch", "{}", "csv", null)]
    public void Read_FileName_AsMispNamesTheDownload(string path, string body, string format, string? expected)
    {
        Assert.Equal(expected, ExportRequest.Read(RequestTestData.Model("POST", path, body)!, ExportFormats.Parse(format)!.Value).Export!.FileName);
    }
}
