using System.Text;
using Microsoft.AspNetCore.Http.Features;
using TlpGateway.Ingress;

namespace TlpGateway.Tests.Ingress;

/// <summary>A request body is read whole wherever the server's framing says one follows.</summary>
public sealed class RequestBodyTests
{
    private static DefaultHttpContext Request(string body, bool canHaveBody)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(canHaveBody));
        return context;
    }

    [Fact]
    public async Task ReadAsync_BodyWithoutContentLengthOrTransferEncoding_ReadAndMadeTheForwardedBody()
    {
        // HTTP/2 and HTTP/3 frame a body without either header.
        var context = Request("""{"extended":1}""", canHaveBody: true);

        var (bytes, refusal) = await RequestBody.ReadAsync(context.Request, 1024, CancellationToken.None);

        Assert.Null(refusal);
        Assert.Equal("""{"extended":1}""", Encoding.UTF8.GetString(bytes!));
        Assert.Equal(bytes!.Length, context.Request.ContentLength);
    }

    [Fact]
    public async Task ReadAsync_ServerSaysNoBodyFollows_NothingRead()
    {
        var context = Request(string.Empty, canHaveBody: false);

        var (bytes, refusal) = await RequestBody.ReadAsync(context.Request, 1024, CancellationToken.None);

        Assert.Null(bytes);
        Assert.Null(refusal);
    }

    [Fact]
    public async Task ReadAsync_NoBodyFollowsButACodingIsSaid_CodingNotLeftOnTheForwardedRequest()
    {
        // Found by the request fuzzer: a GET saying Content-Encoding: gzip kept the header on the request it forwarded.
        var context = Request(string.Empty, canHaveBody: false);
        context.Request.Headers.ContentEncoding = "gzip";

        var (bytes, refusal) = await RequestBody.ReadAsync(context.Request, 1024, CancellationToken.None);

        Assert.Null(bytes);
        Assert.Null(refusal);
        Assert.False(context.Request.Headers.ContainsKey("Content-Encoding"));
    }

    [Fact]
    public async Task ReadAsync_BodyWithoutLengthBeyondTheBound_Refused413()
    {
        var context = Request(new string(' ', 2048), canHaveBody: true);

        var (_, refusal) = await RequestBody.ReadAsync(context.Request, 1024, CancellationToken.None);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, refusal!.Value.Status);
    }

    [Fact]
    public void ReplaceWithJson_BodyNestedAsDeepAsTheGatewayReadsIt_ForwardedAsRead()
    {
        // The serializer's own bound (64) was below the reading's: such a body ended as a 500.
        var depth = TlpGateway.Requests.MispBody.MaxDepth;
        var json = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        var (body, problem) = TlpGateway.Requests.MispBody.Parse("application/json", Encoding.UTF8.GetBytes(json));
        var context = Request(string.Empty, canHaveBody: true);

        RequestBody.ReplaceWithJson(context.Request, body!.Root!);

        Assert.Null(problem);
        Assert.Equal(json, new StreamReader(context.Request.Body).ReadToEnd());
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody { get; } = canHaveBody;
    }
}
