using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace TlpGateway.Redis;

/// <summary>Redis latency and failures, by operation, and the connection's events.</summary>
internal sealed class RedisMetrics
{
    public const string MeterName = "TlpGateway.Redis";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _connectionEvents;
    private readonly TimeProvider _timeProvider;

    public RedisMetrics(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _timeProvider = timeProvider;
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram<double>("tlpgateway.redis.duration", "s", "Time of the gateway's Redis operations, by operation and result.");
        _failures = meter.CreateCounter<long>("tlpgateway.redis.failures", "{operation}", "Redis operations that failed (unreachable, too slow, refused), by operation.");
        _connectionEvents = meter.CreateCounter<long>("tlpgateway.redis.connection.events", "{event}", "Redis connections lost and restored, and errors Redis reported, by connection and reason.");
    }

    /// <summary>Runs <paramref name="operation"/> and records its time and whether it failed.</summary>
    public async Task<T> MeasureAsync<T>(string name, Func<Task<T>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var started = _timeProvider.GetTimestamp();
        try
        {
            var result = await operation();
            Record(name, "ok", started);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Record(name, "failed", started);
            throw;
        }
    }

    public async Task MeasureAsync(string name, Func<Task> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        await MeasureAsync(name, async () =>
        {
            await operation();
            return true;
        });
    }

    /// <summary>Counts a connection event: <c>failed</c>, <c>restored</c> or <c>error</c>.</summary>
    public void ConnectionEvent(string kind, ConnectionType connection, ConnectionFailureType reason) =>
        _connectionEvents.Add(
            1,
            new("tlpgateway.event", kind),
            new("tlpgateway.connection", connection.ToString().ToLowerInvariant()),
            new("tlpgateway.reason", reason.ToString().ToLowerInvariant()));

    private void Record(string name, string result, long started)
    {
        _duration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("tlpgateway.operation", name), new KeyValuePair<string, object?>("tlpgateway.result", result));
        if (result != "ok")
        {
            _failures.Add(1, new KeyValuePair<string, object?>("tlpgateway.operation", name));
        }
    }
}
