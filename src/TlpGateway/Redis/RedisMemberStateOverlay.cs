using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TlpGateway.Members;

namespace TlpGateway.Redis;

/// <summary>
/// Applies the member states the maintainers' command published (<c>members ... --publish-redis</c>):
/// they live in a Redis hash, and a message on a channel of the hash's name tells every replica to
/// read it again at once; the hash is also read at start, every few seconds, and whenever the
/// subscription is restored, so a replica that missed a message or starts later still sees every
/// state. When Redis cannot be read, the last known states stay.
/// </summary>
internal sealed partial class RedisMemberStateOverlay : IMemberStateOverlay, IHostedService, IDisposable
{
    public const string HashKey = "member-state";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKey _key;
    private readonly RedisChannel _channel;
    private readonly TimeProvider _timeProvider;
    private readonly RedisMetrics _metrics;
    private readonly ILogger<RedisMemberStateOverlay> _logger;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile FrozenDictionary<string, PublishedMemberState> _states = FrozenDictionary<string, PublishedMemberState>.Empty;
    private ITimer? _timer;

    public RedisMemberStateOverlay(IConnectionMultiplexer redis, IOptions<RedisOptions> options, TimeProvider timeProvider, RedisMetrics metrics, ILogger<RedisMemberStateOverlay> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _key = options.Value.KeyPrefix + HashKey;
        _channel = RedisChannel.Literal(options.Value.KeyPrefix + HashKey);
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
    }

    public MemberEntry Apply(MemberEntry member) => PublishedMemberStates.Restrict(member, _states.GetValueOrDefault(member.Id));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            await _redis.GetSubscriber().SubscribeAsync(_channel, (_, _) => _ = RefreshAsync());
        }
        catch (RedisConnectionException ex)
        {
            // The client keeps the subscription and makes it as soon as Redis answers; never a reason not to start.
            LogSubscriptionDeferred(_logger, ex.Message);
        }

        await RefreshAsync();
        _timer = _timeProvider.CreateTimer(_ => _ = RefreshAsync(), null, Interval, Interval);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _redis.ConnectionRestored -= OnConnectionRestored;
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_channel);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is away: the subscription ends with the connection.
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _refreshing.Dispose();
    }

    internal async Task RefreshAsync()
    {
        // A refresh already running reads the hash after this message's HSET only if it started later: wait for it, then read again.
        await _refreshing.WaitAsync();

        try
        {
            var entries = await _metrics.MeasureAsync("member-state.read", () => _redis.GetDatabase().HashGetAllAsync(_key));
            var states = new Dictionary<string, PublishedMemberState>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                states[entry.Name.ToString()] = Read(entry);
            }

            _states = states.ToFrozenDictionary(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRefreshFailed(_logger, ex.Message);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>
    /// One member's published state. One that cannot be read (written by another version, or by hand)
    /// refuses that member: it only ever restricts, and it must neither be skipped nor keep every
    /// other member's state from being read (it made the whole refresh fail, so no later state arrived).
    /// </summary>
    private PublishedMemberState Read(HashEntry entry)
    {
        try
        {
            if (JsonSerializer.Deserialize<PublishedMemberState>((byte[])entry.Value!) is { } state)
            {
                return state;
            }
        }
        catch (JsonException)
        {
            // Told below, as a state that is null.
        }

        LogUnreadableState(_logger, entry.Name.ToString());
        return new PublishedMemberState(Revoked: true, SuspendedUntil: null);
    }

    // What was published while the subscription was down is read from the hash.
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _ = RefreshAsync();
        }
    }

    /// <summary>
    /// Publishes a member's state (the maintainers' command): a connection of its own, which fails
    /// at once when Redis is unreachable, so the maintainer learns it.
    /// </summary>
    /// <exception cref="RedisException">Redis is unreachable or refused the credentials or a command.</exception>
    /// <exception cref="TimeoutException">Redis did not answer in time.</exception>
    public static async Task PublishAsync(RedisOptions options, string memberId, PublishedMemberState? state)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = options.ToConfiguration();
        configuration.AbortOnConnectFail = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var database = redis.GetDatabase();
        RedisKey key = options.KeyPrefix + HashKey;
        if (state is null || (!state.Revoked && state.SuspendedUntil is null))
        {
            await database.HashDeleteAsync(key, memberId);
        }
        else
        {
            await database.HashSetAsync(key, memberId, JsonSerializer.SerializeToUtf8Bytes(state));
        }

        // The channel has the hash's name: every subscribed replica reads the hash again at once.
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(options.KeyPrefix + HashKey), memberId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Published member states unreadable ({Error}); the last known ones stay in force")]
    private static partial void LogRefreshFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Published state of member {Member} is unreadable: the member is refused as revoked until it is published again (reinstate or revoke --publish-redis)")]
    private static partial void LogUnreadableState(ILogger logger, string member);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis subscription to published member states deferred until Redis answers ({Error})")]
    private static partial void LogSubscriptionDeferred(ILogger logger, string error);
}
