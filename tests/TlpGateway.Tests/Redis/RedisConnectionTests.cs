using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;
using TlpGateway.Health;
using TlpGateway.Redis;

namespace TlpGateway.Tests.Redis;

/// <summary>The process's one Redis connection, against a real redis-server: it never stops the start, authenticates, comes back, and reports what happens to it.</summary>
public sealed class RedisConnectionTests
{
    private static async Task<bool> ReadyAsync(IServiceProvider services) =>
        await services.GetServices<IReadinessCheck>().Single(c => c.Name == "redis").IsReadyAsync(CancellationToken.None);

    [Fact]
    public async Task Connection_RedisDownAtStart_StartsNotReadyThenConnectsWhenRedisStarts()
    {
        using var server = new RedisServer(started: false);
        await using var services = RedisTestServices.Build(server.Endpoint);

        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        Assert.False(redis.IsConnected);
        Assert.False(await ReadyAsync(services));
        Assert.Contains(services.GetFakeLogCollector().GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("unreachable at start", StringComparison.Ordinal));

        server.Start();
        await RedisTestServices.WaitForAsync(() => ReadyAsync(services), "readiness after Redis started");
        Assert.True(redis.IsConnected);
    }

    [Fact]
    public async Task Connection_RedisStopsAndReturns_LostAndRestoredLoggedAndCounted()
    {
        using var server = new RedisServer();
        await using var services = RedisTestServices.Build(server.Endpoint);
        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        using var events = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "tlpgateway.redis.connection.events");

        // The connection is made in the background (a start never waits for Redis): on a loaded machine, not yet at the
        // first question, and a first attempt that failed is counted too. So each step waits for an event after it.
        await RedisTestServices.WaitForAsync(() => ReadyAsync(services), "readiness at start");
        int Count(string name, string? connection = null) =>
            events.GetMeasurementSnapshot().Count(m => (string?)m.Tags["tlpgateway.event"] == name && (connection is null || (string?)m.Tags["tlpgateway.connection"] == connection));

        var failedBefore = Count("failed");
        server.Stop();
        await RedisTestServices.WaitForAsync(() => Count("failed") > failedBefore, "a lost connection counted");
        Assert.False(await ReadyAsync(services));
        var restoredBefore = Count("restored", "interactive");
        server.Start();
        await RedisTestServices.WaitForAsync(() => Count("restored", "interactive") > restoredBefore, "a restored connection counted");

        await RedisTestServices.WaitForAsync(() => ReadyAsync(services), "readiness after Redis returned");
        Assert.True(redis.IsConnected);
        var logs = services.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, r => r.Level == LogLevel.Warning && r.Message.Contains("connection lost", StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Message.Contains("connection restored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connection_Password_RightOneAnswersWrongOneIsNotReady()
    {
        using var server = new RedisServer(password: "s3cret");
        await using var right = RedisTestServices.Build(server.Endpoint, c => c["Gateway:RedisOptions:Password"] = "s3cret");
        await using var wrong = RedisTestServices.Build(server.Endpoint, c => c["Gateway:RedisOptions:Password"] = "nope");
        await using var none = RedisTestServices.Build(server.Endpoint);

        Assert.True(await ReadyAsync(right));
        Assert.False(await ReadyAsync(wrong));
        Assert.False(await ReadyAsync(none));
    }

    [Fact]
    public async Task Connection_AclUser_AuthenticatesAsThatUser()
    {
        using var server = new RedisServer(password: "gw-pass", user: "gateway");
        await using var user = RedisTestServices.Build(server.Endpoint, c =>
        {
            c["Gateway:RedisOptions:User"] = "gateway";
            c["Gateway:RedisOptions:Password"] = "gw-pass";
        });
        await using var defaultUser = RedisTestServices.Build(server.Endpoint, c => c["Gateway:RedisOptions:Password"] = "gw-pass");

        Assert.True(await ReadyAsync(user));
        Assert.Equal("gateway", (string?)await user.GetRequiredService<IConnectionMultiplexer>().GetDatabase().ExecuteAsync("ACL", "WHOAMI"));

        // The default user is off on this server: the same password without the user name is refused.
        Assert.False(await ReadyAsync(defaultUser));
    }

    [Fact]
    public async Task Connection_ServerStalls_CommandsFailInsteadOfWaiting()
    {
        using var stalling = new TcpListener(IPAddress.Loopback, 0);
        stalling.Start();
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await stalling.AcceptSocketAsync());
            }
        });
        await using var services = RedisTestServices.Build($"127.0.0.1:{((IPEndPoint)stalling.LocalEndpoint).Port}", c => c["Gateway:RedisOptions:ConnectTimeout"] = "00:00:00.500");

        var cache = services.GetRequiredService<Microsoft.Extensions.Caching.Distributed.IDistributedCache>();

        // Failing fast, not queued until a timeout: while no connection is up, a command is refused at once.
        await Assert.ThrowsAsync<RedisConnectionException>(() => cache.GetAsync("identity:x"));
        Assert.False(await ReadyAsync(services));
        stalling.Stop();
        accepted.ForEach(s => s.Dispose());
        _ = accepting.Exception;
    }

    [Fact]
    public async Task Connection_ServerAnswersSomethingElse_NotConnectedAndNotReady()
    {
        using var fake = new TcpListener(IPAddress.Loopback, 0);
        fake.Start();
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await fake.AcceptSocketAsync();
                await socket.SendAsync("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray());
            }
        });
        await using var services = RedisTestServices.Build($"127.0.0.1:{((IPEndPoint)fake.LocalEndpoint).Port}", c => c["Gateway:RedisOptions:ConnectTimeout"] = "00:00:00.500");

        Assert.False(services.GetRequiredService<IConnectionMultiplexer>().IsConnected);
        Assert.False(await ReadyAsync(services));
        fake.Stop();
        _ = serving.Exception;
    }
}
