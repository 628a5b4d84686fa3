using System.Net.Http.Headers;
using TlpGateway.Upstream;

namespace TlpGateway.Tests.Upstream;

public sealed class ForwardedRequestHeadersTests
{
    [Fact]
    public void KeepUnderstood_RequestAndContentHeaders_OnlyTheUnderstoodRemain()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://misp/events/add") { Content = new ByteArrayContent("{}"u8.ToArray()) };
        request.Headers.TryAddWithoutValidation("Authorization", "key");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", "MISP 2.5.1");
        request.Headers.TryAddWithoutValidation("x-pgp-signature", "c2ln");
        request.Headers.TryAddWithoutValidation("If.None.Match", "\"x\"");
        request.Headers.TryAddWithoutValidation("X-Remote-User", "admin@hub.test");
        request.Headers.TryAddWithoutValidation("X_MISP_AUTH", "other");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentLength = 2;
        request.Content.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
        request.Content.Headers.TryAddWithoutValidation("Content-Language", "en");

        ForwardedRequestHeaders.KeepUnderstood(request);

        Assert.Equal(["Accept", "Authorization", "User-Agent", "x-pgp-signature"], request.Headers.NonValidated.Select(h => h.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["Content-Length", "Content-Type"], request.Content.Headers.NonValidated.Select(h => h.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("authorization", true)]
    [InlineData("MISP-Version", true)]
    [InlineData("X-MISP-AUTH", false)]
    [InlineData("Cookie", false)]
    [InlineData("X-Forwarded-For", false)]
    [InlineData("Accept-Encoding", false)]
    [InlineData("If-None-Match", false)]
    public void IsForwarded_HeaderNames(string name, bool forwarded)
    {
        Assert.Equal(forwarded, ForwardedRequestHeaders.IsForwarded(name));
    }
}
