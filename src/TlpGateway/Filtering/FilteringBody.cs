using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using TlpGateway.Audit;
using TlpGateway.Errors;

namespace TlpGateway.Filtering;

/// <summary>
/// Wraps the response body, as ASP.NET Core's <c>ResponseCompressionBody</c> does, and runs MISP's
/// answer through <see cref="MispResponseFilter"/>. Nothing reaches the client before the filter
/// decided it; the real response starts only once the first unit is decided, so a withheld single
/// event can still become MISP's own 404 and a failure before that a clean 502.
/// </summary>
internal sealed partial class FilteringBody : Stream, IHttpResponseBodyFeature
{
    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _inner;
    private readonly FilterContext _filterContext;
    private readonly EventAccessLookup _events;
    private readonly FilterOptions _options;
    private readonly FilterMetrics _metrics;
    private readonly IAuditTrail _audit;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private readonly long _started;

    private Mode _mode;
    private MispResponseFilter? _filter;
    private long _bytesIn;
    private long _bytesOut;
    private bool _failed;
    private string? _unreadable;

    public FilteringBody(HttpContext context, IHttpResponseBodyFeature inner, FilterContext filterContext, EventAccessLookup events, FilterOptions options, FilterMetrics metrics, IAuditTrail audit, TimeProvider timeProvider, ILogger logger)
    {
        _context = context;
        _inner = inner;
        _events = events;
        _filterContext = filterContext;
        _options = options;
        _metrics = metrics;
        _audit = audit;
        _timeProvider = timeProvider;
        _logger = logger;
        _started = timeProvider.GetTimestamp();
    }

    private enum Mode
    {
        Undecided,
        PassThrough,
        Filter,
    }

    /// <summary>The client sent HEAD: the answer is judged like GET's, then only its status and headers leave.</summary>
    public bool HeadOnly { get; init; }

    public Stream Stream => this;

    public PipeWriter Writer => field ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        // The real response starts when the filter has something decided to send.
        Decide();
        return _mode == Mode.PassThrough ? _inner.StartAsync(cancellationToken) : Task.CompletedTask;
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    public Task CompleteAsync() => FinishAsync();

    public override void Flush() => FlushAsync().GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        Decide();
        if (_mode == Mode.PassThrough)
        {
            await _inner.Stream.FlushAsync(cancellationToken);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Decide();
        if (_mode == Mode.PassThrough)
        {
            await _inner.Stream.WriteAsync(buffer, cancellationToken);
            return;
        }

        _bytesIn += buffer.Length;
        if (!await FilterAsync(filter => filter.Write(buffer.Span, _pending), cancellationToken))
        {
            return;
        }

        // Held until a unit is released, so the status can still change (a withheld single event is MISP's 404).
        if (_filter!.UnitsReleased > 0 && _pending.WrittenCount > 0)
        {
            await SendPendingAsync(cancellationToken);
        }
    }

    /// <summary>Called when the proxy is done: the filter must have seen a whole document.</summary>
    public async Task FinishAsync()
    {
        Decide();
        if (_mode != Mode.Filter || !await FilterAsync(filter => filter.Complete(_pending), _context.RequestAborted))
        {
            return;
        }

        if (_filter!.SingleEventWithheld && !_context.Response.HasStarted)
        {
            // Exactly what MISP answers for an event that does not exist.
            _pending.Clear();
            await MispError.WriteInvalidEventAsync(_context.WithBody(_inner));
        }
        else
        {
            await SendPendingAsync(_context.RequestAborted);
        }

        _metrics.Completed(_bytesIn, _bytesOut, _timeProvider.GetElapsedTime(_started));
    }

