using System.Buffers;
using System.Text.Json;

namespace TlpGateway.Filtering;

/// <summary>
/// The streaming filter over one MISP response body. Bytes are pushed in as they arrive and
/// tokenized once: the envelope (<c>{"response":[</c>, the list brackets) is copied, while each
/// event, row or item is held whole (never more than one at a time, never more than
/// <see cref="FilterOptions.MaxEventBytes"/>) and recorded by <see cref="JsonScan"/> in the same
/// pass, decided by <see cref="UnitProcessor"/> once it closes, and only then written out. Nothing
/// of a unit leaves before its decision; any surprise throws <see cref="FilterException"/> and
/// nothing more is written.
/// </summary>
internal sealed class MispResponseFilter
{
    private readonly UnitProcessor _units;
    private readonly int _maxUnitBytes;
    private readonly Action<UnitOutcome> _onUnit;
    private readonly JsonScan _scan = JsonScan.Rent();
    private readonly Stack<Frame> _frames = new();

    private byte[] _buffer;
    private int _length;

    // Absolute offset (in the whole body) of _buffer[0].
    private long _bufferBase;
    private long _readAbs;
    private long _emittedAbs;
    private JsonReaderState _state = new(JsonScan.ReaderOptions);

    // The unit being held: where it starts, whether it is an object or array (scanned), and its shape.
    private long _unitStart = -1;
    private long _unitValueStart;
    private bool _unitIsContainer;
    private UnitShape _unitShape;
    private Frame? _unitFrame;

    // A property name seen in an object frame, waiting for its value.
    private long _pendingNameStart = -1;
    private string? _pendingName;
    private long _pendingUnitEnd;
    private bool _final;
    private bool _done;
    private bool _finished;

    // Where the buffered input must reach before the reader tries again to finish a token it could not.
    private long _retryAt;

    public MispResponseFilter(FilterContext context, int maxUnitBytes, Action<UnitOutcome> onUnit)
    {
        _units = new UnitProcessor(context);
        _maxUnitBytes = maxUnitBytes;
        _onUnit = onUnit;
        _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    }

    /// <summary>True once the body was a single <c>{"Event":...}</c> whose event was withheld.</summary>
    public bool SingleEventWithheld { get; private set; }

    /// <summary>
    /// The events the held unit depends on (the event a proposal or sighting concerns, the related
    /// events of an event's correlations), which must be looked up before the filter can go on: the
    /// caller looks them up, makes them known through the context, and calls <see cref="Resume"/>.
    /// </summary>
    public IReadOnlyList<string>? PendingLookups { get; private set; }

    /// <summary>How many units (events, rows, items) have been released so far.</summary>
    public int UnitsReleased { get; private set; }

    /// <summary>How many bytes the tokenizer was handed, a token read again after more input came included: the filter's work.</summary>
    public long BytesExamined { get; private set; }

    private sealed class Frame(FrameKind kind)
    {
        public FrameKind Kind { get; } = kind;

        public bool AnyKept { get; set; }
    }

    private enum FrameKind
    {
        TopObject,
        TopArray,
        ResponseObject,
        ResponseArray,
        AttributeArray,
    }

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
        if (PendingLookups is null)
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

        if (PendingLookups is null)
        {
            Run(_final, output);
        }

