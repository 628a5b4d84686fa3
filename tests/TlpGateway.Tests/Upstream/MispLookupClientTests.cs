using TlpGateway.Upstream;

namespace TlpGateway.Tests.Upstream;

public sealed class MispLookupClientTests
{
    [Theory]
    [InlineData("https://misp.test", "/users/view/me.json", "https://misp.test/users/view/me.json")]
    [InlineData("https://misp.test/", "/users/view/me.json", "https://misp.test/users/view/me.json")]
    [InlineData("https://hub.test/misp", "/users/view/me.json", "https://hub.test/misp/users/view/me.json")]
    [InlineData("https://hub.test/misp/", "/events/restSearch", "https://hub.test/misp/events/restSearch")]
    [InlineData("https://hub.test/misp", "/analyst_data/view/Note/a%2Fb", "https://hub.test/misp/analyst_data/view/Note/a%2Fb")]
    [InlineData("https://hub.test/misp", "/events/view/tags:x", "https://hub.test/misp/events/view/tags:x")]
    public void UriFor_UnderMispsBaseUrl_ItsPathKept(string baseAddress, string path, string expected)
    {
        // YARP forwards to the base URL's path and what follows: the gateway's own look-ups must ask the same MISP.
        Assert.Equal(expected, MispLookupClient.UriFor(new Uri(baseAddress), path).AbsoluteUri);
    }
}