    private void Decide()
    {
        if (_mode != Mode.Undecided)
        {
            return;
        }

        var response = _context.Response;
        var isHead = HttpMethods.IsHead(_context.Request.Method);
        if (isHead || response.StatusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            _mode = Mode.PassThrough;
            return;
        }

        _mode = Mode.Filter;
        _filter = new MispResponseFilter(_filterContext, _options.MaxEventBytes, OnUnit);
        var headers = response.Headers;

        // A filtered answer must not reveal what was removed: its length, MISP's ETag and count are MISP's.
        headers.ContentLength = null;
        headers.Remove(HeaderNames.ETag);
        headers.Remove("X-Result-Count");
        headers.CacheControl = "private";
        headers.Vary = "Authorization";
        if (!string.IsNullOrEmpty(headers.ContentEncoding) && !string.Equals(headers.ContentEncoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            // The gateway asked MISP for an unencoded answer; an encoded one cannot be inspected.
            _unreadable = "MISP sent an encoded answer (" + headers.ContentEncoding + ")";
        }
    }

    /// <summary>Runs one step of the filter and the look-ups it asks for; any failure ends the answer (never a pass-through).</summary>
    private async Task<bool> FilterAsync(Action<MispResponseFilter> step, CancellationToken cancellationToken)
    {
        if (_unreadable is not null && !_failed)
        {
            await FailAsync(_unreadable);
        }

        if (_failed)
        {
            return false;
        }

        try
        {
            step(_filter!);
            await ResolveLookupsAsync(cancellationToken);
            return true;
        }
        catch (FilterException ex)
        {
            await FailAsync(ex.Reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FailAsync(ex.GetType().Name + ": " + ex.Message);
        }

        return false;
    }

    /// <summary>Looks up the events a held unit depends on; a failed look-up counts as an event the requester may not receive.</summary>
    private async Task ResolveLookupsAsync(CancellationToken cancellationToken)
    {
        while (_filter!.PendingLookups is { } uuids)
        {
            // A few at a time: an event's correlations may name dozens of related events.
            var found = new EventAccess[uuids.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, uuids.Count),
                new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                async (i, token) => found[i] = await LookUpAsync(uuids[i], token));
            for (var i = 0; i < uuids.Count; i++)
            {
                _filterContext.KnownEvents![uuids[i]] = found[i];
            }

            _filter.Resume(_pending);
        }
    }

    private async Task<EventAccess> LookUpAsync(string eventUuid, CancellationToken cancellationToken)
    {
        try
        {
            return await _events.GetAsync(eventUuid, _filterContext.Requester, _filterContext.Community, cancellationToken);
        }
        catch (Upstream.MispUnavailableException)
        {
            return EventAccess.Withheld;
        }
    }

    private void OnUnit(UnitOutcome outcome)
    {
        var member = _filterContext.Requester.Member.Id;
        _metrics.Unit(member, outcome);
        if (!outcome.Released)
        {
            _audit.Write(AuditRecord.For(_context, _timeProvider, "removed", outcome.Reason ?? "withheld", member, outcome.EventUuid));
        }
    }

    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        if (HeadOnly)
        {
            _pending.ResetWrittenCount();
            return;
        }

        if (_pending.WrittenCount == 0)
        {
            return;
        }

        _bytesOut += _pending.WrittenCount;
        await _inner.Stream.WriteAsync(_pending.WrittenMemory, cancellationToken);
        _pending.ResetWrittenCount();
    }

    private async Task FailAsync(string reason)
    {
        _failed = true;
        _pending.Clear();
        _metrics.Failed("unjudgeable-response");
        LogFilterFailed(_logger, _filterContext.Requester.Member.Id, reason);
        if (!_context.Response.HasStarted)
        {
            await MispError.WriteAsync(_context.WithBody(_inner), StatusCodes.Status502BadGateway, "Bad Gateway", "MISP's answer could not be checked against the sharing rules, so none of it is sent.");
        }
        else
        {
            // Part of the answer is out: end the connection so the client cannot take it for whole.
            _context.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Filter failure for member {Member}: {Reason}; nothing more was sent")]
    private static partial void LogFilterFailed(ILogger logger, string member, string reason);
}

/// <summary>Writes through the real response body, bypassing the filter (for the filter's own answers).</summary>
internal static class FilteringBodyContextExtensions
{
    public static HttpContext WithBody(this HttpContext context, IHttpResponseBodyFeature inner)
    {
        context.Features.Set(inner);
        return context;
    }
}