        if (_final && PendingLookups is null)
        {
            Finish(output);
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
        if (!IsWhitespace(_buffer.AsSpan((int)(_readAbs - _bufferBase), (int)(_bufferBase + _length - _readAbs))))
        {
            throw new FilterException("data after the end of the JSON document");
        }

        CopyInput(_bufferBase + _length, output);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _finished = true;
        _scan.Return();
    }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        // Drop what is already emitted and read, keeping the unit being held.
        var keepFrom = Math.Min(_readAbs, _unitStart >= 0 ? _unitStart : _emittedAbs);
        keepFrom = Math.Min(keepFrom, _emittedAbs);
        var drop = (int)(keepFrom - _bufferBase);
        if (drop > 0 && _length + chunk.Length > _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, drop, _buffer, 0, _length - drop);
            _length -= drop;
            _bufferBase += drop;
        }

        // What is held is one event (or one envelope token): bounded, whatever MISP sends.
        if (_bufferBase + _length + chunk.Length - keepFrom > _maxUnitBytes)
        {
            throw new FilterException($"an event is larger than the configured bound of {_maxUnitBytes} bytes");
        }

        if (_length + chunk.Length > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + chunk.Length));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _length);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        chunk.CopyTo(_buffer.AsSpan(_length));
        _length += chunk.Length;
    }

    private void Run(bool isFinal, IBufferWriter<byte> output)
    {
        if (_done)
        {
            return;
        }

        var start = (int)(_readAbs - _bufferBase);
        BytesExamined += _length - start;
        var reader = new Utf8JsonReader(_buffer.AsSpan(start, _length - start), isFinal, _state);
        try
        {
            while (!_done && PendingLookups is null)
            {
                if (_unitStart >= 0)
                {
                    // Inside a held unit: the scan records it until it closes.
                    if (!_scan.Advance(ref reader, (int)(_readAbs - _unitValueStart)))
                    {
                        break;
                    }

                    FinishUnit(_readAbs + reader.BytesConsumed, output);
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
            throw new FilterException("malformed JSON: " + ex.Message);
        }

        _retryAt = reader.BytesConsumed == 0 ? _bufferBase + _length + (_length - start) : 0;
        _readAbs += reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    private void HandleToken(ref Utf8JsonReader reader, long tokenStart, long tokenEnd, IBufferWriter<byte> output)
    {
        var type = reader.TokenType;
        if (_frames.Count == 0)
        {
            switch (type)
            {
                case JsonTokenType.StartObject:
                    CopyInput(tokenEnd, output);
                    _frames.Push(new Frame(FrameKind.TopObject));
                    return;
                case JsonTokenType.StartArray:
                    CopyInput(tokenEnd, output);
                    _frames.Push(new Frame(FrameKind.TopArray));
                    return;
                default:
                    // A lone string or number carries no event.
                    _done = true;
                    return;
            }
        }

        var frame = _frames.Peek();
        if (type is JsonTokenType.EndObject or JsonTokenType.EndArray)
        {
            CopyInput(tokenEnd, output);
            _frames.Pop();
            _done = _frames.Count == 0;

            return;
        }

        var isObjectFrame = frame.Kind is FrameKind.TopObject or FrameKind.ResponseObject;
        if (isObjectFrame && type == JsonTokenType.PropertyName)
        {
            _pendingNameStart = tokenStart;
            _pendingName = reader.GetString();
            return;
        }

        var elementStart = isObjectFrame ? _pendingNameStart : tokenStart;
        var isContainer = type is JsonTokenType.StartObject or JsonTokenType.StartArray;

        // The containers the filter descends into rather than holding whole.
        FrameKind? descend = (frame.Kind, _pendingName, type) switch
        {
            (FrameKind.TopObject, "response", JsonTokenType.StartArray) => FrameKind.ResponseArray,
            (FrameKind.TopObject, "response", JsonTokenType.StartObject) => FrameKind.ResponseObject,
            (FrameKind.ResponseObject, "Attribute", JsonTokenType.StartArray) => FrameKind.AttributeArray,
            _ => null,
        };
        if (descend is { } kind)
        {
            EmitGap(frame, elementStart, output);
            CopyInput(tokenEnd, output);
            frame.AnyKept = true;
            _frames.Push(new Frame(kind));
            _pendingName = null;
            return;
        }

        _unitStart = elementStart;
        _unitValueStart = tokenStart;
        _unitFrame = frame;
        _unitShape = frame.Kind switch
        {
            FrameKind.TopObject when _pendingName == "Event" => UnitShape.Event,
            FrameKind.AttributeArray => UnitShape.AttributeRow,
            _ => UnitShape.Item,
        };
        _pendingName = null;
        _unitIsContainer = isContainer;
        if (isContainer)
        {
            _scan.Begin(type == JsonTokenType.StartArray);
        }
        else
        {
            FinishUnit(tokenEnd, output);
        }
    }

    private void FinishUnit(long unitEnd, IBufferWriter<byte> output)
    {
        var frame = _unitFrame!;
        var valueOffset = (int)(_unitValueStart - _bufferBase);
        var end = (int)(unitEnd - _bufferBase);
        var value = _buffer.AsMemory(valueOffset, end - valueOffset);

        // A string, number or literal in a unit's place cannot carry an event.
        var outcome = _unitIsContainer ? _units.Decide(_scan.Complete(value), _unitShape) : UnitOutcome.PassedThrough;
        if (outcome.Lookups is { } lookups)
        {
            // Held as it is until the caller has looked the events up.
            PendingLookups = lookups;
            _pendingUnitEnd = unitEnd;
            return;
        }

        _onUnit(outcome);
        if (outcome.Released)
        {
            UnitsReleased++;
            EmitGap(frame, _unitStart, output);
            CopyInput(_unitValueStart, output);
            if (_unitIsContainer)
            {
                _units.Emit(value.Span, output);
            }
            else
            {
                output.Write(value.Span);
            }

            frame.AnyKept = true;
        }
        else if (_unitShape == UnitShape.Event && frame.Kind == FrameKind.TopObject)
        {
            SingleEventWithheld = true;
        }

        _emittedAbs = unitEnd;
        _unitStart = -1;
        _unitFrame = null;
    }

    /// <summary>
    /// Writes the bytes between the previous element and this one. When every element before this
    /// one was withheld, the separating comma is dropped so the list stays valid JSON.
    /// </summary>
    private void EmitGap(Frame frame, long elementStart, IBufferWriter<byte> output)
    {
        var gap = _buffer.AsSpan((int)(_emittedAbs - _bufferBase), (int)(elementStart - _emittedAbs));
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
            output.Write(_buffer.AsSpan((int)(_emittedAbs - _bufferBase), (int)(upTo - _emittedAbs)));
            _emittedAbs = upTo;
        }
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> chunk) =>
        chunk.IndexOfAnyExcept(" \t\r\n"u8) < 0;
}
