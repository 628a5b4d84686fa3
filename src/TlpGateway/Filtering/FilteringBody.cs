using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Nerdbank.Streams;
using TlpGateway.Audit;
using TlpGateway.Decision;
using TlpGateway.Errors;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>
/// Wraps the response body, as ASP.NET Core's <c>ResponseCompressionBody</c> does, and runs MISP's
/// answer through <see cref="MispResponseFilter"/>. Nothing reaches the client before the filter
/// decided it; the real response starts only once the first unit is decided, so a withheld single
/// record can still become MISP's own answer for a missing one and a failure before that a clean error.
/// </summary>
/// <remarks>
/// An answer MISP sent compressed (a MISP behind a compressing proxy) is decoded as it streams and
/// filtered like any other. A redirect is answered with MISP's status and an error the client can
/// read, its <c>Location</c> kept only as a path the gateway serves; an error answer MISP sent without
/// a body, or with one the gateway cannot read, keeps MISP's status.
/// </remarks>
internal sealed partial class FilteringBody : WriteOnlyStream, IHttpResponseBodyFeature
{
    // A released held event (of megabytes) leaves in slices of this size, each sent before the next is written.
    private const int OutputSliceBytes = 256 * 1024;

    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _inner;
    private readonly FilterContext _filterContext;
    private readonly EventAccessLookup _events;
    private readonly LargeRecordLimit _largeRecords;
    private readonly FilterOptions _options;
    private readonly FilterMetrics _metrics;
    private readonly IAuditTrail _audit;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    // What is decided but not sent yet waits in pooled segments: a contiguous buffer would grow by
    // copying into ever larger arrays that are garbage after.
    private readonly Sequence<byte> _pending = new(ArrayPool<byte>.Shared) { MinimumSpanLength = 64 * 1024 };
    private readonly long _started;
    private readonly CorrelationLookAhead? _lookAhead;

    private Mode _mode;
    private MispResponseFilter? _filter;

    // Where the filter writes: the answer itself, or, for an export, nowhere (its writer takes the records).
    private IBufferWriter<byte> _filterOutput;
    private Exports.ExportWriter? _export;
    private AnswerDecoder? _decoder;
    private long _bytesIn;
    private long _bytesOut;
    private bool _failed;
    private string? _unreadable;

    // MISP's signature of its answer's bytes, held back until it is known that they leave unchanged.
    private StringValues _signature;

    // The turn the held record has while it is large (LargeRecordLimit).
    private IDisposable? _largeRecordTurn;

    public FilteringBody(HttpContext context, IHttpResponseBodyFeature inner, FilterContext filterContext, EventAccessLookup events, LargeRecordLimit largeRecords, FilterOptions options, FilterMetrics metrics, IAuditTrail audit, TimeProvider timeProvider, ILogger logger)
    {
        _context = context;
        _inner = inner;
        _events = events;
        _largeRecords = largeRecords;
        _filterContext = filterContext;
        _options = options;
        _metrics = metrics;
        _audit = audit;
        _timeProvider = timeProvider;
        _logger = logger;
        _started = timeProvider.GetTimestamp();
        _filterOutput = _pending;
        _lookAhead = options.MaxCorrelationLookAhead > 0 && filterContext.MaxCorrelationLookups > 0
            ? new CorrelationLookAhead(options.MaxCorrelationLookAhead, filterContext.MaxCorrelationLookups)
            : null;
    }

    private enum Mode
    {
        Undecided,
        PassThrough,
        Filter,

        /// <summary>MISP redirected: its body is dropped and the gateway answers with MISP's status.</summary>
        Redirected,

        /// <summary>MISP named an event the requester was not found to own: its body is dropped and the gateway answers that the event does not exist.</summary>
        NotOwned,
    }

    /// <summary>The client sent HEAD: the answer is judged like GET's, then only its status and headers leave.</summary>
    public bool HeadOnly { get; init; }

    /// <summary>The client's request writes (an add, an edit, a push): a withheld echo of its own event keeps the push a success.</summary>
    public bool IsWrite { get; init; }

    /// <summary>The client asked for an export (csv, text, stix2): a successful answer is rendered in it from the released records.</summary>
    public Exports.ExportRequest? Export { get; init; }

