using System.Net;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests;

public sealed class ProxyPassthroughTests
{
    [Fact]
    public async Task Gateway_UpstreamAnswers_RelaysStatusAndBody()
    {
        await using var servers = await TestServers.StartAsync();
        using var direct = TestServers.CreateClient(servers.SimulatorUrl);
        using var client = servers.CreateClient();

        var expected = await direct.GetByteArrayAsync("/servers/getVersion");
        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Gateway_UpstreamDown_Answers502WithReason()
    {
        var closedPort = FreeLoopbackPort();
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Upstream"] = $"http://127.0.0.1:{closedPort}/");
        using var client = servers.CreateClient();

        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("MISP is unreachable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_UpstreamSlowerThanTimeout_Answers504()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:UpstreamTimeout"] = "00:00:00.500");
        servers.Simulator.Faults.ResponseDelay = TimeSpan.FromSeconds(10);
        using var client = servers.CreateClient();

        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("timeout", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
