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
        using var closed = TlpGateway.Tests.Shared.TestPorts.Closed();
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Upstream"] = $"http://127.0.0.1:{closed.Port}/");
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

    [Fact]
    public async Task Readyz_MembersFileRefused_StaleButStillReady()
    {
        await using var servers = await TestServers.StartAsync();
        using var client = servers.CreateClient();
        var temporary = servers.MembersFile + ".new";
        await File.WriteAllTextAsync(temporary, "{ \"community\": ");
        File.Move(temporary, servers.MembersFile, overwrite: true);

        string body = string.Empty;
        HttpStatusCode status = default;
        for (var i = 0; i < 100 && !body.Contains("stale", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            using var response = await client.GetAsync("/readyz");
            (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"members\":\"stale\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthProbe_MispDown_Exit1NamingTheFailingCheck()
    {
        using var closed = TlpGateway.Tests.Shared.TestPorts.Closed();
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Upstream"] = $"http://127.0.0.1:{closed.Port}/");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await TlpGateway.Health.HealthEndpoints.ProbeAsync(servers.GatewayUrl.ToString(), output, error);

        Assert.Equal(1, code);
        Assert.Contains("\"misp\":\"failing\"", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("answered 503: misp failing", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthProbe_Ready_Exit0()
    {
        await using var servers = await TestServers.StartAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await TlpGateway.Health.HealthEndpoints.ProbeAsync(servers.GatewayUrl.ToString(), output, error);

        Assert.Equal(0, code);
        Assert.Contains("\"status\":200", output.ToString(), StringComparison.Ordinal);
    }
}