    public Stream Stream => this;

    public PipeWriter Writer => field ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => _inner.DisableBuffering();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        // The real response starts when the filter has something decided to send.
        await DecideAsync(cancellationToken);
        if (_mode == Mode.PassThrough)
        {
            await _inner.StartAsync(cancellationToken);
        }
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    public Task CompleteAsync() => FinishAsync();

    public override void Flush() => FlushAsync().GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await DecideAsync(cancellationToken);
        if (_mode == Mode.PassThrough)
        {
            await _inner.Stream.FlushAsync(cancellationToken);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await DecideAsync(cancellationToken);
        switch (_mode)
        {
            case Mode.PassThrough:
                await _inner.Stream.WriteAsync(buffer, cancellationToken);
                return;
            case Mode.Redirected or Mode.NotOwned:
                return;
        }

        _bytesIn += buffer.Length;
        if (_decoder is not null)
        {
            await _decoder.WriteAsync(buffer, cancellationToken);
            return;
        }

        await FilterChunkAsync(buffer, cancellationToken);
    }

    /// <summary>Called when the proxy is done: the filter must have seen a whole document.</summary>
    public async Task FinishAsync()
    {
        await DecideAsync(_context.RequestAborted);
        if (_mode == Mode.Redirected)
        {
            await AnswerAsync(_context.Response.StatusCode, "Redirected", "MISP answered this request with a redirect, which the gateway does not follow: the key may not be accepted for this action.");
            return;
        }

        if (_mode == Mode.NotOwned)
        {
            _audit.Write(AuditRecord.For(_context, _timeProvider, "removed", "push-location-not-owned", _filterContext.Requester.Member.Id, null) with { ItemKind = "event" });
            var (status, message) = MissingAnswer(RecordKind.Event, null);
            await AnswerAsync(status, message, message);
            return;
        }

        if (_mode != Mode.Filter)
        {
            return;
        }

        if (_decoder is not null)
        {
            await _decoder.CompleteAsync();
        }

        if (!await FilterAsync(filter => filter.Complete(_filterOutput), readAhead: false, _context.RequestAborted))
        {
            return;
        }

        if (_filter!.SingleRecordWithheld is { } kind && !_context.Response.HasStarted)
        {
            _pending.Reset();
            await AnswerWithheldAsync(kind, _filter.SingleRecord);
        }
        else
        {
            _export?.End();
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

        // Of MISP's headers only those the gateway understands came along (Upstream.AnswerHeaders); of those,
        // a location leaves only as a path the gateway serves: a redirect's, and the 404 + Location of an
        // event that already exists, how a pushing MISP server learns where it is (SPEC section 6).
        var response = _context.Response;
        var headers = response.Headers;
        var location = ServedLocation(headers.Location.ToString());
        var pushLocation = IsPushLocation();
        headers.Remove(HeaderNames.Location);
        if (pushLocation && _pushLocationOwned != true)
        {
            _mode = Mode.NotOwned;
            return;
        }

        if (location is not null)
        {
            headers.Location = location;
        }

        _signature = headers[Upstream.AnswerHeaders.Signature];
        headers.Remove(Upstream.AnswerHeaders.Signature);
        // A HEAD was asked of MISP as a GET (RequestModelMiddleware): its answer is judged as that GET's, and Kestrel sends no body.
        if (response.StatusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            _mode = Mode.PassThrough;
            return;
        }

        headers.CacheControl = "private";
        headers.Vary = "Authorization";
        if (response.StatusCode is >= 300 and < 400)
        {
            _mode = Mode.Redirected;
            return;
        }

        // What leaves is JSON the filter read as UTF-8, whatever MISP called it (a JSON answer labelled text/html
        // would have a browser run the script an event's text holds); an export writes its own type.
        _mode = Mode.Filter;
        response.ContentType = "application/json; charset=UTF-8";
        if (Export is not null && response.StatusCode is >= 200 and < 300)
        {
            // MISP's errors stay JSON; its data leaves in the export's format, the JSON envelope dropped.
            _export = Exports.ExportResponse.Start(response, Export, _filterContext, _pending, _timeProvider, ExportValueLeftOut);
            _filterOutput = new Exports.DiscardingBufferWriter();
        }

        _filter = new MispResponseFilter(_filterContext, _options.MaxEventBytes, OnUnit, _export) { OutputSliceBytes = OutputSliceBytes, LargeRecordBytes = _largeRecords.Bytes };

        // However the answer ends (a failure, a client gone), its held bytes are let go.
        _context.Response.RegisterForDispose(_filter);
        var encoding = headers.ContentEncoding.ToString();
        if (!string.IsNullOrEmpty(encoding) && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            headers.Remove(HeaderNames.ContentEncoding);
            _decoder = AnswerDecoder.For(encoding, FilterChunkAsync);
            if (_decoder is null)
            {
                _unreadable = "MISP sent an answer encoded as '" + encoding + "'";
            }
        }
    }

    /// <summary>
    /// Where a MISP redirect may send the client: a path the gateway serves (as MISP's REST restore
    /// sends to the attribute's view), made relative to the gateway; null for anything else (MISP's
    /// login page, another host).
    /// </summary>
    private static string? ServedLocation(string location)
    {
        if (!Uri.TryCreate(location, UriKind.RelativeOrAbsolute, out var uri))
        {
            return null;
        }

        var path = uri.IsAbsoluteUri ? uri.PathAndQuery : location;
        return path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal)
            && Requests.MispRoute.Parse(path.Split('?')[0], HttpMethods.Get) is { } route && Endpoints.EndpointCatalog.Find(route) is { } endpoint
            && endpoint.Methods.Contains(HttpMethods.Get) ? path : null;
    }

