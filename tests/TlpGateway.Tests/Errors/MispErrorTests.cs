using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TlpGateway;
using TlpGateway.Errors;

namespace TlpGateway.Tests.Errors;

public sealed class MispErrorTests
{
    [Fact]
    public async Task WriteInvalidEvent_AnyPath_WritesMispsOwnBytes()
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/events/view/999999";
        using var body = new MemoryStream();
        context.Response.Body = body;

        await MispError.WriteInvalidEventAsync(context);

        // The exact bytes real MISP 2.5.1 answers for a missing event (error_events_view_999999__orgC.json).
        var expected = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", "error_events_view_999999__orgC.json"));
        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("application/json; charset=UTF-8", context.Response.ContentType);
        Assert.Equal(expected, body.ToArray());
    }

    [Theory]
    [InlineData("/events/view/8/x:a&b'c", "\\/events\\/view\\/8\\/x:a&amp;b&#039;c")]
    [InlineData("/events/view/8/deleted[]:0", "\\/events\\/view\\/8\\/deleted%5B%5D:0")]
    [InlineData("/events/view/8", "\\/events\\/view\\/8")]
    public void Body_PathAsMispReceivedIt_UrlAsCakePhpWritesIt(string path, string url)
    {
        // ExceptionRenderer::error400: 'url' => h($this->controller->request->here()), json_encode'd.
        var context = new DefaultHttpContext();
        context.Request.Path = path;

        var body = System.Text.Encoding.UTF8.GetString(MispError.Body(context, "Invalid event", "Invalid event"));

        Assert.Equal("{\"name\":\"Invalid event\",\"message\":\"Invalid event\",\"url\":\"" + url + "\"}", body);
    }

    [Theory]
    [InlineData("https://misp.example/misp", "\\/misp\\/events\\/view\\/8")]
    [InlineData("https://misp.example/misp/", "\\/misp\\/events\\/view\\/8")]
    [InlineData("https://misp.example/", "\\/events\\/view\\/8")]
    public void Body_MispUnderAPath_UrlStartsWithItsBaseAsMispsOwn(string upstream, string url)
    {
        // A withheld event's 404 must read as MISP's own for a missing one, which names MISP's base path.
        var services = new ServiceCollection().AddSingleton(Options.Create(new GatewayOptions { Upstream = new Uri(upstream) })).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = "/events/view/8";

        var body = System.Text.Encoding.UTF8.GetString(MispError.Body(context, "Invalid event", "Invalid event"));

        Assert.Equal("{\"name\":\"Invalid event\",\"message\":\"Invalid event\",\"url\":\"" + url + "\"}", body);
    }
}
