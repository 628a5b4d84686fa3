using TlpGateway.Requests;

namespace TlpGateway.Tests.Requests;

/// <summary>Only JSON is served: every place MISP reads a format (SPEC section 7).</summary>
public sealed class RequestedFormatTests
{
    [Theory]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"xml"}""")]
    [InlineData("POST", "/events/restSearch", """{"request":{"returnFormat":"xml"}}""")]
    [InlineData("POST", "/events/restSearch", """{"ReturnFormat":"xml"}""")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":["json","xml"]}""")]
    [InlineData("GET", "/events/restSearch/returnFormat:xml", null)]
    [InlineData("GET", "/events/restSearch/RETURNFORMAT:suricata", null)]
    [InlineData("GET", "/events/restSearch/openioc/x", null)]
    [InlineData("GET", "/attributes/restSearch/snort/x", null)]
    [InlineData("GET", "/sightings/restSearch/event/xml", null)]
    [InlineData("GET", "/events/view/4.xml", null)]
    [InlineData("GET", "/events/index.csv", null)]
    [InlineData("GET", "/events/restSearch/returnFormat:json||xml", null)]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"CSV"}""")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"STIX2"}""")]
    [InlineData("GET", "/events/restSearch/returnFormat:Text", null)]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"csv\u00A0"}""")]
    public void Of_NonJsonAnywhereMispReadsAFormat_NotJson(string method, string path, string? body)
    {
        var (format, export) = RequestedFormat.Of(RequestTestData.Model(method, path, body)!, "application/json");

        Assert.NotNull(format);
        Assert.False(export);
    }

    [Theory]
    [InlineData("/events/restSearch", """{"returnFormat":"csv"}""", "csv")]
    [InlineData("/events/restSearch", """{"returnFormat":" stix2 "}""", "stix2")]
    [InlineData("/attributes/restSearch", """{"returnFormat":"text"}""", "text")]
    public void Of_ExportOnTheSearches_RecognisedAsExport(string path, string body, string expected)
    {
        var (format, export) = RequestedFormat.Of(RequestTestData.Model("POST", path, body)!, null);

        Assert.Equal(expected, format);
        Assert.True(export);
    }

    [Theory]
    [InlineData("/events/restSearch/returnFormat:csv", null)]
    [InlineData("/events/restSearch/csv", null)]
    [InlineData("/events/restSearch", """{"request":{"returnFormat":"csv"}}""")]
    [InlineData("/events/restSearch/returnFormat:csv", """{"returnFormat":"csv"}""")]
    [InlineData("/events/restSearch/returnFormat:csv", """{"returnFormat":"json"}""")]
    public void Of_ExportWhereMispReadsIt_RecognisedAsExport(string path, string? body)
    {
        var (format, export) = RequestedFormat.Of(RequestTestData.Model("POST", path, body ?? "{}")!, "application/json");

        Assert.Equal("csv", format);
        Assert.True(export);
    }

    [Theory]
    [InlineData("/events/restSearch/returnFormat:json", """{"returnFormat":"csv"}""", null)]
    [InlineData("/events/restSearch/returnFormat:stix2", """{"returnFormat":"csv"}""", null)]
    [InlineData("/events/restSearch", """{"ReturnFormat":"csv"}""", null)]
    [InlineData("/events/restSearch", "{}", "returnFormat=csv")]
    public void Of_ExportMispWouldReadOtherwise_NotAnExport(string path, string body, string? query)
    {
        var (format, export) = RequestedFormat.Of(RequestTestData.Model("POST", path, body, query: query)!, "application/json");

        Assert.NotNull(format);
        Assert.False(export);
    }

    [Fact]
    public void Of_CsvOnSightings_NotAnExportTheGatewayRenders()
    {
        var (format, export) = RequestedFormat.Of(RequestTestData.Model("POST", "/sightings/restSearch", """{"returnFormat":"csv"}""")!, null);

        Assert.Equal("csv", format);
        Assert.False(export);
    }

    [Theory]
    [InlineData("POST", "/sightings/restSearch/event", """{"returnFormat":"json"}""")]
    [InlineData("GET", "/events/restSearch/json/null/ip-dst", null)]
    [InlineData("GET", "/events/restSearch/null/x", null)]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":""}""")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"JSON"}""")]
    [InlineData("GET", "/events/view/4.json", null)]
    public void Of_Json_Null(string method, string path, string? body)
    {
        Assert.Null(RequestedFormat.Of(RequestTestData.Model(method, path, body)!, "*/*").Format);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("*/*", true)]
    [InlineData("application/json", true)]
    [InlineData("application/*", true)]
    [InlineData("text/html, application/json;q=0.5", true)]
    [InlineData("text/html", false)]
    [InlineData("application/xml", false)]
    [InlineData("text/csv", false)]
    [InlineData("application/json;q=0", false)]
    public void AcceptsJson_AcceptHeader(string? accept, bool json)
    {
        Assert.Equal(json, RequestedFormat.AcceptsJson(accept));
    }
}
