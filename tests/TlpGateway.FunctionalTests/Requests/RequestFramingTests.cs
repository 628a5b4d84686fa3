using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Requests;

/// <summary>
/// How a request's body is framed and labelled, through the real gateway: an HTTP/2 body without a
/// Content-Length, the content types PHP and CakePHP read otherwise than a plain reading would. Each test
/// asserts what the simulator (MISP) received.
/// </summary>
public sealed class RequestFramingTests : IAsyncLifetime
{
    private TestServers _servers = null!;

    // HTTP/2 in cleartext (prior knowledge), as a client speaks it to a gateway serving TLS with ALPN.
    public async Task InitializeAsync() => _servers = await TestServers.StartAsync(gatewayBuilder: builder =>
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2)));

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private RecordedRequest? Forwarded(string pathPrefix) =>
        _servers.Simulator.Requests.LastOrDefault(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));

    private HttpClient Http2Client(string key, string source = "127.0.0.1")
    {
        var client = _servers.CreateClient(key, source);
        client.DefaultRequestVersion = HttpVersion.Version20;
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return client;
    }

    /// <summary>A body whose length is not known in advance: HTTP/2 sends it in DATA frames, with no Content-Length.</summary>
    private static StreamContent Unsized(string json)
    {
        var content = new StreamContent(new UnsizedStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");
        return content;
    }

    [Fact]
    public async Task AddAttributes_Http2BodyWithoutContentLength_JudgedLikeAnyBody()
    {
        using var client = Http2Client(SimulatorKeys.OrgC);
        var loose = new JsonArray([.. Enumerable.Range(1, 60).Select(i => (JsonNode)new JsonObject { ["type"] = "ip-dst", ["value"] = $"203.0.113.{i}" })]);

        using var response = await client.PostAsync("/attributes/add/4", Unsized(loose.ToJsonString()));

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("objects", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(Forwarded("/attributes/add"));
    }

    [Fact]
    public async Task ViewEvent_Http2BodyWithoutContentLength_ExtendedViewRefused()
    {
        using var client = Http2Client(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/events/view/4", Unsized("""{"extended":1}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Forwarded("/events/view"));
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded, application/json")]
    [InlineData("application/x-www-form-urlencoded application/json")]
    [InlineData("Application/X-WWW-Form-Urlencoded,text/plain")]
    public async Task AddSignedEvent_JsonUnderAContentTypePhpReadsAsAForm_ReadAsTheFormNothingForwarded(string contentType)
    {
        // PHP cuts the media type at ';', ',' or ' ': MISP would parse these bytes as a form, whose data[...]
        // fields make another event than the signed JSON (forwarded byte for byte) the gateway would judge.
        using var client = Http2Client(SimulatorKeys.OrgC);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"Event":{"info":"signed&data[Event][info]=smuggled&data[Event][Orgc][uuid]=ORGD&z=","protected":true,"Tag":[{"name":"tlp:green"}]}}""".Replace("ORGD", SimulatorOrgs.OrgD, StringComparison.Ordinal)));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await client.PostAsync("/events/add", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(Forwarded("/events/add"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json, text/plain")]
    [InlineData("Application/JSON")]
    public async Task AddSignedEvent_JsonUnderAContentTypeCakePhpDoesNotDecode_ForwardedLabelledAsTheJsonItWasJudgedAs(string contentType)
    {
        using var client = Http2Client(SimulatorKeys.OrgC);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"Event":{"info":"signed","protected":true,"Tag":[{"name":"tlp:green"}]}}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await client.PostAsync("/events/add", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", Forwarded("/events/add")!.Header("Content-Type"));
    }

    /// <summary>A stream that cannot tell its length, so HttpClient sends no Content-Length.</summary>
    private sealed class UnsizedStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
    }
}
