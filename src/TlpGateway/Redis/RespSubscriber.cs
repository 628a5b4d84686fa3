using System.Text;

namespace TlpGateway.Redis;

/// <summary>
/// SUBSCRIBE on a connection of its own (a subscribed connection can do nothing else): calls
/// <c>onMessage</c> for every message on the channel, and once more after each (re)subscription so
/// what was published while the connection was down is caught up. Reconnects with backoff by itself.
/// </summary>
internal sealed partial class RespSubscriber(RedisOptions options, string channel, Func<Task> onMessage, TimeProvider timeProvider, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var backoff = options.ReconnectBackoff;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var (stream, reader) = await RespClient.OpenStreamAsync(options, stopping);
                await using (stream)
                await using (stopping.Register(() => stream.Dispose()))
                {
                    await stream.WriteAsync(RespClient.Encode("SUBSCRIBE", [Encoding.UTF8.GetBytes(channel)]), stopping);
                    await stream.FlushAsync(stopping);
                    while (!stopping.IsCancellationRequested)
                    {
                        var push = await reader.ReadAsync();
                        var kind = push.Items is [{ Bulk: { } name }, ..] ? Encoding.UTF8.GetString(name) : null;
                        if (kind is "subscribe" or "message")
                        {
                            backoff = options.ReconnectBackoff;
                            await onMessage();
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException or TimeoutException or System.Security.Authentication.AuthenticationException)
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                LogSubscriptionLost(logger, channel, ex.Message);
            }

            try
            {
                await Task.Delay(backoff, timeProvider, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(Math.Max(backoff.Ticks * 2, TimeSpan.FromMilliseconds(50).Ticks), options.MaxReconnectBackoff.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis subscription to {Channel} lost ({Error}); resubscribing")]
    private static partial void LogSubscriptionLost(ILogger logger, string channel, string error);
}
