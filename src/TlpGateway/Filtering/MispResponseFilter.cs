using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using TlpGateway.Decision;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>
/// The streaming filter over one MISP response body. Bytes are pushed in as they arrive, checked as
/// UTF-8 and tokenized once. The envelope (<c>{"response":[</c>, list brackets) is copied; each
/// record (an event, a row, an item with the blocks MISP writes beside it) is held whole — never
/// more than one at a time, never more than <see cref="FilterOptions.MaxEventBytes"/> — recorded by
/// <see cref="JsonScan"/> in the same pass, decided by <see cref="UnitDecision"/> once it closes, and
/// only then written out. Nothing of a record leaves before its decision; any surprise throws
/// <see cref="FilterException"/> and nothing more is written.
/// </summary>
/// <remarks>
/// The answers it knows:
/// <list type="bullet">
/// <item><c>{"response": [record, ...]}</c> (restSearch), also with PHP's object-list <c>{"0": record, ...}</c>;</item>
/// <item><c>{"response": {"Attribute": [row, ...]}}</c> (attribute restSearch), rows as a list or object-list;</item>
/// <item><c>[record, ...]</c> (index, proposals, analyst data...);</item>
/// <item><c>{"Attribute": [row, ...]}</c> (several attributes added at once), rows as restSearch's;</item>
/// <item>any other object: one record, held whole (<c>{"Event": ...}</c>, <c>{"Attribute": ...}</c>,
/// <c>{"EventReport": ..., "Event": ..., "SharingGroup": ...}</c>, a write result, metadata).</item>
/// </list>
/// A bare string, number or literal in place of an answer is refused: MISP answers JSON objects and lists.
/// So is an envelope MISP does not write: a name beside <c>response</c>, a second <c>response</c>, and, in a
/// data answer, a list element that is not a record (only metadata answers list plain values).
/// </remarks>
internal sealed partial class MispResponseFilter : IDisposable
{
    private static readonly byte[] ResponseName = "\"response\""u8.ToArray();
    private static readonly byte[] AttributeName = "\"Attribute\""u8.ToArray();

    private readonly UnitDecision _decision;
    private readonly int _maxUnitBytes;
    private readonly Action<UnitOutcome> _onUnit;
    private readonly IRecordSink? _sink;
    private readonly ReleasedRecord? _record;
    private readonly JsonScan _scan = JsonScan.Rent();
    private readonly Stack<Frame> _frames = new();

    // The page of the answer's list the client asked for, counted over the records released.
    private readonly Paging.ReleasePage.Counter? _page;

    // The endpoint answers no MISP data: its lists may hold plain values (the UUIDs of a push negotiation).
    private readonly bool _metadataOnly;

    private readonly HeldBuffer _buffer = new();
    private int _length;

    // Absolute offset (in the whole body) of the buffer's first byte.
    private long _bufferBase;
    private long _readAbs;
    private long _emittedAbs;
    private long _validatedAbs;
    private JsonTokenizerState _state;

    // The unit being held: where it starts, and what its place says it is.
    private long _unitStart = -1;
    private long _unitValueStart;
    private UnitPlace _unitPlace;
    private Frame? _unitFrame;

    // A property name seen in an object frame, waiting for its value.
    private long _pendingNameStart = -1;
    private Key _pendingKey;
    private long _pendingUnitEnd;
    private RecordKind _pendingRecord;

    // Where the slices of the released unit being written stand (OutputPending).
    private Edits.EmitCursor _emitCursor;
    private long _emittingUnitEnd;
    private bool _final;
    private bool _done;
    private bool _finished;

    // Where the buffered input must reach before the reader tries again to finish a token it could not.
    private long _retryAt;

