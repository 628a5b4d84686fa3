using TlpGateway.Requests;

namespace TlpGateway.Tests.Requests;

/// <summary>Where MISP takes a restSearch parameter from, in its order of precedence (<c>_harvestParameters</c>).</summary>
public sealed class MispRequestTests
{
    [Fact]
    public void SearchValue_NamedWinsOverBodyAndOrdered()
    {
        var model = RequestTestData.Model("POST", "/events/restSearch/json/excludeLocalTags:0", """{"excludeLocalTags":1}""")!;

        Assert.False(PhpValue.IsTruthy(model.SearchValue(RestSearchScope.Event, "excludeLocalTags")));
    }

    [Theory]
    [InlineData("/events/restSearch/foo:bar")]
    [InlineData("/events/restSearch/null/0/false/NULL/0.0")]
    [InlineData("/events/restSearch/Value:x/EXCLUDELOCALTAGS:0")]
    [InlineData("/attributes/restSearch/excludeLocalTags:0/null")]
    public void UrlFilters_NoneMispHarvests_False(string path)
    {
        // Named parameters outside the scope's paramArray (compared by exact name) and ordered ones PHP skips are no filter.
        var model = RequestTestData.Model("GET", path)!;

        Assert.False(model.HasUrlFilters());
    }

    [Theory]
    [InlineData("/events/restSearch/json")]
    [InlineData("/events/restSearch/null/198.51.100.7")]
    [InlineData("/events/restSearch/value:")]
    [InlineData("/events/restSearch/tags[]:tlp:red")]
    [InlineData("/attributes/restSearch/includeEventTags:1")]
    public void UrlFilters_OneMispHarvests_True(string path)
    {
        var model = RequestTestData.Model("GET", path)!;

        Assert.True(model.HasUrlFilters());
    }

    [Theory]
    [InlineData("POST", "/shadow_attributes/add/4", "?uuid=5f5f5f5f-0000-4000-8000-000000000001")]
    [InlineData("POST", "/shadow_attributes/accept/5", "?uuid[]=x")]
    [InlineData("POST", "/shadow_attributes/delete/5", "?%20uuid=x")]
    [InlineData("GET", "/shadow_attributes/view/5", "?UUID=x&uuid%00=y")]
    public void QueryReplacesPassedArguments_AnyQueryOnProposals_True(string method, string path, string query)
    {
        // ShadowAttributesController::beforeFilter makes the proposal a uuid query parameter names the passed id.
        var model = RequestTestData.Model(method, path, method == "POST" ? "{}" : null, query: query)!;

        Assert.True(model.QueryReplacesPassedArguments);
    }

    [Theory]
    [InlineData("/shadow_attributes/view/5", null)]
    [InlineData("/events/view/4", "?uuid=x")]
    public void QueryReplacesPassedArguments_NoQueryOrAnotherController_False(string path, string? query)
    {
        Assert.False(RequestTestData.Model("GET", path, query: query)!.QueryReplacesPassedArguments);
    }

    [Fact]
    public void AllSpellings_NamedKeyWrittenTwice_OneArrayAsMispReadsIt()
    {
        var model = RequestTestData.Model("GET", "/events/restSearch/eventid:4/extensionList:0/extensionList:0")!;

        Assert.Contains(model.AllSpellings("extensionList"), PhpValue.IsTruthy);
        Assert.True(PhpValue.IsTruthy(model.SearchValue(RestSearchScope.Event, "extensionList")));
    }

    [Fact]
    public void AsksMinimalIndex_NamedMinimalWrittenTwice_True()
    {
        Assert.True(RequestTestData.Model("GET", "/events/index/minimal:0/minimal:0")!.AsksMinimalIndex());
    }

    [Fact]
    public void SearchValue_RequestWrapper_UsedInsteadOfTopLevel()
    {
        var model = RequestTestData.Model("POST", "/events/restSearch", """{"excludeLocalTags":0,"request":{"excludeLocalTags":"1"}}""")!;

        Assert.True(PhpValue.IsTruthy(model.SearchValue(RestSearchScope.Event, "excludeLocalTags")));
    }

