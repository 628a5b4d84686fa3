using System.Net;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Telemetry;

/// <summary><c>/metrics</c>: off unless configured, then served like <c>/healthz</c> to loopback and <c>Gateway:HealthNetworks</c> only, and never proxied to MISP.</summary>
public sealed class PrometheusEndpointTests
{
    private static void On(IDictionary<string, string?> settings) => settings["Gateway:Metrics:Prometheus"] = "true";

    [Fact]
    public async Task Metrics_NotConfigured_404AndNeverProxied()
    {
        await using var servers = await TestServers.StartAsync();
        using var local = servers.CreateClient();

        using var response = await local.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, servers.Simulator.CountRequests("/metrics"));
    }

    [Fact]
    public async Task Metrics_Configured_LoopbackReadsGatewayAndStandardInstruments()
    {
        await using var servers = await TestServers.StartAsync(On);
        using (var member = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2"))
        {
            (await member.GetAsync("/events/view/8")).Dispose();
        }

        using var local = servers.CreateClient();
        using var response = await local.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("tlpgateway_admission_decisions_total{", text, StringComparison.Ordinal);
        Assert.Contains("tlpgateway_filter_units_total{", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("http_client_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Equal(0, servers.Simulator.CountRequests("/metrics"));

        // Metrics carry member ids and reasons, never keys.
        Assert.DoesNotContain(SimulatorKeys.OrgD, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_Configured_OtherAddress404UnlessInHealthNetworks_NeverProxied()
    {
        await using var servers = await TestServers.StartAsync(c =>
        {
            On(c);
            c["Gateway:HealthNetworks:0"] = "127.0.0.8/32";
        });
        using var outsider = servers.CreateClient(IPAddress.Parse("127.0.0.9"));
        using var monitoring = servers.CreateClient(IPAddress.Parse("127.0.0.8"));

        using var refused = await outsider.GetAsync("/metrics");
        using var served = await monitoring.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(0, servers.Simulator.CountRequests("/metrics"));
    }
}
