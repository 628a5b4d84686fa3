using System.Diagnostics.Metrics;

namespace TlpGateway.Redis;

/// <summary>Redis latency and failures, by command.</summary>
internal sealed class RedisMetrics
{
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failures;

    public RedisMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("TlpGateway.Redis");
        _duration = meter.CreateHistogram<double>("tlpgateway.redis.duration", "s", "Time of Redis commands, by command and result.");
        _failures = meter.CreateCounter<long>("tlpgateway.redis.failures", "{command}", "Redis commands that failed (unreachable, too slow, garbled), by command.");
    }

    public void Command(string command, string result, TimeSpan elapsed)
    {
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("tlpgateway.command", command), new KeyValuePair<string, object?>("tlpgateway.result", result));
        if (result != "ok")
        {
            _failures.Add(1, new KeyValuePair<string, object?>("tlpgateway.command", command));
        }
    }
}