    private async Task FilterChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        // An event that waits for look-ups while the answer is read ahead: past the bounds, they go first.
        if (_filter!.PendingLookups is not null && !ReadsAhead(chunk.Length) && !await FilterAsync(static _ => { }, readAhead: false, cancellationToken))
        {
            return;
        }

        if (!await FilterAsync(filter => filter.Write(chunk.Span, _filterOutput), readAhead: true, cancellationToken))
        {
            return;
        }

        // Held until a unit is released, so the status can still change (a withheld single record is MISP's 404).
        if (_filter!.UnitsReleased > 0 && _pending.Length > 0)
        {
            await SendPendingAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Runs one step of the filter and the look-ups it asks for (unless, with <paramref name="readAhead"/>,
    /// they can wait for more of the answer); any failure ends the answer (never a pass-through).
    /// </summary>
    private async Task<bool> FilterAsync(Action<MispResponseFilter> step, bool readAhead, CancellationToken cancellationToken)
    {
        if (_unreadable is not null && !_failed)
        {
            await FailAsync(_unreadable);
        }

        if (!_failed && _filterContext.StillAdmitted?.Invoke() == false)
        {
            // Revoked, suspended or removed while its answer streams (access is revocable at any time): nothing more leaves.
            _audit.Write(AuditRecord.For(_context, _timeProvider, "refused", "refused-during-answer", _filterContext.Requester.Member.Id, null));
            await FailAsync("the member was revoked, suspended or removed while its answer was sent", refused: true);
        }

        if (_failed)
        {
            return false;
        }

        try
        {
            var filter = _filter!;
            step(filter);
            while (true)
            {
                if (_largeRecordTurn is not null && !filter.HoldsLargeRecord && !filter.WantsRoom)
                {
                    EndLargeRecordTurn();
                }

                if (filter.WantsRoom)
                {
                    if (_largeRecordTurn is null)
                    {
                        // However the answer ends, the turn ends with it at the latest.
                        _largeRecordTurn = await _largeRecords.AcquireAsync(cancellationToken);
                        _context.Response.RegisterForDispose(_largeRecordTurn);
                    }

                    filter.GrantRoom(_filterOutput);
                }
                else if (filter.PendingLookups is not null)
                {
                    // An event's look-ups may wait for more of the answer: the events after it are then asked along.
                    if (readAhead && ReadsAhead(0))
                    {
                        return true;
                    }

                    await ResolveLookupsAsync(cancellationToken);
                }
                else if (filter.OutputPending)
                {
                    // A unit is released, so the status is final: its slices can leave as they are written.
                    await SendPendingAsync(cancellationToken);
                    filter.ContinueOutput(_filterOutput);
                }
                else
                {
                    return true;
                }
            }
        }
        catch (FilterException ex)
        {
            await FailAsync(ex.Reason);
        }
        catch (GatewayBusyException ex)
        {
            await FailAsync(ex.Reason, busy: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FailAsync(FilterException.ReasonFor(ex));
        }

        return false;
    }

    /// <summary>
    /// Looks up the events a held unit depends on, with what the events after it need, found in the
    /// answer read ahead; a failed look-up counts as an event the requester may not receive.
    /// </summary>
    private Task ResolveLookupsAsync(CancellationToken cancellationToken) =>
        _events.ResolveAsync(_filter!, _filterContext, _filterOutput, _lookAhead, cancellationToken);

    /// <summary>
    /// Whether an event waiting for look-ups may wait for <paramref name="next"/> more bytes of the
    /// answer: at most <see cref="FilterOptions.CorrelationLookAheadBytes"/> past it, and never so
    /// much that the filter would hold more than <see cref="FilterOptions.MaxEventBytes"/>, or as
    /// much as a large record (which only a turn may hold: <see cref="LargeRecordLimit"/>).
    /// </summary>
    private bool ReadsAhead(int next) =>
        _lookAhead is not null && _options.CorrelationLookAheadBytes > 0 && _filter!.InputAhead is { } ahead
        && ahead.Length + next <= _options.CorrelationLookAheadBytes
        && _filter.BytesHeld + next <= _options.MaxEventBytes && _filter.BytesHeld + next < _largeRecords.Bytes;

    /// <summary>A released value the export cannot write (a text export's value holding a line break) is a removal of its own.</summary>
    private void ExportValueLeftOut(string? eventUuid, string? attributeUuid) =>
        _audit.Write(AuditRecord.For(_context, _timeProvider, "removed", "export-value-breaks-line", _filterContext.Requester.Member.Id, eventUuid) with { ItemKind = "attribute", ItemUuid = attributeUuid });

    private void OnUnit(UnitOutcome outcome)
    {
        var member = _filterContext.Requester.Member.Id;
        _metrics.Unit(member, outcome);
        if (!outcome.Released)
        {
            _audit.Write(AuditRecord.For(_context, _timeProvider, "removed", outcome.Reason ?? "withheld", member, outcome.EventUuid) with { ItemKind = outcome.Kind });
            return;
        }

        // Every part removed from a released record is a record of its own (SPEC section 8).
        foreach (var removal in outcome.Removals)
        {
            _audit.Write(AuditRecord.For(_context, _timeProvider, "removed", removal.Reason, member, outcome.EventUuid) with { ItemKind = removal.Kind, ItemUuid = removal.Uuid });
        }

        if (outcome.HidesSource && outcome.Kind == "event")
        {
            _audit.Write(AuditRecord.For(_context, _timeProvider, "rewritten", "source-hidden", member, outcome.EventUuid) with { ItemKind = outcome.Kind });
        }
    }

    /// <summary>
    /// A withheld single record: answered exactly as MISP answers for one that does not exist —
    /// except to its owner, whose HEAD gets MISP's own status and whose push keeps its success
    /// (SPEC section 6): a MISP server pushing its own TLP:RED event must not count it failed.
    /// </summary>
    private async Task AnswerWithheldAsync(RecordKind kind, UnitOutcome? outcome)
    {
        var owner = outcome is { } judged && _filterContext.Requester.IsOwner(judged.OrgcUuid);
        if (owner && HeadOnly)
        {
            return;
        }

        if (owner && IsWrite && kind == RecordKind.Event && outcome!.Value.EventId is { } id && outcome.Value.EventUuid is { } uuid)
        {
            var echo = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { Event = new { id, uuid } });
            _bytesOut += echo.Length;
            if (!HeadOnly)
            {
                await _inner.Stream.WriteAsync(echo, _context.RequestAborted);
            }

            return;
        }

        var (status, message) = MissingAnswer(kind, _context.Features.Get<Requests.MispRequest>()?.Route.Passed);
        await AnswerAsync(status, message, message);
    }

    /// <summary>What MISP answers for a record of this kind that does not exist (its controllers' exceptions), at the route asked.</summary>
    private static (int Status, string Message) MissingAnswer(RecordKind kind, IReadOnlyList<string>? passed) => kind switch
    {
        RecordKind.Attribute => (StatusCodes.Status405MethodNotAllowed, "Invalid attribute"),
        RecordKind.Object => (StatusCodes.Status404NotFound, "Invalid object."),
        RecordKind.EventReport => (StatusCodes.Status404NotFound, "Invalid report"),
        RecordKind.Proposal => (StatusCodes.Status404NotFound, "Invalid proposal."),
        RecordKind.Sighting => (StatusCodes.Status404NotFound, "Invalid sighting."),
        RecordKind.GalaxyCluster => (StatusCodes.Status404NotFound, "Invalid galaxy cluster"),
        // AnalystDataController::view names the type asked for (CRUDComponent: "Invalid Note."); asked across
        // all types, it finds none by the UUID (getAnalystDataTypeFromUUID: "Invalid UUID").
        RecordKind.AnalystData => (StatusCodes.Status404NotFound, passed is [var type, ..] && type is "Note" or "Opinion" or "Relationship" ? $"Invalid {type}." : "Invalid UUID"),
        _ => (StatusCodes.Status404NotFound, "Invalid event"),
    };

    /// <summary>The gateway's own answer in MISP's error shape, with the headers of any filtered answer.</summary>
    private async Task AnswerAsync(int status, string name, string message)
    {
        var response = _context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=UTF-8";
        response.Headers.ContentLength = null;
        response.Headers.Remove(HeaderNames.ContentEncoding);
        response.Headers.Remove(HeaderNames.ContentDisposition);
        if (!HeadOnly)
        {
            var body = MispError.Body(_context, name, message);
            _bytesOut += body.Length;
            await _inner.Stream.WriteAsync(body, _context.RequestAborted);
        }
    }

    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        KeepSignatureIfUnchanged();
        if (HeadOnly)
        {
            _pending.Reset();
            return;
        }

        if (_pending.Length == 0)
        {
            return;
        }

        _bytesOut += _pending.Length;
        foreach (var segment in _pending.AsReadOnlySequence)
        {
            await _inner.Stream.WriteAsync(segment, cancellationToken);
        }

        _pending.Reset();
    }

    /// <summary>
    /// Before the headers leave: MISP's signature goes with an answer that is one record released
    /// byte for byte (a protected event's view, which a MISP server checks), and with nothing else.
    /// </summary>
    private void KeepSignatureIfUnchanged()
    {
        if (_signature.Count > 0 && _export is null && _filter?.SingleRecord is { Released: true, Rewritten: false } && !_context.Response.HasStarted)
        {
            _context.Response.Headers[Upstream.AnswerHeaders.Signature] = _signature;
        }

        _signature = default;
    }

    /// <summary>Ends the answer's turn to hold a large record: its record is decided, or the answer failed.</summary>
    private void EndLargeRecordTurn()
    {
        _largeRecordTurn?.Dispose();
        _largeRecordTurn = null;
    }

    private async Task FailAsync(string reason, bool busy = false, bool refused = false)
    {
        _failed = true;
        EndLargeRecordTurn();
        _pending.Reset();
        _metrics.Failed(busy ? "large-records-busy" : refused ? "member-refused" : "unjudgeable-response");
        LogFilterFailed(_logger, _filterContext.Requester.Member.Id, reason);
        var status = _context.Response.StatusCode;
        if (!_context.Response.HasStarted)
        {
            if (refused)
            {
                await AnswerAsync(StatusCodes.Status403Forbidden, "Forbidden", "Your organisation's access has been revoked or suspended.");
            }
            else if (busy)
            {
                _context.Response.Headers.RetryAfter = "5";
                await AnswerAsync(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "The gateway is deciding as many large events as it may at once: ask again in a moment.");
            }
            else if (status >= 400)
            {
                // MISP's own error, with a body the gateway cannot read (or none): its status stays, its body does not.
                await AnswerAsync(status, "MISP error", $"MISP answered {status} with a body the gateway cannot check against the sharing rules.");
            }
            else
            {
                await AnswerAsync(StatusCodes.Status502BadGateway, "Bad Gateway", "MISP's answer could not be checked against the sharing rules, so none of it is sent.");
            }
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
