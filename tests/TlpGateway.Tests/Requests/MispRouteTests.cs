using TlpGateway.Requests;

namespace TlpGateway.Tests.Requests;

/// <summary>The route as CakePHP 2's router reads MISP's paths (Config/routes.php, Router, CakeRoute).</summary>
public sealed class MispRouteTests
{
    [Theory]
    [InlineData("/events/view/4", "GET", "events", "view", "4")]
    [InlineData("/events/view/4.json", "GET", "events", "view", "4")]
    [InlineData("/EVENTS/VIEW/4", "GET", "EVENTS", "VIEW", "4")]
    [InlineData("/events/view/4/", "GET", "events", "view", "4")]
    [InlineData("/events/view//4", "GET", "events", "view", "4")]
    [InlineData("/events/5", "GET", "events", "view", "5")]
    [InlineData("/events/5", "POST", "events", "edit", "5")]
    [InlineData("/events/5", "PUT", "events", "edit", "5")]
    [InlineData("/events/5", "DELETE", "events", "delete", "5")]
    [InlineData("/attributes/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2", "DELETE", "attributes", "delete", "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2")]
    [InlineData("/events", "POST", "events", "add", null)]
    [InlineData("/events", "GET", "events", "index", null)]
    [InlineData("/", "GET", "events", "index", null)]
    [InlineData("/event_reports/view/3", "GET", "event_reports", "view", "3")]
    [InlineData("/ev%65nts/view/4", "GET", "events", "view", "4")]
    [InlineData("/events%2Fview%2F4", "GET", "events", "view", "4")]
    public void Parse_MispPaths_ControllerActionAndPassedAsMispRoutesThem(string path, string method, string controller, string action, string? passed)
    {
        var route = MispRoute.Parse(path, method)!;

        Assert.Equal(controller, route.Controller);
        Assert.Equal(action, route.Action);
        Assert.Equal(passed is null ? [] : [passed], route.Passed);
    }

    [Theory]
    [InlineData("event_reports")]
    [InlineData("eventReports")]
    [InlineData("EventReports")]
    [InlineData("event__reports")]
    [InlineData("_event_reports")]
    public void ControllerKey_AnySpellingMispDispatches_SameKey(string controller)
    {
        Assert.Equal("eventreports", MispRoute.Parse($"/{controller}/view/1", "GET")!.ControllerKey);
    }

    [Fact]
    public void Parse_ResourceRouteIsCaseSensitive_UppercaseFallsToTheDefaultRoute()
    {
        // /Events/5 is not the REST resource: MISP routes it to the action "5".
        Assert.Equal("5", MispRoute.Parse("/Events/5", "GET")!.Action);
    }

    [Fact]
    public void Parse_NamedParameters_KeyValueArrayFormsAndSemicolons()
    {
        var route = MispRoute.Parse("/events/view/4/deleted[]:0/deleted[]:1/excludeLocalTags:1/value:a;b", "GET")!;

        Assert.Equal(["4"], route.Passed);
        Assert.Equal(["deleted", "deleted", "excludeLocalTags", "value"], route.Named.Select(n => n.Key));
        Assert.True(route.Named[0].IsArray);
        Assert.Equal("deleted[]", route.Named[0].RawKey);
        Assert.Equal("a:b", route.NamedValue("value")!.MispValue);
    }

    [Theory]
    [InlineData("/events/view/4/extended:0/extended:0")]
    [InlineData("/events/view/4/extended:/extended[]:0")]
    public void NamedValue_KeyWrittenTwice_AnArrayAsCakePhpMergesIt(string path)
    {
        // CakeRoute::_parseArgs merges named parameters with array_merge_recursive: ['0', '0'] is not empty.
        var named = MispRoute.Parse(path, "GET")!.NamedValue("extended")!;

        Assert.True(named.IsArray);
        Assert.True(named.IsTruthy);
    }

    [Theory]
    [InlineData("excludeLocalTags%3A1")]
    [InlineData("excludeLocalTags:1")]
    [InlineData("excludeLocalTags%3a1")]
    public void Parse_EncodedColon_IsANamedParameterAsMispDecodesBeforeSplitting(string segment)
    {
        var route = MispRoute.Parse("/events/view/4/" + segment, "GET")!;

        Assert.True(route.NamedValue("excludeLocalTags")!.IsTruthy);
    }

    [Theory]
    [InlineData("/events/view/4.xml", "xml")]
    [InlineData("/events/view/4.XML", "xml")]
    [InlineData("/events/restSearch.csv", "csv")]
    [InlineData("/events/view/4.json", "json")]
    [InlineData("/events/view/4.txt", null)]
    [InlineData("/events/view/198.51.100.7", null)]
    public void Parse_Extension_OnlyThoseMispParses(string path, string? extension)
    {
        Assert.Equal(extension, MispRoute.Parse(path, "GET")!.Extension);
    }

    [Fact]
    public void Parse_UppercaseExtension_MispCutsThePathAtALowercaseSearch_EventsIndex()
    {
        // strpos($url, '.json') fails for ".JSON": CakePHP routes what remains (nothing) to events/index.
        var route = MispRoute.Parse("/events/view/8.JSON", "GET")!;

        Assert.Equal(("events", "index"), (route.Controller, route.Action));
    }

    [Fact]
    public void Parse_ExtensionCutAtItsFirstOccurrence()
    {
        var route = MispRoute.Parse("/events/view/a.json.json", "GET")!;

        Assert.Equal(["a"], route.Passed);
    }

    [Fact]
    public void Parse_AttributesPageNamedOnlyOnEventsView()
    {
        Assert.Empty(MispRoute.Parse("/events/view/4/attributesPage:2", "GET")!.Passed.Skip(1));
        Assert.Equal(["attributesPage:2"], MispRoute.Parse("/events/restSearch/attributesPage:2", "GET")!.Passed);
    }

    [Theory]
    [InlineData("//events/view/4")]
    [InlineData("/events//view/4")]
    [InlineData("/events/view/%ff")]
    public void Parse_PathNoMispRouteReads_Null(string path)
    {
        Assert.Null(MispRoute.Parse(path, "GET"));
    }

    [Fact]
    public void Parse_PlusInPath_IsASpaceAsPhpUrldecodeReadsIt()
    {
        Assert.Equal(["a b"], MispRoute.Parse("/events/view/a+b", "GET")!.Passed);
    }
}
