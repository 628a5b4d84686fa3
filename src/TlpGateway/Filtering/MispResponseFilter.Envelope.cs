using System.Buffers;
using System.Text.Json;
using TlpGateway.Decision;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>
/// Where the records are in an answer: the envelope (<c>{"response": ...}</c>, the lists and
/// object-lists of records and attribute rows) is copied as it comes, and each record found in it
/// starts a held unit.
/// </summary>
internal sealed partial class MispResponseFilter
{
    private sealed class Frame(FrameKind kind)
    {
        public FrameKind Kind { get; } = kind;

        public bool AnyKept { get; set; }

        /// <summary>The envelope's <c>response</c>, or a response object's <c>Attribute</c>, was read: a second one is no answer MISP writes.</summary>
        public bool RecordsOpened { get; set; }
    }

    private enum FrameKind
    {
        /// <summary>The top-level object of a <c>{"response": ...}</c> envelope.</summary>
        Envelope,

        /// <summary>A list of records: the top-level array, or <c>response</c> as a list.</summary>
        Records,

        /// <summary><c>response</c> as an object: holding <c>Attribute</c>, or PHP's object-list of records.</summary>
        ResponseObject,

        /// <summary>The rows of <c>response.Attribute</c>, a list or an object-list.</summary>
        AttributeRows,
        AttributeRowObject,

        /// <summary>The top-level object of <c>{"Attribute": [...]}</c>: several attributes added at once (<c>AttributesController::add</c>).</summary>
        AddedAttributes,
    }

    /// <summary>
    /// Reads the document's first token: an array is a list of records; an object is the envelope
    /// when its first name is <c>response</c>, else one record held whole. False when more input is needed.
    /// </summary>
    private bool StartDocument(ref JsonTokenizer reader, bool isFinal, IBufferWriter<byte> output)
    {
        var consumed = (int)reader.BytesConsumed;
        var rest = _buffer.Span.Slice((int)(_readAbs - _bufferBase) + consumed, _length - (int)(_readAbs - _bufferBase) - consumed);
        var first = rest.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0)
        {
            return false;
        }

