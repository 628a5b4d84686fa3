using System.Net;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Health;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_FromLoopback_AliveAndNeverProxied()
    {
        await using var servers = await TestServers.StartAsync();
        using var client = servers.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("alive", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(servers.Simulator.Requests, r => r.PathAndQuery.Contains("healthz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readyz_AllChecksPass_ReadyWithoutMemberDetails()
    {
        await using var servers = await TestServers.StartAsync();
        using var client = servers.CreateClient();

        using var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"members\":\"ok\"", body, StringComparison.Ordinal);
        Assert.Contains("\"misp\":\"ok\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("org-c", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_MispDown_NotReady()
    {
        var port = TlpGateway.Tests.Shared.TestPorts.Free();
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Upstream"] = $"http://127.0.0.1:{port}/");
        using var client = servers.CreateClient();

        using var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("\"misp\":\"failing\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_FromOutsideHealthNetworks_NotFound()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:HealthNetworks:0"] = "127.0.0.6/32");
        using var outsider = servers.CreateClient(IPAddress.Parse("127.0.0.5"));
        using var monitor = servers.CreateClient(IPAddress.Parse("127.0.0.6"));

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await monitor.GetAsync("/healthz")).StatusCode);
    }
}
