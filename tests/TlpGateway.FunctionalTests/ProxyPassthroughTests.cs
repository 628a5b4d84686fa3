using System.Net;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests;

public sealed class ProxyPassthroughTests
{
    [Fact]
    public async Task Gateway_UpstreamAnswers_RelaysStatusAndBody()
    {
        await using var servers = await TestServers.StartAsync();
        using var direct = TestServers.CreateClient(servers.SimulatorUrl);
        direct.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorKeys.OrgC);
        using var client = servers.CreateClient(SimulatorKeys.OrgC);

        var expected = await direct.GetByteArrayAsync("/servers/getVersion");
        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Gateway_UpstreamDropsProxiedRequest_Answers502WithReason()
    {
        await using var servers = await TestServers.StartAsync();
        servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/servers/getVersion", StringComparison.Ordinal) ? new RawResponse(200, null, []) { AbortConnection = true } : null;
        using var client = servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("MISP is unreachable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_UpstreamDown_Answers503AndForwardsNothing()
    {
        using var closed = TlpGateway.Tests.Shared.TestPorts.Closed();
        await using var servers = await TestServers.StartAsync(c =>
        {
            c["Gateway:Upstream"] = $"http://127.0.0.1:{closed.Port}/";
            c["Gateway:Lookup:MaxRetries"] = "0";
        });
        using var client = servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("cannot confirm your identity", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_UpstreamSlowerThanTimeout_Answers504()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:UpstreamTimeout"] = "00:00:00.500");
        servers.Simulator.Faults.ResponseDelay = TimeSpan.FromSeconds(10);
        servers.Simulator.Faults.DelayWhen = r => r.PathAndQuery.StartsWith("/servers/getVersion", StringComparison.Ordinal);
        using var client = servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("timeout", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
