using Microsoft.AspNetCore.Http;
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
}
