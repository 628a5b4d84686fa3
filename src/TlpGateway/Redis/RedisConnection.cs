using StackExchange.Redis;

namespace TlpGateway.Redis;

/// <summary>
/// The process's one <see cref="IConnectionMultiplexer"/>: shared by the caches, the rate limit,
/// the member states and the readiness check. It returns even when Redis is unreachable (waiting
/// <see cref="RedisOptions.ConnectTimeout"/> at most) and reconnects by itself; every connection
/// lost or restored is logged and counted.
/// </summary>
internal static partial class RedisConnection
{
    public static IConnectionMultiplexer Connect(RedisOptions options, RedisMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        var multiplexer = ConnectionMultiplexer.Connect(options.ToConfiguration());
        var endpoint = options.Endpoint;
        multiplexer.ConnectionFailed += (_, e) =>
        {
            LogConnectionFailed(logger, endpoint, e.ConnectionType, e.FailureType, e.Exception?.Message);
            metrics.ConnectionEvent("failed", e.ConnectionType, e.FailureType);
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            LogConnectionRestored(logger, endpoint, e.ConnectionType);
            metrics.ConnectionEvent("restored", e.ConnectionType, ConnectionFailureType.None);
        };
        multiplexer.ErrorMessage += (_, e) =>
        {
            LogErrorMessage(logger, endpoint, e.Message);
            metrics.ConnectionEvent("error", ConnectionType.Interactive, ConnectionFailureType.None);
        };

        // The first attempt's failure is raised before any handler can be attached: reported here.
        if (!multiplexer.IsConnected)
        {
            LogUnreachableAtStart(logger, endpoint);
            metrics.ConnectionEvent("failed", ConnectionType.Interactive, ConnectionFailureType.UnableToConnect);
        }

        return multiplexer;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoint} unreachable at start; the gateway serves from memory and MISP, and keeps trying")]
    private static partial void LogUnreachableAtStart(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoint}: {Connection} connection lost ({Reason}: {Error}); reconnecting")]
    private static partial void LogConnectionFailed(ILogger logger, string endpoint, ConnectionType connection, ConnectionFailureType reason, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis at {Endpoint}: {Connection} connection restored")]
    private static partial void LogConnectionRestored(ILogger logger, string endpoint, ConnectionType connection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoint} reported an error: {Error}")]
    private static partial void LogErrorMessage(ILogger logger, string endpoint, string error);
}