    /// <param name="context">Who the answer is filtered for.</param>
    /// <param name="maxUnitBytes">The largest record held.</param>
    /// <param name="onUnit">Told the outcome of every record, released or not.</param>
    /// <param name="sink">
    /// When set, each released record goes to it, as the gateway would send it, instead of the
    /// answer's bytes (an export writer, the maintainers' preview); the envelope still goes to the
    /// output, for the caller to keep or drop.
    /// </param>
    public MispResponseFilter(FilterContext context, int maxUnitBytes, Action<UnitOutcome> onUnit, IRecordSink? sink = null)
    {
        _decision = new UnitDecision(context, attributeLevels: sink is not null);
        _metadataOnly = context.MetadataOnly;
        _maxUnitBytes = maxUnitBytes;
        _onUnit = onUnit;
        _sink = sink;
        _record = sink is null ? null : new ReleasedRecord();
        _page = context.Page?.Start();
    }

    /// <summary>The answer was a single record, withheld: the caller answers as MISP does for a missing item of that kind.</summary>
    public RecordKind? SingleRecordWithheld { get; private set; }

    /// <summary>The outcome of the answer's single record (a view, an echo), once decided.</summary>
    public UnitOutcome? SingleRecord { get; private set; }

    /// <summary>
    /// The events the held unit depends on (the event a row or item concerns, the related events of
    /// an event's correlations), which must be looked up before the filter can go on: the caller
    /// looks them up, makes them known through the context, and calls <see cref="Resume"/>.
    /// </summary>
    public IReadOnlyList<string>? PendingLookups { get; private set; }

    /// <summary>
    /// Where the filter stands, to name where a failure was found (the maintainers' preview): the byte
    /// offset in the body of the record it holds, else of the end of what it decided.
    /// </summary>
    public (long Offset, bool InRecord) Position => _unitStart >= 0 ? (_unitValueStart, true) : (_emittedAbs, false);

    /// <summary>
    /// At most how many bytes of a released unit are written in one step: a held 20 MB event then
    /// leaves in slices the caller sends one by one (<see cref="OutputPending"/>), rather than waiting
    /// whole in memory a second time. By default a unit is written at once.
    /// </summary>
    public int OutputSliceBytes { get; init; } = int.MaxValue;

    /// <summary>A released unit is being written in slices: the caller sends what was written and calls <see cref="ContinueOutput"/>.</summary>
    public bool OutputPending { get; private set; }

    /// <summary>
    /// From how many held bytes a record is large: the filter then stops (<see cref="WantsRoom"/>)
    /// until its caller grants it room to hold more (<see cref="GrantRoom"/>), so the caller can bound
    /// how many large records are held at once across answers. By default no record waits.
    /// </summary>
    public int LargeRecordBytes { get; init; } = int.MaxValue;

    /// <summary>The record being held has grown large: the caller grants it room (<see cref="GrantRoom"/>) before it goes on.</summary>
    public bool WantsRoom { get; private set; }

    /// <summary>The record being held was granted room as a large one, until it is decided.</summary>
    public bool HoldsLargeRecord { get; private set; }

    /// <summary>
    /// While the held unit is an event waiting for look-ups: the input buffered after it, not read
    /// yet, where the caller may look ahead for what the events that follow will need
    /// (<see cref="CorrelationLookAhead"/>, which decides nothing). Null otherwise.
    /// </summary>
    public ReadOnlyMemory<byte>? InputAhead => PendingLookups is not null && _pendingRecord == RecordKind.Event
        ? _buffer.Memory.Slice((int)(_pendingUnitEnd - _bufferBase), (int)(_bufferBase + _length - _pendingUnitEnd))
        : null;

    /// <summary>How many bytes of input the filter holds (the held unit and what is buffered after it): at most the largest record.</summary>
    public long BytesHeld => _bufferBase + _length - KeepFrom;

    // What the buffer must keep: the unit being held, and what is not emitted or not read yet.
    private long KeepFrom => Math.Min(Math.Min(_readAbs, _unitStart >= 0 ? _unitStart : _emittedAbs), _emittedAbs);

    /// <summary>The filter waits for its caller: for look-ups, to send a slice, or for room.</summary>
    private bool Waiting => PendingLookups is not null || OutputPending || WantsRoom;

