using System.Net;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;
using TlpGateway.Tests.Redis;

namespace TlpGateway.FunctionalTests.Redis;

/// <summary>Several gateway replicas sharing a real redis-server (SPEC section 9), and what happens when it goes away and comes back.</summary>
public sealed class SharedCacheTests : IDisposable
{
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    private void Shared(IDictionary<string, string?> settings)
    {
        settings["Gateway:Redis"] = _redis.Endpoint;

        // Short backoffs: these tests stop and start Redis and wait for the replicas to come back. A long
        // connect timeout: a replica starts connected to a Redis that is up, however loaded the machine.
        settings["Gateway:RedisOptions:ConnectTimeout"] = "00:00:10";
        settings["Gateway:RedisOptions:ReconnectBackoff"] = "00:00:00.050";
        settings["Gateway:RedisOptions:MaxReconnectBackoff"] = "00:00:01";
    }

    [Fact]
    public async Task TwoReplicas_SameKey_IdentityAskedOfMispOnce()
    {
        await using var servers = await TestServers.StartAsync(Shared);
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
        await using var servers = await TestServers.StartAsync(Shared);
        using var client = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        _redis.Stop();

        using var red = await client.GetAsync("/events/view/8");
        using var clear = await client.GetAsync("/events/view/4");
        using var ready = await servers.CreateClient().GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.NotFound, red.StatusCode);
        Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"redis\":\"failing\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Back by itself once Redis returns.
        _redis.Start();
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(servers.GatewayUrl, HttpStatusCode.OK));
    }

    [Fact]
    public async Task RedisDown_PublishedSuspensionStaysInForce_AndNothingMoreIsGranted()
    {
        await using var servers = await TestServers.StartAsync(Shared);
        await using var replica = await servers.StartReplicaAsync();
        using var suspended = servers.CreateClient(SimulatorKeys.OrgC);
        using var suspendedOnReplica = TestServers.CreateClient(replica, SimulatorKeys.OrgC);
        using var member = TestServers.CreateClient(replica, SimulatorKeys.OrgD, "127.0.0.2");
        Assert.Equal(0, Publish(servers, "suspend", "org-c", "--for", "2h"));
        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(suspended, HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(suspendedOnReplica, HttpStatusCode.Forbidden));

        _redis.Stop();

        // Past one periodic re-read of the states (every 5 s), which fails now: the last known states stay,
        // Redis away never lifts a suspension. The rest is judged as usual.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(HttpStatusCode.Forbidden, (await suspended.GetAsync("/servers/getVersion")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await suspendedOnReplica.GetAsync("/servers/getVersion")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/events/view/8")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/events/view/4")).StatusCode);
    }

    [Fact]
    public async Task RedisBack_KeyFirstResolvedOnOneReplicaAfterTheReturn_SharedWithTheOther()
    {
        await using var servers = await TestServers.StartAsync(Shared);
        await using var replica = await servers.StartReplicaAsync();
        using (var before = servers.CreateClient(SimulatorKeys.OrgC))
        {
            Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/servers/getVersion")).StatusCode);
        }

        _redis.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadinessAsync(TestServers.AddressOf(replica), HttpStatusCode.ServiceUnavailable));
        _redis.Start();
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(servers.GatewayUrl, HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(TestServers.AddressOf(replica), HttpStatusCode.OK));
        servers.Simulator.ClearRequests();

        // A key neither replica has seen: resolved in MISP by the first, read from Redis by the second.
        using var first = servers.CreateClient(SimulatorKeys.OrgDAnalyst, "127.0.0.2");
        using var second = TestServers.CreateClient(replica, SimulatorKeys.OrgDAnalyst, "127.0.0.2");
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/servers/getVersion")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/servers/getVersion")).StatusCode);

        Assert.Equal(1, servers.Simulator.CountRequests("/users/view/me"));
    }

    [Fact]
    public async Task RedisDownAtStart_ReplicasStartAndEnforce_ThenShareAndTakePublishedStatesOnceRedisStarts()
    {
        _redis.Stop();
        await using var servers = await TestServers.StartAsync(Shared);
        await using var replica = await servers.StartReplicaAsync();
        using var first = servers.CreateClient(SimulatorKeys.OrgC);
        using var second = TestServers.CreateClient(replica, SimulatorKeys.OrgC);
        using var member = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/events/view/8")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/servers/getVersion")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await servers.CreateClient().GetAsync("/readyz")).StatusCode);

        _redis.Start();
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(servers.GatewayUrl, HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(TestServers.AddressOf(replica), HttpStatusCode.OK));

        // Subscribed once Redis answered, though it was down when they subscribed.
        Assert.Equal(0, Publish(servers, "revoke", "org-c"));
        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(first, HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(second, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task PublishedSuspension_ReachesEveryReplicaWithinASecond_AndLaterReplicas()
    {
        await using var servers = await TestServers.StartAsync(Shared);
        await using var replica = await servers.StartReplicaAsync();
        using var first = servers.CreateClient(SimulatorKeys.OrgC);
        using var second = TestServers.CreateClient(replica, SimulatorKeys.OrgC);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/servers/getVersion")).StatusCode);

        Assert.Equal(0, Publish(servers, "suspend", "org-c", "--for", "2h"));

        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(first, HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(second, HttpStatusCode.Forbidden));

        await using var later = await servers.StartReplicaAsync();
        using var third = TestServers.CreateClient(later, SimulatorKeys.OrgC);
        Assert.Equal(HttpStatusCode.Forbidden, (await third.GetAsync("/servers/getVersion")).StatusCode);
    }

    [Fact]
    public async Task PublishedRemoval_RefusedByEveryReplicaBeforeItsFileChanges_UntilReinstatedOnceAddedAgain()
    {
        await using var servers = await TestServers.StartAsync(Shared);
        await using var replica = await servers.StartReplicaAsync();
        using var first = servers.CreateClient(SimulatorKeys.OrgC);
        using var second = TestServers.CreateClient(replica, SimulatorKeys.OrgC);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/servers/getVersion")).StatusCode);

        // The replicas' own file still holds org-c: only the published state can refuse it there.
        Assert.Equal(0, Publish(servers, "remove", "org-c"));

        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(first, HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(second, HttpStatusCode.Forbidden));

        // Added again (the replicas' file never lost it), it is admitted once reinstated.
        Assert.Equal(0, Publish(servers, "add", "org-c", "--org-uuid", "13c7e515-44c2-40dc-bc3e-0e7bcaf6d390", "--relation", "member", "--max-tlp", "amber", "--network", "127.0.0.1/32"));
        Assert.Equal(0, Publish(servers, "reinstate", "org-c"));
        Assert.Equal(HttpStatusCode.OK, await PollAsync(first, HttpStatusCode.OK));
    }

    [Fact]
    public async Task TwoReplicas_RateLimitCountedAcrossBoth()
    {
        await using var servers = await TestServers.StartAsync(c =>
        {
            Shared(c);
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

    /// <summary>The maintainer edits their own copy of the file and publishes; the replicas learn it through Redis alone.</summary>
    private int Publish(TestServers servers, params string[] command)
    {
        var copy = Path.Combine(servers.Directory, "maintainer-copy.json");
        if (!File.Exists(copy))
        {
            File.Copy(servers.MembersFile, copy);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] publishing = command[0] == "add" ? [] : ["--publish-redis", _redis.Endpoint];
        return TlpGateway.Members.MembersCommand.Run(["--file", copy, .. publishing, .. command], output, error, TimeProvider.System);
    }

    /// <summary>
    /// Polls for at most about two seconds: the replicas also re-read the published states every five,
    /// so passing within two shows the message reached them, not the periodic read.
    /// </summary>
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

    /// <summary>Polls <c>/readyz</c> for up to 20 s (reconnects back off; the machine is shared) until it answers <paramref name="wanted"/>.</summary>
    private static async Task<HttpStatusCode> ReadinessAsync(Uri gateway, HttpStatusCode wanted)
    {
        using var client = TestServers.CreateClient(gateway);
        var status = (HttpStatusCode)0;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (status != wanted && DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("/readyz");
            status = response.StatusCode;
            if (status != wanted)
            {
                await Task.Delay(100);
            }
        }

        return status;
    }
}
