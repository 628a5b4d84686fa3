using System.Net;
using System.Net.Sockets;
using System.Text;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Hostile;

/// <summary>Hostile requests: spellings MISP accepts, smuggling, oversized input. Nothing gets past the rules.</summary>
public sealed class RequestAttackTests : IAsyncLifetime
{
    private const string RedUuid = "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2";
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Theory]
    [InlineData("/events/view/8")]
    [InlineData("/Events/View/8")]
    [InlineData("/EVENTS/VIEW/8.json")]
    [InlineData("//events//view/8")]
    [InlineData("/events/%76iew/8")]
    [InlineData("/events/view/8/")]
    [InlineData("/events/view/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2")]
    [InlineData("/events/view/8/excludeLocalTags:1/includeEventCorrelations:0")]
    [InlineData("/events/view/8?excludeLocalTags=1")]
    public async Task View_RedEventAnySpelling_NeverReleased(string path)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        // Built by hand so that "//" stays a path, not a host.
        using var response = await client.GetAsync(new Uri(_servers.GatewayUrl.ToString().TrimEnd('/') + path));

        var body = await response.Content.ReadAsStringAsync();
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("\"uuid\": \"" + RedUuid, body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"uuid\":\"" + RedUuid, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContentLengthAndTransferEncoding_Conflict_SmuggledRequestNeverReachesMisp()
    {
        var raw = "POST /events/restSearch HTTP/1.1\r\nHost: gw\r\nAuthorization: " + SimulatorKeys.OrgD + "\r\n" +
                  "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" +
                  "0\r\n\r\nGET /events/view/8 HTTP/1.1\r\nHost: gw\r\nAuthorization: " + SimulatorKeys.OrgD + "\r\n\r\n";

        var answer = await SendRawAsync(raw, "127.0.0.2");

        // Kestrel lets Transfer-Encoding win and closes the connection, so the tail is never read as a request.
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(RedUuid, answer, StringComparison.Ordinal);
        // (The gateway's own look-ups of related events name them by UUID: the smuggled request asked for id 8.)
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.Split('?', '/')[1..] is ["events", "view", "8", ..]);
    }

    [Theory]
    [InlineData("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")]
    [InlineData("Connection: keep-alive, Upgrade\r\nUpgrade: tls/1.2\r\n")]
    public async Task ProtocolUpgrade_Refused400NeverAskedOfMisp(string upgrade)
    {
        // An upstream that switched protocols would leave YARP a raw tunnel, which no filter reads.
        var raw = "GET /events/view/4 HTTP/1.1\r\nHost: gw\r\nAuthorization: " + SimulatorKeys.OrgC + "\r\nAccept: application/json\r\n" + upgrade + "Connection: close\r\n\r\n";

        var answer = await SendRawAsync(raw, "127.0.0.1");

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("upgrade", answer, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.StartsWith("/events/view", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OversizedHeaders_Rejected431()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Padding", new string('a', 64 * 1024));

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Empty(_servers.Simulator.Requests);
    }

    [Fact]
    public async Task SessionCookieOfAnotherUser_NotForwarded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        client.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", "CAKEPHP=stolen-admin-session");

        using var response = await client.GetAsync("/events/view/8");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.All(_servers.Simulator.Requests, r => Assert.Null(r.Header("Cookie")));
    }

    [Fact]
    public async Task ForwardedHeaderSpoof_Ignored()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC, "127.0.0.9");
        client.DefaultRequestHeaders.TryAddWithoutValidation("Forwarded", "for=127.0.0.1");
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Real-IP", "127.0.0.1");

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task SlowClients_HoldingManyConnections_DoNotStopOthersBeingServed()
    {
        // Slowloris: many connections that send half a request and stall.
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, _servers.GatewayUrl.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes("GET /events/view/4 HTTP/1.1\r\nHost: gw\r\nX-Slow: "));
                sockets.Add(socket);
            }

            using var client = _servers.CreateClient(SimulatorKeys.OrgC);
            using var response = await client.GetAsync("/events/view/4");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Theory]
    [InlineData("post", "POST")]
    [InlineData("Post", "POST")]
    [InlineData("get", "GET")]
    [InlineData("head", "GET")]
    public async Task Method_NotInUpperCase_ForwardedAsTheMethodJudged(string sent, string forwarded)
    {
        // CakeRequest::is('post') compares REQUEST_METHOD with 'POST' exactly: MISP must see the method the gateway judged.
        var post = sent.Equals("post", StringComparison.OrdinalIgnoreCase);
        var body = post ? """{"eventid":"4"}""" : string.Empty;
        var raw = sent + (post ? " /events/restSearch" : " /events/view/4") + " HTTP/1.1\r\nHost: gw\r\nAuthorization: " + SimulatorKeys.OrgC + "\r\n" +
                  (post ? "Content-Type: application/json\r\nContent-Length: " + body.Length + "\r\n" : string.Empty) + "Connection: close\r\n\r\n" + body;

        var answer = await SendRawAsync(raw, "127.0.0.1");

        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.Equal(forwarded, _servers.Simulator.Requests.First(r => r.PathAndQuery.StartsWith("/events/", StringComparison.Ordinal)).Method);
    }

    private async Task<string> SendRawAsync(string raw, string source)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(IPAddress.Loopback, _servers.GatewayUrl.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(raw));
        using var received = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
