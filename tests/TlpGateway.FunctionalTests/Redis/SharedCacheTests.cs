using System.Net;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;
using TlpGateway.Tests.Redis;

namespace TlpGateway.FunctionalTests.Redis;

/// <summary>Several gateway replicas sharing a real redis-server (SPEC section 9).</summary>
public sealed class SharedCacheTests : IDisposable
{
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task TwoReplicas_SameKey_IdentityAskedOfMispOnce()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Redis"] = _redis.Endpoint);
        await using var replica = await servers.StartReplicaAsync();
        using var first = servers.CreateClient(SimulatorKeys.OrgC);
        using var second = TestServers.CreateClient(replica, SimulatorKeys.OrgC);

        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/servers/getVersion")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/servers/getVersion")).StatusCode);

        Assert.Equal(1, servers.Simulator.CountRequests("/users/view/me"));
    }

    [Fact]
    public async Task RedisDown_GatewayStillEnforcesThroughMisp_AndReadinessSaysSo()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Redis"] = _redis.Endpoint);
        using var client = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        _redis.Stop();

        using var red = await client.GetAsync("/events/view/8");
        using var clear = await client.GetAsync("/events/view/4");
        using var ready = await servers.CreateClient().GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.NotFound, red.StatusCode);
        Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"redis\":\"failing\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Back by itself once Redis returns (after the client's reconnect backoff).
        _redis.Start();
        var status = HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 50 && status != HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            using var recovered = await servers.CreateClient().GetAsync("/readyz");
            status = recovered.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task PublishedSuspension_ReachesEveryReplicaWithinASecond_AndLaterReplicas()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Redis"] = _redis.Endpoint);
        await using var replica = await servers.StartReplicaAsync();
        using var first = servers.CreateClient(SimulatorKeys.OrgC);
        using var second = TestServers.CreateClient(replica, SimulatorKeys.OrgC);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/servers/getVersion")).StatusCode);

        // The maintainer edits their own copy of the file; the replicas learn it through Redis alone.
        var copy = Path.Combine(servers.Directory, "maintainer-copy.json");
        File.Copy(servers.MembersFile, copy);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = TlpGateway.Members.MembersCommand.Run(["--file", copy, "--publish-redis", _redis.Endpoint, "suspend", "org-c", "--for", "2h"], output, error, TimeProvider.System);
        Assert.Equal(0, code);

        // Polled for two seconds at most: the replicas read published states every half second.
        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(first, HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(second, HttpStatusCode.Forbidden));

        await using var later = await servers.StartReplicaAsync();
        using var third = TestServers.CreateClient(later, SimulatorKeys.OrgC);
        Assert.Equal(HttpStatusCode.Forbidden, (await third.GetAsync("/servers/getVersion")).StatusCode);
    }

    [Fact]
    public async Task TwoReplicas_RateLimitCountedAcrossBoth()
    {
        await using var servers = await TestServers.StartAsync(c =>
        {
            c["Gateway:Redis"] = _redis.Endpoint;
            c["Gateway:Admission:RateLimitPermits"] = "3";
            c["Gateway:Admission:RateLimitWindow"] = "00:01:00";
        });
        await using var replica = await servers.StartReplicaAsync();
        using var first = servers.CreateClient(SimulatorKeys.OrgC);
        using var second = TestServers.CreateClient(replica, SimulatorKeys.OrgC);

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { first, second, first, second })
        {
            using var response = await client.GetAsync("/servers/getVersion");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    private static async Task<HttpStatusCode> PollAsync(HttpClient client, HttpStatusCode wanted)
    {
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 40 && status != wanted; i++)
        {
            using var response = await client.GetAsync("/servers/getVersion");
            status = response.StatusCode;
            if (status != wanted)
            {
                await Task.Delay(50);
            }
        }

        return status;
    }
}