        if (rest[first] == (byte)'{')
        {
            // Look at the first name before deciding: the envelope streams, and so do attributes added at once
            // ({"Attribute": [...]}, rows like restSearch's); any other object is a record, held whole.
            var afterBrace = rest[(first + 1)..];
            var envelope = StartsWithName(afterBrace, ResponseName, null, isFinal);
            var added = envelope == false ? StartsWithName(afterBrace, AttributeName, (byte)'[', isFinal) : false;
            if (envelope is null || added is null || !reader.Read())
            {
                return false;
            }

            if (envelope == false && added == false)
            {
                BeginUnit(_readAbs + reader.TokenStartIndex, _readAbs + reader.TokenStartIndex, UnitPlace.Record, frame: null, isArray: false);
                return true;
            }

            CopyInput(_readAbs + reader.BytesConsumed, output);
            _frames.Push(new Frame(envelope == true ? FrameKind.Envelope : FrameKind.AddedAttributes));
            return true;
        }

        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FilterException("a bare JSON value in place of MISP's answer");
        }

        CopyInput(_readAbs + reader.BytesConsumed, output);
        _frames.Push(new Frame(FrameKind.Records));
        return true;
    }

    /// <summary>
    /// Whether an object whose brace came just before <paramref name="afterBrace"/> starts with the name <paramref name="name"/>
    /// (quotes included), its colon and, when given, <paramref name="value"/> as the first byte of its value; null when more input is needed.
    /// </summary>
    private static bool? StartsWithName(ReadOnlySpan<byte> afterBrace, ReadOnlySpan<byte> name, byte? value, bool isFinal)
    {
        var start = afterBrace.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0)
        {
            return isFinal ? false : null;
        }

        var rest = afterBrace[start..];
        if (!rest.StartsWith(name))
        {
            return rest.Length < name.Length && name.StartsWith(rest) && !isFinal ? null : false;
        }

        rest = rest[name.Length..];
        var colon = rest.IndexOfAnyExcept(" \t\r\n"u8);
        if (colon < 0)
        {
            return isFinal ? false : null;
        }

        if (rest[colon] != (byte)':' || value is not { } expected)
        {
            return rest[colon] == (byte)':';
        }

        rest = rest[(colon + 1)..];
        var first = rest.IndexOfAnyExcept(" \t\r\n"u8);
        return first < 0 ? (isFinal ? false : null) : rest[first] == expected;
    }

    private void HandleToken(ref JsonTokenizer reader, long tokenStart, long tokenEnd, IBufferWriter<byte> output)
    {
        var type = reader.TokenType;
        var frame = _frames.Peek();
        if (type is JsonTokenType.EndObject or JsonTokenType.EndArray)
        {
            CopyInput(tokenEnd, output);
            _frames.Pop();
            _done = _frames.Count == 0;
            return;
        }

        var isObjectFrame = frame.Kind is FrameKind.Envelope or FrameKind.ResponseObject or FrameKind.AttributeRowObject or FrameKind.AddedAttributes;
        if (isObjectFrame && type == JsonTokenType.PropertyName)
        {
            _pendingNameStart = tokenStart;
            _pendingKey = JsonScan.KeyOf(ref reader);
            if (reader.ValueSpan.SequenceEqual("response"u8) && frame.Kind == FrameKind.Envelope)
            {
                _pendingKey = Key.Other;
                _pendingIsResponse = true;
            }

            return;
        }

        var elementStart = isObjectFrame ? _pendingNameStart : tokenStart;
        var isContainer = type is JsonTokenType.StartObject or JsonTokenType.StartArray;
        var key = _pendingKey;
        var isResponse = _pendingIsResponse;
        _pendingIsResponse = false;
        _pendingKey = Key.Other;

        switch (frame.Kind)
        {
            case FrameKind.Envelope when isResponse:
                OpenRecordsOnce(frame, "response");
                if (type == JsonTokenType.StartArray)
                {
                    Descend(frame, elementStart, tokenEnd, FrameKind.Records, output);
                    return;
                }

                if (type == JsonTokenType.StartObject)
                {
                    // An object under "response": rows of attributes, or PHP's object-list of records.
                    Descend(frame, elementStart, tokenEnd, FrameKind.ResponseObject, output);
                    return;
                }

                throw new FilterException("\"response\" holds neither a list nor an object");

            case FrameKind.Envelope:
                // MISP writes nothing beside "response" but, in debug mode, its SQL log ("sql_dump": every query,
                // with the ids and UUIDs it fetched); anything there is about the unfiltered answer.
                throw new FilterException("a property beside \"response\" in MISP's envelope");

            case FrameKind.ResponseObject or FrameKind.AddedAttributes when key == Key.Attribute && type == JsonTokenType.StartArray:
                OpenRecordsOnce(frame, "Attribute");
                Descend(frame, elementStart, tokenEnd, FrameKind.AttributeRows, output);
                return;

            case FrameKind.AddedAttributes:
                // Beside the attributes MISP writes only its validation errors for those it could not save ("errors"), which
                // the gateway does not read: the attributes were saved, the answer ends as an error.
                throw new FilterException("a property beside the added attributes in MISP's answer");

            case FrameKind.ResponseObject when key == Key.Attribute && type == JsonTokenType.StartObject:
                OpenRecordsOnce(frame, "Attribute");
                Descend(frame, elementStart, tokenEnd, FrameKind.AttributeRowObject, output);
                return;

            case FrameKind.ResponseObject when key == Key.Index:
                BeginOrPass(frame, elementStart, tokenStart, tokenEnd, type, UnitPlace.Record, output);
                return;

            case FrameKind.ResponseObject:
                throw new FilterException("\"response\" is an object holding neither Attribute nor a list of records");

            case FrameKind.AttributeRows:
            case FrameKind.AttributeRowObject:
                if (frame.Kind == FrameKind.AttributeRowObject && key != Key.Index)
                {
                    throw new FilterException("a list of attributes written as an object with names that are not indices");
                }

                RequireObject(type, "an attribute row");
                BeginUnit(elementStart, tokenStart, UnitPlace.AttributeRow, frame, isArray: false);
                return;

            default:
                // An element of a list of records: strings (lists of UUIDs a sync answer gives back) pass; containers are records.
                BeginOrPass(frame, elementStart, tokenStart, tokenEnd, type, UnitPlace.Record, output);
                return;
        }
    }

    private bool _pendingIsResponse;

    private void BeginOrPass(Frame frame, long elementStart, long tokenStart, long tokenEnd, JsonTokenType type, UnitPlace place, IBufferWriter<byte> output)
    {
        if (type == JsonTokenType.StartObject || (_metadataOnly && type == JsonTokenType.StartArray))
        {
            BeginUnit(elementStart, tokenStart, place, frame, type == JsonTokenType.StartArray);
            return;
        }

        // MISP's records are objects. A plain value stands in a list only where the endpoint answers no MISP
        // data (the UUIDs a push negotiation answers); in a data answer it is unjudged (a UUID, a count).
        if (!_metadataOnly)
        {
            throw new FilterException("an element of a list of records is not a record (an object)");
        }

        _unitStart = elementStart;
        _unitValueStart = tokenStart;
        _unitFrame = frame;
        _unitPlace = UnitPlace.Scalar;
        FinishUnit(tokenEnd, output);
    }

    private static void OpenRecordsOnce(Frame frame, string name)
    {
        if (frame.RecordsOpened)
        {
            throw new FilterException($"a second \"{name}\" in MISP's envelope");
        }

        frame.RecordsOpened = true;
    }

    private static void RequireObject(JsonTokenType type, string what)
    {
        if (type != JsonTokenType.StartObject)
        {
            throw new FilterException(what + " is not an object");
        }
    }

    private void Descend(Frame frame, long elementStart, long tokenEnd, FrameKind kind, IBufferWriter<byte> output)
    {
        EmitGap(frame, elementStart, output);
        CopyInput(tokenEnd, output);
        frame.AnyKept = true;
        _frames.Push(new Frame(kind));
    }
}
