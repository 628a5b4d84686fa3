using System.Net;
using TlpGateway.Upstream;

namespace TlpGateway.Tests.Upstream;

public sealed class AnswerHeadersTests
{
    [Theory]
    [InlineData("Set-Cookie", "CAKEPHP=abc; path=/")]
    [InlineData("Server", "nginx/1.22.1")]
    [InlineData("X-Powered-By", "PHP/8.2")]
    [InlineData("ETag", "\"b0e058cd\"")]
    [InlineData("X-Result-Count", "13")]
    [InlineData("X-Skipped-Elements-Count", "2")]
    [InlineData("Content-Range", "bytes 0-10/99999")]
    [InlineData("Content-Location", "https://misp.internal/events/view/8")]
    [InlineData("Link", "<https://misp.internal/events/index/page:2>; rel=next")]
    [InlineData("Refresh", "0; url=https://misp.internal/")]
    [InlineData("X-Username", "user@org-d.test/API/3")]
    [InlineData("X-Any-Header-Misp-Adds", "x")]
    public void Copy_HeaderAboutMispOrItsUnfilteredAnswer_NotCopied(string name, string value)
    {
        using var answer = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        Assert.True(answer.Headers.TryAddWithoutValidation(name, value) || answer.Content.Headers.TryAddWithoutValidation(name, value));
        var to = new HeaderDictionary();

        AnswerHeaders.Copy(answer, to);

        Assert.Empty(to);
    }

    [Theory]
    [InlineData("Content-Length", "17380")]
    [InlineData("Content-Type", "text/html; charset=UTF-8")]
    [InlineData("Last-Modified", "Sun, 22 Nov 2026 10:16:01 GMT")]
    [InlineData("Content-Disposition", "attachment; filename=\"misp.event.list.csv\"")]
    [InlineData("Content-MD5", "Q2hlY2sgSW50ZWdyaXR5IQ==")]
    public void Copy_ContentHeaderOfMispsAnswer_NotCopied(string name, string value)
    {
        using var answer = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        Assert.True(answer.Content.Headers.TryAddWithoutValidation(name, value));
        var to = new HeaderDictionary();

        AnswerHeaders.Copy(answer, to);

        Assert.Empty(to);
    }

    [Theory]
    [InlineData("Location", "/events/8")]
    [InlineData("x-pgp-signature", "c2lnbmF0dXJl")]
    [InlineData("X-PGP-Signature", "c2lnbmF0dXJl")]
    [InlineData("Retry-After", "30")]
    [InlineData("X-Auth-Key-Expiration", "2027-01-01T00:00:00+00:00")]
    [InlineData("X-Rate-Limit-Remaining", "99")]
    [InlineData("X-Deprecation-Warning", "Deprecated parameter")]
    public void Copy_HeaderTheGatewayUnderstands_Copied(string name, string value)
    {
        using var answer = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        Assert.True(answer.Headers.TryAddWithoutValidation(name, value));
        var to = new HeaderDictionary();

        AnswerHeaders.Copy(answer, to);

        Assert.Equal(value, to[name].ToString());
    }

    [Fact]
    public void Copy_ContentEncoding_CopiedForTheFilterToDecode()
    {
        using var answer = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        answer.Content.Headers.ContentEncoding.Add("gzip");
        var to = new HeaderDictionary();

        AnswerHeaders.Copy(answer, to);

        Assert.Equal("gzip", to["Content-Encoding"].ToString());
    }
}