    /// <summary>How many units (events, rows, items) have been released so far.</summary>
    public int UnitsReleased { get; private set; }

    /// <summary>How many bytes the tokenizer was handed, a token read again after more input came included: the filter's work.</summary>
    public long BytesExamined { get; private set; }

    /// <summary>Takes the next chunk of the body; writes whatever is decided to <paramref name="output"/>.</summary>
    public void Write(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        if (_done && !IsWhitespace(chunk))
        {
            throw new FilterException("data after the end of the JSON document");
        }

        Append(chunk);

        // A token longer than a chunk (an attachment's base64) is read again only once the unread
        // input has doubled, so slow delivery costs linear time, not the token's length per chunk.
        if (_bufferBase + _length >= _retryAt)
        {
            Run(isFinal: false, output);
        }
    }

    /// <summary>The body ended: checks it was whole and writes the rest (once no look-up is pending).</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        _final = true;
        Run(isFinal: true, output);
        if (!Waiting)
        {
            Finish(output);
        }
    }

    /// <summary>Decides the held unit now that the events it depends on are known, and goes on with what is buffered.</summary>
    public void Resume(IBufferWriter<byte> output)
    {
        var pending = PendingLookups ?? throw new InvalidOperationException("No look-up is pending.");
        PendingLookups = null;
        FinishUnit(_pendingUnitEnd, output);
        if (PendingLookups is { } again && again.Any(pending.Contains))
        {
            throw new FilterException("a looked-up event is still unknown");
        }

        if (!Waiting)
        {
            Run(_final, output);
        }

        if (_final && !Waiting)
        {
            Finish(output);
        }
    }

    /// <summary>The large record may be held whole: goes on with what is buffered.</summary>
    public void GrantRoom(IBufferWriter<byte> output)
    {
        if (!WantsRoom)
        {
            throw new InvalidOperationException("No room is wanted.");
        }

        WantsRoom = false;
        HoldsLargeRecord = true;
        Run(_final, output);
        if (_final && !Waiting)
        {
            Finish(output);
        }
    }

    /// <summary>Writes the next slice of the released unit, then, once it is whole, goes on with what is buffered.</summary>
    public void ContinueOutput(IBufferWriter<byte> output)
    {
        if (!OutputPending)
        {
            throw new InvalidOperationException("No output is pending.");
        }

        var value = _buffer.Span.Slice((int)(_unitValueStart - _bufferBase), (int)(_emittingUnitEnd - _unitValueStart));
        if (!_decision.EmitSlice(value, output, ref _emitCursor, OutputSliceBytes))
        {
            return;
        }

        OutputPending = false;
        if (_unitFrame is { } frame)
        {
            frame.AnyKept = true;
        }

        EndUnit(_emittingUnitEnd, _unitFrame);
        Run(_final, output);
        if (_final && !Waiting)
        {
            Finish(output);
        }
    }

    /// <summary>Lets go of the held bytes and the scanner of an answer that did not finish (a failure, a client gone); a finished one has.</summary>
    public void Dispose()
    {
        if (!_finished)
        {
            _finished = true;
            _buffer.Dispose();
            _record?.Dispose();
            _scan.Return();
        }
    }

    private void Finish(IBufferWriter<byte> output)
    {
        // The buffer and the scanner go back to their pools here: only once.
        ObjectDisposedException.ThrowIf(_finished, this);
        if (!_done)
        {
            throw new FilterException(_readAbs == 0 && _length == 0 ? "empty body" : "truncated JSON");
        }

        // What follows the document in the last chunks it came with was never read: only whitespace may follow.
        if (!IsWhitespace(_buffer.Span.Slice((int)(_readAbs - _bufferBase), (int)(_bufferBase + _length - _readAbs))))
        {
            throw new FilterException("data after the end of the JSON document");
        }

        CopyInput(_bufferBase + _length, output);
        Dispose();
    }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        // Drop what is already emitted and read, keeping the unit being held.
        var keepFrom = KeepFrom;
        var drop = (int)(keepFrom - _bufferBase);
        if (drop > 0 && (_length + chunk.Length > _buffer.Capacity || _buffer.ShouldCompact(drop)))
        {
            _buffer.Compact(drop, _length);
            _length -= drop;
            _bufferBase += drop;
        }

        // What is held is one record (or one envelope token): bounded, whatever MISP sends.
        if (_bufferBase + _length + chunk.Length - keepFrom > _maxUnitBytes)
        {
            throw new FilterException($"an event is larger than the configured bound of {_maxUnitBytes} bytes");
        }

        if (_length + chunk.Length > _buffer.Capacity)
        {
            _buffer.Grow(_length, _length + chunk.Length);
        }

        chunk.CopyTo(_buffer.Span[_length..]);
        _length += chunk.Length;
    }

    /// <summary>
    /// Checks the input not yet checked is UTF-8 (vectorised), up to the last whole character: a
    /// broken byte must end the answer, not become part of a tag name that then reads as another.
    /// </summary>
    private void Validate(bool isFinal)
    {
        var from = (int)(_validatedAbs - _bufferBase);
        var span = _buffer.Span.Slice(from, _length - from);
        var whole = isFinal ? span.Length : WholeCharacters(span);
        if (!Utf8.IsValid(span[..whole]))
        {
            throw new FilterException("the answer is not valid UTF-8");
        }

        _validatedAbs += whole;
    }

    /// <summary>The length of <paramref name="span"/> without a character cut at its end.</summary>
    private static int WholeCharacters(ReadOnlySpan<byte> span)
    {
        // A character is at most four bytes: look back for the lead byte of the last one.
        for (var back = 1; back <= Math.Min(4, span.Length); back++)
        {
            var b = span[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? span.Length - back : span.Length;
        }

        return span.Length;
    }

    private void Run(bool isFinal, IBufferWriter<byte> output)
    {
        if (_done)
        {
            return;
        }

        Validate(isFinal);
        var start = (int)(_readAbs - _bufferBase);
        BytesExamined += _length - start;
        var reader = new JsonTokenizer(_buffer.Span.Slice(start, _length - start), isFinal, _state);
        try
        {
            while (!_done && !Waiting)
            {
                if (_unitStart >= 0)
                {
                    // Inside a held unit: the scan records it until it closes.
                    if (!_scan.Advance(ref reader, (int)(_readAbs - _unitValueStart)))
                    {
                        // A record that has grown large holds no more until its caller makes room.
                        WantsRoom = !HoldsLargeRecord && _bufferBase + _length - _unitStart >= LargeRecordBytes;
                        break;
                    }

                    FinishUnit(_readAbs + reader.BytesConsumed, output);
                    continue;
                }

                if (_frames.Count == 0 && !StartDocument(ref reader, isFinal, output))
                {
                    break;
                }

                if (_unitStart >= 0 || _done)
                {
                    continue;
                }

                if (!reader.Read())
                {
                    break;
                }

                HandleToken(ref reader, _readAbs + reader.TokenStartIndex, _readAbs + reader.BytesConsumed, output);
            }
        }
        catch (JsonException ex)
        {
            throw new FilterException(FilterException.ReasonFor(ex));
        }

        _retryAt = reader.BytesConsumed == 0 ? _bufferBase + _length + (_length - start) : 0;
        _readAbs += reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    private void BeginUnit(long elementStart, long valueStart, UnitPlace place, Frame? frame, bool isArray)
    {
        _unitStart = elementStart;
        _unitValueStart = valueStart;
        _unitFrame = frame;
        _unitPlace = place;
        _scan.Begin(isArray);
    }

    private void FinishUnit(long unitEnd, IBufferWriter<byte> output)
    {
        var frame = _unitFrame;
        var valueOffset = (int)(_unitValueStart - _bufferBase);
        var end = (int)(unitEnd - _bufferBase);
        var value = _buffer.Memory.Slice(valueOffset, end - valueOffset);

        if (frame is not null && _page is { Full: true })
        {
            // After the page the client asked for: nothing more leaves, so nothing more is judged (nor looked up).
            ReleaseLargeRecord();
            EndUnit(unitEnd, frame);
            return;
        }

        var outcome = _unitPlace == UnitPlace.Scalar ? UnitOutcome.PassedThrough : _decision.Decide(_scan.Complete(value), _unitPlace);
        if (outcome.Lookups is { } lookups)
        {
            // Held as it is until the caller has looked the events up.
            PendingLookups = lookups;
            _pendingUnitEnd = unitEnd;
            _pendingRecord = outcome.Record;
            return;
        }

        // Decided: writing it needs only its bytes and the edits, however slowly the client reads,
        // so its turn ends here and what its scan recorded goes back to the pools for the next one.
        ReleaseLargeRecord();
        if (outcome.Released && frame is not null && _page is { } page && !page.Admit())
        {
            // Released, but before the page: counted, not sent, and not audited as sent.
            EndUnit(unitEnd, frame);
            return;
        }

        _onUnit(outcome);
        if (frame is null)
        {
            SingleRecord = outcome;
        }

        if (outcome.Released && _sink is not null)
        {
            UnitsReleased++;
            var record = _record!;
            if (_unitPlace == UnitPlace.Scalar)
            {
                record.Write(value.Span);
            }
            else
            {
                _decision.Emit(value.Span, record);
            }

            _sink.Write(outcome, record.WrittenSpan);
            record.Clear();
        }
        else if (outcome.Released)
        {
            UnitsReleased++;
            if (frame is not null)
            {
                EmitGap(frame, _unitStart, output);
            }

            CopyInput(_unitValueStart, output);
            if (_unitPlace == UnitPlace.Scalar)
            {
                output.Write(value.Span);
            }
            else
            {
                _emitCursor = _decision.BeginEmit();
                _emittingUnitEnd = unitEnd;
                if (!_decision.EmitSlice(value.Span, output, ref _emitCursor, OutputSliceBytes))
                {
                    // The rest is written by ContinueOutput, once the caller has sent this slice.
                    OutputPending = true;
                    return;
                }
            }

            if (frame is not null)
            {
                frame.AnyKept = true;
            }
        }
        else if (frame is null)
        {
            SingleRecordWithheld = outcome.Record;
        }

        EndUnit(unitEnd, frame);
    }

    private void ReleaseLargeRecord()
    {
        if (HoldsLargeRecord)
        {
            HoldsLargeRecord = false;
            _scan.Release();
        }
    }

    private void EndUnit(long unitEnd, Frame? frame)
    {
        _emittedAbs = unitEnd;
        _unitStart = -1;
        _unitFrame = null;
        _done = frame is null;
    }

    /// <summary>
    /// Writes the bytes between the previous element and this one. When every element before this
    /// one was withheld, the separating comma is dropped so the list stays valid JSON.
    /// </summary>
    private void EmitGap(Frame frame, long elementStart, IBufferWriter<byte> output)
    {
        var gap = _buffer.Span.Slice((int)(_emittedAbs - _bufferBase), (int)(elementStart - _emittedAbs));
        if (!frame.AnyKept)
        {
            var comma = gap.IndexOf((byte)',');
            if (comma >= 0)
            {
                gap = gap[(comma + 1)..];
            }
        }

        output.Write(gap);
        _emittedAbs = elementStart;
    }

    private void CopyInput(long upTo, IBufferWriter<byte> output)
    {
        if (upTo > _emittedAbs)
        {
            output.Write(_buffer.Span.Slice((int)(_emittedAbs - _bufferBase), (int)(upTo - _emittedAbs)));
            _emittedAbs = upTo;
        }
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> chunk) =>
        chunk.IndexOfAnyExcept(" \t\r\n"u8) < 0;
}
