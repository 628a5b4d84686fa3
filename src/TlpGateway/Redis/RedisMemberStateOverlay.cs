using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using TlpGateway.Members;

namespace TlpGateway.Redis;

/// <summary>
/// Applies the member states the maintainers' command published (<c>members ... --publish-redis</c>):
/// they live in a Redis hash, and a message on a channel tells every replica to read it again at
/// once; the hash is also read every few seconds, and at start, so a replica that missed a message
/// or starts later still sees every state. When Redis cannot be read, the last known states stay.
/// </summary>
internal sealed partial class RedisMemberStateOverlay : IMemberStateOverlay, IHostedService, IDisposable
{
    public const string HashKey = "member-state";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly RespClient _client;
    private readonly RedisOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisMemberStateOverlay> _logger;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile FrozenDictionary<string, PublishedMemberState> _states = FrozenDictionary<string, PublishedMemberState>.Empty;
    private readonly RespSubscriber _subscriber;
    private ITimer? _timer;

    public RedisMemberStateOverlay(RespClient client, RedisOptions options, TimeProvider timeProvider, ILogger<RedisMemberStateOverlay> logger)
    {
        _client = client;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _subscriber = new RespSubscriber(options, options.KeyPrefix + HashKey, RefreshAsync, timeProvider, logger);
    }

    public MemberEntry Apply(MemberEntry member) => PublishedMemberStates.Restrict(member, _states.GetValueOrDefault(member.Id));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A first read at start (if Redis answers); never a reason not to start.
        await RefreshAsync();
        _subscriber.Start();
        _timer = _timeProvider.CreateTimer(_ => _ = RefreshAsync(), null, Interval, Interval);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        await _subscriber.DisposeAsync();
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
            var reply = await _client.ExecuteAsync("HGETALL", [Encoding.UTF8.GetBytes(_options.KeyPrefix + HashKey)], CancellationToken.None);
            var states = new Dictionary<string, PublishedMemberState>(StringComparer.Ordinal);
            var items = reply.Items ?? [];
            for (var i = 0; i + 1 < items.Length; i += 2)
            {
                if (items[i].Bulk is { } id && items[i + 1].Bulk is { } json && JsonSerializer.Deserialize<PublishedMemberState>(json) is { } state)
                {
                    states[Encoding.UTF8.GetString(id)] = state;
                }
            }

            _states = states.ToFrozenDictionary(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is RedisException or JsonException)
        {
            LogRefreshFailed(_logger, ex.Message);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Publishes a member's state (used by the maintainers' command).</summary>
    public static async Task PublishAsync(RespClient client, string keyPrefix, string memberId, PublishedMemberState? state)
    {
        ArgumentNullException.ThrowIfNull(client);
        var key = Encoding.UTF8.GetBytes(keyPrefix + HashKey);
        var field = Encoding.UTF8.GetBytes(memberId);
        if (state is null || (!state.Revoked && state.SuspendedUntil is null))
        {
            await client.ExecuteAsync("HDEL", key, field);
        }
        else
        {
            await client.ExecuteAsync("HSET", key, field, JsonSerializer.SerializeToUtf8Bytes(state));
        }

        // The channel has the hash's name: every subscribed replica reads the hash again at once.
        await client.ExecuteAsync("PUBLISH", key, field);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Published member states unreadable ({Error}); the last known ones stay in force")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}
