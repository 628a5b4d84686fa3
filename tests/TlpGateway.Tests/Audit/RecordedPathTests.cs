using TlpGateway.Audit;

namespace TlpGateway.Tests.Audit;

/// <summary>What the audit trail and the spans record of a path: the endpoint and the parameters' names, never a searched value or a key.</summary>
public sealed class RecordedPathTests
{
    [Theory]
    [InlineData("/events/view/8")]
    [InlineData("/events/view/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2")]
    [InlineData("/events/view/8.json")]
    [InlineData("/events/restSearch.json")]
    [InlineData("/shadow_attributes/add/12")]
    [InlineData("/event-reports/index")]
    [InlineData("//events///view")]
    [InlineData("/")]
    [InlineData("")]
    public void Of_NothingSearched_PathAsItIs(string path)
    {
        Assert.Same(path, RecordedPath.Of(path));
    }

    [Theory]
    [InlineData("/attributes/restSearch/value:evil.example/type:domain", "/attributes/restSearch/value:*/type:*")]
    [InlineData("/events/restSearch/apikey:abcdefabcdefabcdefabcdefabcdefabcdefabcd", "/events/restSearch/apikey:*")]
    [InlineData("/events/restSearch/json/evil.example", "/events/restSearch/*/*")]
    [InlineData("/events/index/searchall:secret/page:2", "/events/index/searchall:*/page:*")]
    [InlineData("/events/edit/evil", "/events/edit/*")]
    [InlineData("/events/value:a:b", "/events/value:*")]
    [InlineData("/events/restSearch/deleted[]:0", "/events/restSearch/deleted[]:*")]
    [InlineData("/events/restSearch/va lue:x", "/events/restSearch/*")]
    [InlineData("/tags/search/tlp:red", "/tags/search/tlp:*")]
    [InlineData("/users/view/me", "/users/view/*")]
    [InlineData("/evil.example.com", "/*")]
    [InlineData("/events/evil.example", "/events/*")]
    [InlineData("/198.51.100.7/view", "/*/view")]
    [InlineData("/events/view/12345678901234567890123", "/events/view/*")]
    [InlineData("/events/view/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2x", "/events/view/*")]
    [InlineData("/events/view/+a5a8fbf-71a6-47b5-b84b-52e55399c2d2", "/events/view/*")]
    [InlineData("/events/view/9a5a8fbf-0x16-47b5-b84b-52e55399c2d2", "/events/view/*")]
    [InlineData("/attributes/restSearch/json/4111111111111111", "/attributes/restSearch/*/*")]
    [InlineData("/attributes/RESTSEARCH.json/json/null/null/null/4", "/attributes/RESTSEARCH.json/*/*/*/*/*")]
    [InlineData("/events/restSearch/json/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2", "/events/restSearch/*/*")]
    [InlineData("//events//restSearch//490154203237518/value:1", "//events//restSearch//*/value:*")]
    public void Of_SearchedValuesOrKeys_Masked(string path, string recorded)
    {
        Assert.Equal(recorded, RecordedPath.Of(path));
    }
}