    [Fact]
    public void SearchValue_OrderedParameters_MapOntoParamArrayInOrder()
    {
        // returnFormat, value, type, category, org, tags, searchall, from, to, last, eventid, withAttachments, metadata, uuid, ...
        var model = RequestTestData.Model("GET", "/events/restSearch/json/198.51.100.7/ip-dst")!;

        Assert.Equal("json", (string?)model.SearchValue(RestSearchScope.Event, "returnFormat"));
        Assert.Equal("198.51.100.7", (string?)model.SearchValue(RestSearchScope.Event, "value"));
        Assert.Equal("ip-dst", (string?)model.SearchValue(RestSearchScope.Event, "type"));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("0")]
    [InlineData("false")]
    public void SearchValue_SkippedOrderedParameter_LeavesTheBodysValue(string skipped)
    {
        var model = RequestTestData.Model("POST", $"/events/restSearch/{skipped}", """{"returnFormat":"csv"}""")!;

        Assert.Equal("csv", (string?)model.SearchValue(RestSearchScope.Event, "returnFormat"));
    }

    [Theory]
    [InlineData("POST", "/events/restSearch", """{"excludeLocalTags":" 0\t"}""", false)]
    [InlineData("POST", "/events/restSearch", """{"excludeLocalTags":"\u00A00"}""", true)]
    [InlineData("GET", "/events/restSearch/excludeLocalTags:%C2%A00", null, true)]
    [InlineData("GET", "/events/restSearch/excludeLocalTags:%200%20", null, false)]
    public void SearchValue_Text_TrimmedAsPhpTrimsIt(string method, string path, string? body, bool truthy)
    {
        // _harvestParameters trims every text with PHP's trim: a no-break space is not one of its characters.
        var model = RequestTestData.Model(method, path, body)!;

        Assert.Equal(truthy, PhpValue.IsTruthy(model.SearchValue(RestSearchScope.Event, "excludeLocalTags")));
    }

    [Fact]
    public void SearchValue_BodyOfAPut_NotReadAsMispReadsPostBodiesOnly()
    {
        var model = RequestTestData.Model("PUT", "/events/restSearch", """{"excludeLocalTags":1}""")!;

        Assert.Null(model.SearchValue(RestSearchScope.Event, "excludeLocalTags"));
    }

    [Fact]
    public void OrderedValue_Sightings_FirstIsContextNotReturnFormat()
    {
        var model = RequestTestData.Model("POST", "/sightings/restSearch/event", """{"returnFormat":"json"}""")!;

        Assert.Equal("event", model.OrderedValue(RestSearchScope.Sighting, "context"));
        Assert.Null(model.OrderedValue(RestSearchScope.Sighting, "returnFormat"));
    }

    [Theory]
    [InlineData("/events/index", """{"minimal":1}""")]
    [InlineData("/events/index", """{"Minimal":"1"}""")]
    [InlineData("/events/index", """{"searchminimal":true}""")]
    [InlineData("/events/index", """{"searchMINIMAL":true}""")]
    [InlineData("/events/index", """{"request":{"MINIMAL":1}}""")]
    [InlineData("/events/index/minimal:1", null)]
    [InlineData("/events/index/searchminimal:1", null)]
    [InlineData("/events/index/minimal[]:0", null)]
    public void AsksMinimalIndex_EverySpellingTheIndexReads(string path, string? body)
    {
        Assert.True(RequestTestData.Model(body is null ? "GET" : "POST", path, body)!.AsksMinimalIndex());
    }

    [Theory]
    [InlineData("/events/index", """{"minimal":0}""")]
    [InlineData("/events/index", """{"minimal":"0"}""")]
    [InlineData("/events/index", """{"minimal":[]}""")]
    [InlineData("/events/index/minimal:0", null)]
    public void AsksMinimalIndex_FalsyValues_NotMinimal(string path, string? body)
    {
        Assert.False(RequestTestData.Model(body is null ? "GET" : "POST", path, body)!.AsksMinimalIndex());
    }
}
