using System.Net;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Upstream;

/// <summary>The look-ups' resilience handler (<c>Gateway:Lookup</c>): retries what is transient, times each attempt, and stops asking a MISP that keeps failing; what it gives up on is a 503.</summary>
public sealed class MispLookupResilienceTests
{
    private static bool IsIdentityLookup(RecordedRequest request) => request.PathAndQuery.StartsWith("/users/view/me", StringComparison.Ordinal);

    [Theory]
    [InlineData("misp")]
    [InlineData("misp/")]
    public async Task Lookup_UpstreamWithABasePath_AskedUnderItAsProxiedRequestsAre(string basePath)
    {
        // MISP served under https://hub/misp: asking https://hub/users/view/me.json would be another application's answer.
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Upstream"] = c["Gateway:Upstream"]!.TrimEnd('/') + "/" + basePath);
        using var client = servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/servers/getVersion");

        Assert.NotEmpty(servers.Simulator.Requests);
        Assert.All(servers.Simulator.Requests, r => Assert.StartsWith("/misp/", r.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lookup_OneTransientFailure_RetriedAndAdmitted()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Lookup:RetryDelay"] = "00:00:00.010");
        var failed = 0;
        servers.Simulator.Faults.Override = r => IsIdentityLookup(r) && Interlocked.Exchange(ref failed, 1) == 0 ? new RawResponse(503, "text/html", "busy"u8.ToArray()) : null;
        using var client = servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, servers.Simulator.CountRequests("/users/view/me"));
    }

    [Fact]
    public async Task Lookup_MispSlowerThanAttemptTimeout_Answers503()
    {
        await using var servers = await TestServers.StartAsync(c =>
        {
            c["Gateway:Lookup:AttemptTimeout"] = "00:00:00.300";
            c["Gateway:Lookup:MaxRetries"] = "1";
            c["Gateway:Lookup:RetryDelay"] = "00:00:00.010";
        });
        servers.Simulator.Faults.ResponseDelay = TimeSpan.FromSeconds(10);
        servers.Simulator.Faults.DelayWhen = IsIdentityLookup;
        using var client = servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("cannot confirm your identity", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, servers.Simulator.CountRequests("/users/view/me"));
        Assert.Equal(0, servers.Simulator.CountRequests("/servers/getVersion"));
    }

    [Fact]
    public async Task Lookup_MispKeepsFailing_CircuitOpens503WithoutAskingMisp()
    {
        await using var servers = await TestServers.StartAsync(c =>
        {
            c["Gateway:Lookup:MaxRetries"] = "0";
            c["Gateway:Lookup:BreakDuration"] = "00:01:00";
        });
        servers.Simulator.Faults.Override = r => IsIdentityLookup(r) ? new RawResponse(500, "application/json", "{}"u8.ToArray()) : null;
        using var client = servers.CreateClient(SimulatorKeys.OrgC);

        // The breaker judges at least five look-ups: five failures open it.
        for (var i = 0; i < 5; i++)
        {
            using var failing = await client.GetAsync("/servers/getVersion");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        }

        var asked = servers.Simulator.CountRequests("/users/view/me");
        servers.Simulator.Faults.Override = null;
        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(5, asked);
        Assert.Equal(asked, servers.Simulator.CountRequests("/users/view/me"));
    }
}
