using System.Text.Json.Nodes;
using TlpGateway.Requests;

namespace TlpGateway.Tests.Requests;

/// <summary>The forwarded request: rebuilt from the model, each parameter the filter relies on written once.</summary>
public sealed class CanonicalRequestTests
{
    private static readonly KeyValuePair<string, string>[] LocalTagsZero = [new("excludeLocalTags", "0")];

    [Fact]
    public void Path_OrderedSearchParameters_BecomeTheNamedOnesTheyStandFor()
    {
        var model = RequestTestData.Model("GET", "/events/restSearch/json/null/ip-dst")!;

        Assert.Equal("/events/restSearch/type:ip-dst/excludeLocalTags:0", CanonicalRequest.Path(model, LocalTagsZero));
    }

    [Fact]
    public void Path_ClientSpellingsOfControlledParameters_RemovedInAnyCase()
    {
        var model = RequestTestData.Model("GET", "/events/restSearch/excludeLocalTags:1/EXCLUDELOCALTAGS:1/returnFormat:json/tags:tlp%3Ared")!;

        Assert.Equal("/events/restSearch/tags:tlp:red/excludeLocalTags:0", CanonicalRequest.Path(model, LocalTagsZero));
    }

    [Fact]
    public void Path_MispSpellingOfControllerAndAction_ArrayNamedKept()
    {
        var report = RequestTestData.Model("GET", "/EventReports/VIEW/3")!;
        var view = RequestTestData.Model("GET", "/Events/VIEW/4/deleted[]:1")!;

        Assert.Equal("/event_reports/view/3", CanonicalRequest.Path(report, []));
        Assert.Equal("/events/view/4/deleted[]:1", CanonicalRequest.Path(view, []));
    }

    [Theory]
    [InlineData("GET", "/Events/View/4/attributesPage:2")]
    [InlineData("GET", "/events/VIEW/4/attributesPage:2/deleted:1")]
    [InlineData("GET", "/EVENTS/view/4/attributesPage%3A2")]
    [InlineData("GET", "/events/view/4/attributesPage:2")]
    [InlineData("GET", "/events/index/attributesPage:2")]
    [InlineData("GET", "/EventReports/View/3/attributesPage:1/x")]
    [InlineData("GET", "/sightings/listSightings/5/attribute/attributesPage:2")]
    [InlineData("GET", "/events/view/4/deleted[]:1/deleted[]:0/a+b:c+d")]
    [InlineData("GET", "/events/view/4/%C3%A9:%C3%A9/:empty/key:/x;y:1;2")]
    [InlineData("GET", "/events/view/4/deleted:a%2Fb/x.json/")]
    [InlineData("GET", "/attributes/view/5/a%20b")]
    public void Path_ReadBackAsMispReadsIt_SamePassedAndNamedAsJudged(string method, string path)
    {
        // MISP routes the forwarded path, not the client's: what the gateway judged must be what MISP reads there (the passed
        // arguments the action takes, the rest reaching no one).
        var model = RequestTestData.Model(method, path)!;

        var forwarded = MispRoute.Parse(CanonicalRequest.Path(model, [])!, method)!;

        Assert.Equal(model.Route.Passed.Take(model.Endpoint.PassedRead!.Value), forwarded.Passed);
        Assert.Equal(model.Route.Named.Where(p => model.Endpoint.Named.Forwards(p.Key)), forwarded.Named);
    }

    [Theory]
    [InlineData("/events/view/4/attributesPage:2/deleted:1", "/events/view/4/deleted:1")]
    [InlineData("/events/view/4/%C3%A9:%C3%A9/:empty/key:/x;y:1;2/toIDS:1", "/events/view/4/toIDS:1")]
    [InlineData("/events/view/4/viewAs:1/disable_background_processing:1", "/events/view/4")]
    [InlineData("/event_reports/view/3/deleted:1", "/event_reports/view/3")]
    public void Path_NamedParameterTheEndpointDoesNotForward_Removed(string path, string expected)
    {
        // Off the searches, only the named parameters the action reads and the gateway understands are forwarded.
        Assert.Equal(expected, CanonicalRequest.Path(RequestTestData.Model("GET", path)!, []));
    }

    [Fact]
    public void Path_LastSegmentWithADot_EndsWithSlashSoMispReadsNoExtension()
    {
        var model = RequestTestData.Model("GET", "/events/view/a.xml.json")!;

        Assert.Equal("/events/view/a.xml/", CanonicalRequest.Path(model, []));
    }

    [Theory]
    [InlineData("/events/view/%2541")]
    [InlineData("/analyst_data/view/Note/%2E%2E")]
    public void Path_SegmentThatCannotBeForwardedUnambiguously_Null(string path)
    {
        Assert.Null(CanonicalRequest.Path(RequestTestData.Model("GET", path)!, []));
    }

    [Fact]
    public void Path_ResourceRoute_ForwardedAsTheActionItStandsFor()
    {
        var model = RequestTestData.Model("DELETE", "/events/5")!;

        Assert.Equal("/events/delete/5", CanonicalRequest.Path(model, []));
    }

    [Fact]
    public void RemoveControlled_TopLevelAndRequestWrapper_AllSpellings()
    {
        var model = RequestTestData.Model("POST", "/events/index", """{"minimal":1,"searchMinimal":1,"request":{"MINIMAL":1,"published":1},"published":1}""")!;

        Assert.True(CanonicalRequest.RemoveControlled(model.Body.Root, model.Endpoint));

        Assert.Equal("""{"request":{"published":1},"published":1}""", model.Body.Root!.ToJsonString());
    }
}
