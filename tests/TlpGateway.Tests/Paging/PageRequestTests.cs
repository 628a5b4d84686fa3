using TlpGateway.Paging;
using TlpGateway.Tests.Requests;

namespace TlpGateway.Tests.Paging;

/// <summary><c>limit</c> and <c>page</c> read where MISP 2.5.1 reads them, and as it reads them (docs/behaviour.md, section 3).</summary>
public sealed class PageRequestTests
{
    [Theory]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":10,"page":3}""", 20L, 10)]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":"10","page":" 3 "}""", 20L, 10)]
    [InlineData("POST", "/events/restSearch", """{"request":{"value":"x","limit":5}}""", 0L, 5)]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":5,"page":0}""", 0L, 5)]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":5,"page":""}""", 0L, 5)]
    [InlineData("GET", "/events/restSearch/limit:2/page:4/eventid:4", null, 6L, 2)]
    [InlineData("POST", "/attributes/restSearch/limit:2", """{"value":"x","limit":7,"page":2}""", 2L, 2)]
    [InlineData("GET", "/attributes/restSearch/json/x/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/4/3", null, 8L, 4)]
    [InlineData("POST", "/sightings/restSearch", """{"returnFormat":"json","limit":3}""", 0L, 3)]
    [InlineData("POST", "/galaxy_clusters/restSearch", """{"limit":3,"page":2}""", 3L, 3)]
    [InlineData("POST", "/events/index/limit:4/page:9", """{"limit":5,"page":2}""", 5L, 5)]
    [InlineData("POST", "/events/index", """{"request":{"limit":5,"page":3}}""", 10L, 5)]
    [InlineData("GET", "/events/index/limit:4/page:2/sort:timestamp", null, 4L, 4)]
    [InlineData("GET", "/shadow_attributes/index/all:1/limit:5/page:2", null, 5L, 5)]
    [InlineData("GET", "/analyst_data/index/Note/limit:5", null, 0L, 5)]
    public void Read_PageWhereMispReadsIt_CountedOverReleasedRecords(string method, string path, string? body, long skip, int take)
    {
        var (page, problem) = PageRequest.Read(RequestTestData.Model(method, path, body)!);

        Assert.Null(problem);
        Assert.Equal(new ReleasePage(skip, take), page);
    }

    [Theory]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","page":3}""")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":0,"page":3}""")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":"","page":3}""")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":null}""")]
    [InlineData("GET", "/events/index/sort:timestamp", null)]
    public void Read_NoLimit_EveryRecord(string method, string path, string? body)
    {
        var (page, problem) = PageRequest.Read(RequestTestData.Model(method, path, body)!);

        Assert.Null(problem);
        Assert.Null(page);
    }

    [Theory]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":-1}""", "limit")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":"10abc"}""", "limit")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":1.5}""", "limit")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":"1e3"}""", "limit")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":[5]}""", "limit")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":true}""", "limit")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":"9999999999"}""", "limit")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","limit":5,"page":"2;"}""", "page")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","Limit":"x"}""", "limit")]
    [InlineData("POST", "/events/restSearch", """{"returnFormat":"json","request":{"limit":"x"},"value":"y"}""", "limit")]
    [InlineData("GET", "/events/restSearch/limit:5/page[]:2/eventid:4", null, "page")]
    [InlineData("GET", "/events/index/limit:-5", null, "limit")]
    [InlineData("GET", "/shadow_attributes/index/all:1/page:first", null, "page")]
    public void Read_NotAWholeNumberInAnySpelling_Problem(string method, string path, string? body, string named)
    {
        var (page, problem) = PageRequest.Read(RequestTestData.Model(method, path, body)!);

        Assert.Null(page);
        Assert.NotNull(problem);
        Assert.StartsWith($"'{named}' must be a whole number", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotAWholeNumberOnlyInTheQuery_Problem()
    {
        var (_, problem) = PageRequest.Read(RequestTestData.Model("GET", "/events/index/limit:5", query: "?page=x")!);

        Assert.NotNull(problem);
    }
}
