using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TlpGateway.Filtering;

/// <summary>
/// How many large records (held events of megabytes) the gateway holds at once, across all answers
/// (<see cref="FilterOptions.LargeRecordsAtOnce"/>): a held record costs a few times its bytes until
/// it is decided and written, so without a bound a handful of clients asking for a 20 MB event at
/// once could take the machine's memory. An answer whose record grows large waits for its turn with
/// its input paused (MISP's answer waits in the socket), first come first served; one that waits
/// longer than <see cref="FilterOptions.LargeRecordWait"/> ends as an error, as any answer the
/// gateway cannot judge. Small records never wait.
/// </summary>
internal sealed class LargeRecordLimit : IDisposable
{
    // Answers that may wait at once; beyond, one is refused at once rather than queued without end.
    private const int MaxWaiting = 4096;

    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeSpan _wait;
    private readonly TimeProvider _timeProvider;
    private readonly FilterMetrics _metrics;

    public LargeRecordLimit(IOptions<FilterOptions> options, TimeProvider timeProvider, FilterMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.LargeRecordsAtOnce,
            QueueLimit = MaxWaiting,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _wait = options.Value.LargeRecordWait;
        _timeProvider = timeProvider;
        _metrics = metrics;
        Bytes = options.Value.LargeRecordBytes;
    }

    /// <summary>From how many held bytes a record is large.</summary>
    public int Bytes { get; }

    /// <summary>Waits for a turn to hold a large record; the lease ends the turn. Throws <see cref="FilterException"/> when none comes in time.</summary>
    public async ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(_wait, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(1, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _metrics.LargeRecordWaited("timed-out", _timeProvider.GetElapsedTime(started));
            throw new FilterException($"a large event waited longer than {_wait} for the gateway to hold it (Gateway:Filter:LargeRecordsAtOnce)");
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            _metrics.LargeRecordWaited("refused", _timeProvider.GetElapsedTime(started));
            throw new FilterException("too many answers wait to hold a large event");
        }

        _metrics.LargeRecordWaited("granted", _timeProvider.GetElapsedTime(started));
        return new Turn(lease, _metrics);
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>A turn, ended once: when its record is written, or with its answer.</summary>
    private sealed class Turn : IDisposable
    {
        private readonly FilterMetrics _metrics;
        private RateLimitLease? _lease;

        public Turn(RateLimitLease lease, FilterMetrics metrics)
        {
            _lease = lease;
            _metrics = metrics;
            metrics.LargeRecordHeld(1);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _lease, null) is { } lease)
            {
                lease.Dispose();
                _metrics.LargeRecordHeld(-1);
            }
        }
    }
}
