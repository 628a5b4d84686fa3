using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;
using TlpGateway.Admission;
using TlpGateway.Members;
using TlpGateway.Redis;

namespace TlpGateway.Tests.Redis;

/// <summary>What replicas share through a real redis-server: the caches, the rate-limit window and the published member states.</summary>
public sealed class RedisSharedStateTests : IDisposable
{
    private readonly RedisServer _server = new();

    public void Dispose() => _server.Dispose();

    private static MemberEntry Member(string id) => new()
    {
        Id = id,
        Name = id,
        OrgUuid = "5c7e4b3c-0a1b-4c2d-8e3f-123456789abc",
        Networks = [],
        Relation = MemberRelation.Member,
        MaxTlp = TlpGateway.Tlp.TlpLevel.Amber,
    };

    [Fact]
    public async Task DistributedCache_ValueSetOnOneReplica_ReadOnAnotherUntilItExpires()
    {
        await using var first = RedisTestServices.Build(_server.Endpoint);
        await using var second = RedisTestServices.Build(_server.Endpoint);
        var writer = first.GetRequiredService<IDistributedCache>();
        var reader = second.GetRequiredService<IDistributedCache>();

        // Generous windows: the suite shares two cores with other servers.
        await writer.SetAsync("identity:abc", [1, 2, 3], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(2) });
        Assert.Equal([1, 2, 3], await reader.GetAsync("identity:abc"));
        await Task.Delay(3500);

