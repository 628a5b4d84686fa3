using TlpGateway.Requests;
using TlpGateway.Upstream;

namespace TlpGateway.Tests.Upstream;

/// <summary>The address MISP is asked for decodes, under PHP's <c>urldecode</c>, to the path the gateway judged.</summary>
public sealed class MispRequestUriTests
{
    [Theory]
    [InlineData("/tags/attachTagToObject/4/internal+use")]
    [InlineData("/attributes/restSearch/value:a+b/returnFormat:json")]
    [InlineData("/events/view/4/a b/é")]
    [InlineData("/events/index")]
    public void For_AnyPath_PhpsUrldecodeReadsItBackAsJudged(string path)
    {
        var uri = MispRequestUri.For("https://misp.example.org/misp/", new PathString(path), QueryString.Empty);

        Assert.True(MispRoute.TryUrlDecode(uri.AbsolutePath, out var decoded));
        Assert.Equal("/misp" + path, decoded);
    }

    [Fact]
    public void For_PlusInThePath_WrittenPercent2BQueryKept()
    {
        var uri = MispRequestUri.For("http://127.0.0.1:8081", new PathString("/tags/attachTagToObject/4/a+b"), QueryString.Create("x", "1+2"));

        Assert.Equal("/tags/attachTagToObject/4/a%2Bb?x=1%2B2", uri.PathAndQuery);
    }
}
