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
        using var second = TestServers.CreateClient(TestServers.AddressOf(replica), IPAddress.Loopback);
        second.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorKeys.OrgC);

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
}