        Assert.Null(await reader.GetAsync("identity:abc"));
    }

    [Fact]
    public async Task DistributedCache_KeyPrefix_SeparatesGatewaysSharingOneRedis()
    {
        await using var ours = RedisTestServices.Build(_server.Endpoint);
        await using var theirs = RedisTestServices.Build(_server.Endpoint, c => c["Gateway:RedisOptions:KeyPrefix"] = "other:");

        await ours.GetRequiredService<IDistributedCache>().SetAsync("identity:k", [7], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });

        Assert.Null(await theirs.GetRequiredService<IDistributedCache>().GetAsync("identity:k"));
        Assert.True(await ours.GetRequiredService<IConnectionMultiplexer>().GetDatabase().KeyExistsAsync("tlpgw:identity:k"));
    }

    [Fact]
    public async Task DistributedCache_Operations_TimedByOperationAndResult()
    {
        await using var services = RedisTestServices.Build(_server.Endpoint);
        using var durations = new MetricCollector<double>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "tlpgateway.redis.duration");
        using var failures = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "tlpgateway.redis.failures");
        var cache = services.GetRequiredService<IDistributedCache>();

        await cache.SetAsync("identity:t", [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
        await cache.GetAsync("identity:t");
        _server.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => cache.GetAsync("identity:t"));

        var recorded = durations.GetMeasurementSnapshot();
        Assert.Contains(recorded, m => (string?)m.Tags["tlpgateway.operation"] == "cache.set" && (string?)m.Tags["tlpgateway.result"] == "ok");
        Assert.Contains(recorded, m => (string?)m.Tags["tlpgateway.operation"] == "cache.get" && (string?)m.Tags["tlpgateway.result"] == "ok");
        Assert.Contains(recorded, m => (string?)m.Tags["tlpgateway.operation"] == "cache.get" && (string?)m.Tags["tlpgateway.result"] == "failed");
        Assert.Contains(failures.GetMeasurementSnapshot(), m => (string?)m.Tags["tlpgateway.operation"] == "cache.get");
    }

    [Fact]
    public async Task RateLimitCounter_CountsPerMemberAcrossReplicasAndExpiresWithWindow()
    {
        await using var first = RedisTestServices.Build(_server.Endpoint);
        await using var second = RedisTestServices.Build(_server.Endpoint);
        var one = first.GetRequiredService<IRateLimitCounter>();
        var other = second.GetRequiredService<IRateLimitCounter>();

        var window = TimeSpan.FromSeconds(2);
        var a = await one.CountAsync("acme", window, CancellationToken.None);
        var b = await other.CountAsync("acme", window, CancellationToken.None);
        var elsewhere = await one.CountAsync("other", window, CancellationToken.None);
        await Task.Delay(2500);
        var later = await other.CountAsync("acme", window, CancellationToken.None);

        Assert.Equal(1, a.Count);
        Assert.Equal(2, b.Count);
        Assert.InRange(b.WindowLeft, TimeSpan.FromMilliseconds(1), window);
        Assert.Equal(1, elsewhere.Count);
        Assert.Equal(1, later.Count);
    }

    [Fact]
    public async Task RateLimiter_RedisDown_ThisReplicasOwnWindowStillLimits()
    {
        await using var services = RedisTestServices.Build(_server.Endpoint);
        using var limiter = new MemberRateLimiter(
            Microsoft.Extensions.Options.Options.Create(new AdmissionOptions { RateLimitPermits = 2, RateLimitWindow = TimeSpan.FromMinutes(1) }),
            services.GetRequiredService<IRateLimitCounter>());
        _server.Stop();

        var results = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            results.Add((await limiter.TryAcquireAsync("acme", CancellationToken.None)).Allowed);
        }

        Assert.Equal([true, true, false], results);
    }

    [Fact]
    public async Task MemberStates_PublishedSuspension_AppliedByEveryReplicaAndAgainAfterRedisRestart()
    {
        await using var first = RedisTestServices.Build(_server.Endpoint);
        await using var second = RedisTestServices.Build(_server.Endpoint);
        var overlays = new[] { first, second }.Select(s => s.GetRequiredService<RedisMemberStateOverlay>()).ToArray();
        foreach (var overlay in overlays)
        {
            await overlay.StartAsync(CancellationToken.None);
        }

        var until = DateTimeOffset.UtcNow.AddHours(2);
        await RedisMemberStateOverlay.PublishAsync(new RedisOptions { Endpoint = _server.Endpoint }, "acme", new PublishedMemberState(false, until));
        foreach (var overlay in overlays)
        {
            await RedisTestServices.WaitForAsync(() => overlay.Apply(Member("acme")).SuspendedUntil == until, "the suspension on a replica");
        }

        Assert.Null(overlays[0].Apply(Member("other")).SuspendedUntil);

        // A restarted Redis holds nothing: the replicas resubscribe by themselves and take the next state published.
        _server.Stop();
        _server.Start();
        await RedisTestServices.WaitForAsync(
            async () =>
            {
                await RedisMemberStateOverlay.PublishAsync(new RedisOptions { Endpoint = _server.Endpoint }, "acme", new PublishedMemberState(true, null));
                return overlays.All(o => o.Apply(Member("acme")).Revoked);
            },
            "the revocation on both replicas after the restart");
        foreach (var overlay in overlays)
        {
            await overlay.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task MemberStates_RedisDownAtStart_ReplicaStartsAndTakesStatesOnceRedisAnswers()
    {
        _server.Stop();
        await using var services = RedisTestServices.Build(_server.Endpoint);
        var overlay = services.GetRequiredService<RedisMemberStateOverlay>();

        await overlay.StartAsync(CancellationToken.None);
        Assert.False(overlay.Apply(Member("acme")).Revoked);
        _server.Start();
        await RedisTestServices.WaitForAsync(() => services.GetRequiredService<IConnectionMultiplexer>().IsConnected, "the connection");
        await RedisMemberStateOverlay.PublishAsync(new RedisOptions { Endpoint = _server.Endpoint }, "acme", new PublishedMemberState(true, null));

        await RedisTestServices.WaitForAsync(() => overlay.Apply(Member("acme")).Revoked, "the revocation");
        await overlay.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("{\"Revoked\": \"soon\"}")]
    [InlineData("null")]
    [InlineData("not json")]
    public async Task MemberStates_OneStateUnreadable_ThatMemberRefusedAndTheOthersStillRead(string unreadable)
    {
        await using var services = RedisTestServices.Build(_server.Endpoint);
        var overlay = services.GetRequiredService<RedisMemberStateOverlay>();
        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        await RedisTestServices.WaitForAsync(() => redis.IsConnected, "the connection");
        await redis.GetDatabase().HashSetAsync(new RedisOptions().KeyPrefix + RedisMemberStateOverlay.HashKey, "broken", unreadable);
        await overlay.StartAsync(CancellationToken.None);

        await RedisMemberStateOverlay.PublishAsync(new RedisOptions { Endpoint = _server.Endpoint }, "acme", new PublishedMemberState(true, null));

        await RedisTestServices.WaitForAsync(() => overlay.Apply(Member("acme")).Revoked, "the revocation published after the unreadable state");
        Assert.True(overlay.Apply(Member("broken")).Revoked);
        Assert.False(overlay.Apply(Member("other")).Revoked);
        await overlay.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task MemberStates_PublishToUnreachableRedis_Throws()
    {
        using var closed = Shared.TestPorts.Closed();

        await Assert.ThrowsAsync<RedisConnectionException>(() => RedisMemberStateOverlay.PublishAsync(new RedisOptions { Endpoint = $"127.0.0.1:{closed.Port}" }, "acme", new PublishedMemberState(true, null)));
    }
}
