using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;
using TlpGateway.Redis;

namespace TlpGateway.Tests.Redis;

public sealed class RespClientTests : IDisposable
{
    private readonly RedisServer _server = new();

    public void Dispose() => _server.Dispose();

    private RespClient Client(string? endpoint = null, string? password = null, TimeSpan? timeout = null, TimeSpan? backoff = null) => new(
        new RedisOptions
        {
            Endpoint = endpoint ?? _server.Endpoint,
            Password = password,
            CommandTimeout = timeout ?? TimeSpan.FromSeconds(2),
            ReconnectBackoff = backoff ?? TimeSpan.Zero,
        },
        TimeProvider.System,
        NullLogger.Instance);

    [Fact]
    public async Task SetGet_BinaryKeyAndValue_RoundTrip()
    {
        await using var client = Client();
        var key = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var value = key.Reverse().ToArray();

        await client.ExecuteAsync("SET", key, value);
        var reply = await client.ExecuteAsync("GET", key);

        Assert.Equal(value, reply.Bulk);
    }

    [Fact]
    public async Task Get_LargeValue_RoundTrip()
    {
        await using var client = Client();
        var value = new byte[6 * 1024 * 1024];
        new Random(7).NextBytes(value);

        await client.ExecuteAsync("SET", "big"u8.ToArray(), value);

        Assert.Equal(value, (await client.ExecuteAsync("GET", "big"u8.ToArray())).Bulk);
    }

    [Fact]
    public async Task Pipelining_ThousandConcurrentCommands_EachGetsItsOwnReply()
    {
        await using var client = Client();

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => client.ExecuteAsync("SET", Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"v{i}"))));
        var replies = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i => (i, (await client.ExecuteAsync("GET", Encoding.UTF8.GetBytes($"k{i}"))).Bulk)));

        Assert.All(replies, r => Assert.Equal($"v{r.i}", Encoding.UTF8.GetString(r.Bulk!)));
    }

    [Fact]
    public async Task Get_MissingKey_Null()
    {
        await using var client = Client();

        Assert.True((await client.ExecuteAsync("GET", "absent"u8.ToArray())).IsNull);
    }

    [Fact]
    public async Task ServerRestarted_ClientReconnects()
    {
        await using var client = Client();
        await client.ExecuteAsync("SET", "a"u8.ToArray(), "1"u8.ToArray());

        _server.Stop();
        await Assert.ThrowsAsync<RedisException>(() => client.ExecuteAsync("GET", "a"u8.ToArray()));
        _server.Start();

        var reply = await client.ExecuteAsync("PING", []);
        Assert.Equal("PONG", reply.Text);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Auth_RightAndWrongPassword()
    {
        using var secured = new RedisServer(password: "s3cret");
        await using var right = Client(secured.Endpoint, "s3cret");
        await using var wrong = Client(secured.Endpoint, "nope");

        Assert.Equal("PONG", (await right.ExecuteAsync("PING", [])).Text);
        await Assert.ThrowsAsync<RedisException>(() => wrong.ExecuteAsync("PING", []));
    }

    [Fact]
    public async Task ServerAnswersGarbage_ProtocolErrorNotHang()
    {
        using var fake = new TcpListener(IPAddress.Loopback, 0);
        fake.Start();
        var serving = Task.Run(async () =>
        {
            using var socket = await fake.AcceptSocketAsync();
            await socket.SendAsync("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray());
            await Task.Delay(2000);
        });
        await using var client = Client($"127.0.0.1:{((IPEndPoint)fake.LocalEndpoint).Port}");

        var ex = await Assert.ThrowsAsync<RedisException>(() => client.ExecuteAsync("PING", []));

        Assert.Contains("not RESP", ex.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ServerStalls_TimesOut()
    {
        using var fake = new TcpListener(IPAddress.Loopback, 0);
        fake.Start();
        var accepted = fake.AcceptSocketAsync();
        await using var client = Client($"127.0.0.1:{((IPEndPoint)fake.LocalEndpoint).Port}", timeout: TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<RedisException>(() => client.ExecuteAsync("PING", []));

        Assert.Contains("in time", ex.Message, StringComparison.Ordinal);
        (await accepted).Dispose();
    }

    [Fact]
    public async Task DistributedCache_AbsoluteExpiry_Honoured()
    {
        await using var client = Client();
        var cache = new RedisDistributedCache(client, new RedisOptions { Endpoint = _server.Endpoint }, TimeProvider.System);

        // Generous windows: the suite shares two cores with other servers.
        await cache.SetAsync("short", [1, 2, 3], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(1500) });
        Assert.Equal([1, 2, 3], await cache.GetAsync("short"));
        await Task.Delay(2000);

        Assert.Null(await cache.GetAsync("short"));
    }

    [Fact]
    public async Task DistributedCache_SlidingExpiry_RenewedByReads()
    {
        await using var client = Client();
        var cache = new RedisDistributedCache(client, new RedisOptions { Endpoint = _server.Endpoint }, TimeProvider.System);
        await cache.SetAsync("slide", [9], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMilliseconds(1500) });

        // Four reads 600 ms apart outlive the 1.5 s window only because each read renews it.
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(600);
            Assert.Equal([9], await cache.GetAsync("slide"));
        }

        await cache.RemoveAsync("slide");
        Assert.Null(await cache.GetAsync("slide"));
    }

    [Fact]
    public async Task RateLimitCounter_CountsPerMemberAndExpiresWithWindow()
    {
        await using var client = Client();
        var counter = new RedisRateLimitCounter(client, new RedisOptions { Endpoint = _server.Endpoint });

        var window = TimeSpan.FromSeconds(2);
        var first = await counter.CountAsync("acme", window, CancellationToken.None);
        var second = await counter.CountAsync("acme", window, CancellationToken.None);
        var other = await counter.CountAsync("other", window, CancellationToken.None);
        await Task.Delay(2500);
        var later = await counter.CountAsync("acme", window, CancellationToken.None);

        Assert.Equal(1, first.Count);
        Assert.Equal(2, second.Count);
        Assert.InRange(second.WindowLeft, TimeSpan.FromMilliseconds(1), window);
        Assert.Equal(1, other.Count);
        Assert.Equal(1, later.Count);
    }

    [Fact]
    public async Task Subscriber_ReceivesPublishedMessages_AndResubscribesAfterRestart()
    {
        var calls = 0;
        var options = new RedisOptions { Endpoint = _server.Endpoint, ReconnectBackoff = TimeSpan.FromMilliseconds(50) };
        await using var subscriber = new RespSubscriber(options, "news", () => { Interlocked.Increment(ref calls); return Task.CompletedTask; }, TimeProvider.System, NullLogger.Instance);
        subscriber.Start();
        await using var client = Client();
        await WaitForAsync(() => Volatile.Read(ref calls) >= 1);

        var published = await client.ExecuteAsync("PUBLISH", "news"u8.ToArray(), "x"u8.ToArray());
        await WaitForAsync(() => Volatile.Read(ref calls) >= 2);
        Assert.Equal(1, published.Integer);

        _server.Stop();
        _server.Start();
        await WaitForAsync(() => Volatile.Read(ref calls) >= 3);
        await WaitForAsync(async () => (await client.ExecuteAsync("PUBLISH", "news"u8.ToArray(), "y"u8.ToArray())).Integer == 1);
        await WaitForAsync(() => Volatile.Read(ref calls) >= 4);
    }

    private static async Task WaitForAsync(Func<bool> condition) => await WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (RedisException)
            {
                // Redis is coming back.
            }

            await Task.Delay(50);
        }

        Assert.Fail("the condition did not hold within 5 s");
    }
}
