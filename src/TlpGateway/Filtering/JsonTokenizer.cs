using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace TlpGateway.Filtering;

/// <summary>Where a <see cref="JsonTokenizer"/> stopped, to go on with the next buffer.</summary>
internal readonly struct JsonTokenizerState
{
    internal JsonTokenizerState(ulong objects, int depth, JsonTokenizer.Expect expect)
    {
        Objects = objects;
        Depth = depth;
        Next = expect;
    }

    // Bit d: the container open at depth d + 1 is an object (else an array).
    internal ulong Objects { get; }

    internal int Depth { get; }

    internal JsonTokenizer.Expect Next { get; }
}

/// <summary>
/// The filter's JSON tokenizer: the tokens, ranges and depths <see cref="Utf8JsonReader"/> gives
/// for the same bytes with <see cref="JsonScan.ReaderOptions"/> (no comments, no trailing commas,
/// at most 64 containers deep), refusing exactly what it refuses, and resumable at any buffer end as
/// it is. It exists to be faster for what the filter needs: strings, most of an answer, are found
/// by a vector comparison of 32 bytes at a time, and nothing is tracked that the filter does not read
/// (line numbers, comments, value sequences).
/// </summary>
/// <remarks>
/// UTF-8 is not validated here: the filter validates the whole input, vectorised, before it is
/// tokenized (<c>MispResponseFilter.Validate</c>). A malformed input throws <see cref="FilterException"/>.
/// A differential property test holds it to <see cref="Utf8JsonReader"/> on mutated input, whole
/// and fed in chunks (same tokens, same ranges, same refusals).
/// </remarks>
[StructLayout(LayoutKind.Auto)]
internal ref struct JsonTokenizer
{
    /// <summary>At most this many containers open at once, as <see cref="JsonScan.ReaderOptions"/>.</summary>
    public const int MaxDepth = 64;

    /// <summary>Why a string escaped as half a UTF-16 pair (<c>"\uD800"</c>) cannot be read: wherever it is read, it is malformed JSON.</summary>
    public const string InvalidUtf16Escape = "an escape that is not valid UTF-16";

    /// <summary>JSON's whitespace: space, tab, line feed, carriage return.</summary>
    internal static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, (byte)'"', (byte)'\\']);

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly bool _isFinal;
    private ulong _objects;
    private int _depth;
    private Expect _expect;
    private int _consumed;
    private int _tokenStart;
    private int _valueStart;
    private int _valueEnd;

    public JsonTokenizer(ReadOnlySpan<byte> buffer, bool isFinalBlock, JsonTokenizerState state)
    {
        _buffer = buffer;
        _isFinal = isFinalBlock;
        _objects = state.Objects;
        _depth = state.Depth;
        _expect = state.Next;
    }

    /// <summary>What the tokenizer expects next: the grammar's state between two tokens.</summary>
    internal enum Expect : byte
    {
        /// <summary>The document's value (the default state: a new document).</summary>
        Root,

        /// <summary>A value: after a name's colon, or after a comma in an array.</summary>
        Value,

        /// <summary>A value or <c>]</c>: just after <c>[</c>.</summary>
        ValueOrEnd,

        /// <summary>A name or <c>}</c>: just after <c>{</c>.</summary>
        NameOrEnd,

        /// <summary>A comma, or the end of the container: after a value.</summary>
        CommaOrEnd,

        /// <summary>Nothing but whitespace: after the document's value.</summary>
        Done,
    }

    public JsonTokenType TokenType { readonly get; private set; }

    /// <summary>Where the last token starts in the buffer (a string's or name's opening quote).</summary>
    public readonly long TokenStartIndex => _tokenStart;

    /// <summary>Where the last token ends in the buffer (after a name, its colon), or 0 before the first.</summary>
    public readonly long BytesConsumed => _consumed;

    /// <summary>The depth of the last token, as <see cref="Utf8JsonReader.CurrentDepth"/> counts it.</summary>
    public readonly int CurrentDepth => TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? _depth - 1 : _depth;

    /// <summary>Whether the last string or name holds an escape sequence.</summary>
    public bool ValueIsEscaped { readonly get; private set; }

    /// <summary>The raw bytes of the last string or name (without quotes, escapes as written), number or literal.</summary>
    public readonly ReadOnlySpan<byte> ValueSpan => _buffer[_valueStart.._valueEnd];

    public readonly JsonTokenizerState CurrentState => new(_objects, _depth, _expect);

    private readonly bool InObject => (_objects & (1UL << (_depth - 1))) != 0;

    /// <summary>The last string or name, unescaped; an escape of half a UTF-16 pair (<c>"\uD800"</c>) cannot be, and is malformed.</summary>
    public readonly string? GetString()
    {
        // The rare escaped name: System.Text.Json unescapes the token exactly as it reads one.
        var reader = new Utf8JsonReader(_buffer[(_valueStart - 1)..(_valueEnd + 1)]);
        reader.Read();
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            throw Malformed(InvalidUtf16Escape, _valueStart);
        }
    }

    /// <summary>Reads the next token: false at the end of a final buffer, or where the next token is not whole in this one.</summary>
    public bool Read()
    {
        var buffer = _buffer;
        var at = SkipWhitespace(buffer, _consumed);
        if (at == buffer.Length)
        {
            return AtEnd();
        }

        var next = buffer[at];
        switch (_expect)
        {
            case Expect.Done:
                throw Malformed("data after the document's value", at);

            case Expect.CommaOrEnd:
                if (next == (byte)',')
                {
                    at = SkipWhitespace(buffer, at + 1);
                    if (at == buffer.Length)
                    {
                        return AtEnd();
                    }

                    return InObject ? ReadName(buffer, at) : ReadValue(buffer, at);
                }

                return ReadEnd(next, at);

            case Expect.NameOrEnd:
                return next == (byte)'}' ? ReadEnd(next, at) : ReadName(buffer, at);

            case Expect.ValueOrEnd:
                return next == (byte)']' ? ReadEnd(next, at) : ReadValue(buffer, at);

            default:
                return ReadValue(buffer, at);
        }
    }

    /// <summary>
    /// Reads the next token when it is a property name written exactly as <paramref name="spelled"/>
    /// (<c>"name":</c>, a name with no escape, quote or control character, as <see cref="NameGuesses"/>
    /// learns them), with the comma before it; otherwise reads nothing and returns false. The token is
    /// the one <see cref="Read"/> would give for the same bytes.
    /// </summary>
    public bool TryReadName(ReadOnlySpan<byte> spelled)
    {
        var buffer = _buffer;
        var at = _consumed;
        if (_expect == Expect.CommaOrEnd)
        {
            at = SkipWhitespace(buffer, at);
            if (!InObject || at == buffer.Length || buffer[at] != (byte)',')
            {
                return false;
            }

            at++;
        }
        else if (_expect != Expect.NameOrEnd)
        {
            return false;
        }

        at = SkipWhitespace(buffer, at);
        if (!buffer[at..].StartsWith(spelled))
        {
            return false;
        }

        Token(JsonTokenType.PropertyName, at, at + spelled.Length);
        _valueStart = at + 1;
        _valueEnd = at + spelled.Length - 2;
        _expect = Expect.Value;
        return true;
    }

    private bool AtEnd()
    {
        if (!_isFinal)
        {
            return false;
        }

        if (_expect == Expect.Done)
        {
            // As Utf8JsonReader does, the whitespace after the document is consumed.
            _consumed = _buffer.Length;
            return false;
        }

        throw Malformed(_expect == Expect.Root ? "no JSON value" : "the document ends inside a value", _buffer.Length);
    }

    private bool ReadEnd(byte next, int at)
    {
        var isObject = InObject;
        if (next != (isObject ? (byte)'}' : (byte)']'))
        {
            throw Malformed(isObject ? "expected ',' or '}' after a property's value" : "expected ',' or ']' after an element", at);
        }

        _depth--;
        Token(isObject ? JsonTokenType.EndObject : JsonTokenType.EndArray, at, at + 1);
        _expect = _depth == 0 ? Expect.Done : Expect.CommaOrEnd;
        return true;
    }

    private bool ReadName(ReadOnlySpan<byte> buffer, int at)
    {
        if (buffer[at] != (byte)'"')
        {
            throw Malformed("expected a property name", at);
        }

        var close = StringClose(buffer, at + 1, _isFinal, out var escaped);
        if (close < 0)
        {
            return false;
        }

        var colon = SkipWhitespace(buffer, close + 1);
        if (colon == buffer.Length)
        {
            return AtEnd();
        }

        if (buffer[colon] != (byte)':')
        {
            throw Malformed("expected ':' after a property name", colon);
        }

        Token(JsonTokenType.PropertyName, at, colon + 1);
        _valueStart = at + 1;
        _valueEnd = close;
        ValueIsEscaped = escaped;
        _expect = Expect.Value;
        return true;
    }

    private bool ReadValue(ReadOnlySpan<byte> buffer, int at)
    {
        var next = buffer[at];
        switch (next)
        {
            case (byte)'"':
                var close = StringClose(buffer, at + 1, _isFinal, out var escaped);
                if (close < 0)
                {
                    return false;
                }

                Token(JsonTokenType.String, at, close + 1);
                _valueStart = at + 1;
                _valueEnd = close;
                ValueIsEscaped = escaped;
                break;

            case (byte)'{' or (byte)'[':
                if (_depth >= MaxDepth)
                {
                    throw Malformed($"more than {MaxDepth} containers deep", at);
                }

                var isObject = next == (byte)'{';
                _objects = isObject ? _objects | (1UL << _depth) : _objects & ~(1UL << _depth);
                _depth++;
                Token(isObject ? JsonTokenType.StartObject : JsonTokenType.StartArray, at, at + 1);
                _expect = isObject ? Expect.NameOrEnd : Expect.ValueOrEnd;
                return true;

            case (byte)'t':
                return ReadLiteral(buffer, at, "true"u8, JsonTokenType.True);

            case (byte)'f':
                return ReadLiteral(buffer, at, "false"u8, JsonTokenType.False);

            case (byte)'n':
                return ReadLiteral(buffer, at, "null"u8, JsonTokenType.Null);

            default:
                var end = NumberEnd(buffer, at, _isFinal, _depth == 0);
                if (end < 0)
                {
                    return false;
                }

                Token(JsonTokenType.Number, at, end);
                _valueStart = at;
                _valueEnd = end;
                break;
        }

        _expect = _depth == 0 ? Expect.Done : Expect.CommaOrEnd;
        return true;
    }

    private bool ReadLiteral(ReadOnlySpan<byte> buffer, int at, ReadOnlySpan<byte> literal, JsonTokenType type)
    {
        var rest = buffer[at..];
        if (!rest.StartsWith(literal))
        {
            // A literal cut by the buffer's end is read with the next one; any other difference is an error.
            if (rest.Length < literal.Length && literal.StartsWith(rest) && !_isFinal)
            {
                return false;
            }

            throw Malformed("an unknown literal", at);
        }

        var end = at + literal.Length;
        Token(type, at, end);
        _valueStart = at;
        _valueEnd = end;
        _expect = _depth == 0 ? Expect.Done : Expect.CommaOrEnd;
        return true;
    }

    private void Token(JsonTokenType type, int start, int end)
    {
        TokenType = type;
        ValueIsEscaped = false;
        _tokenStart = start;
        _consumed = end;
    }

    // Answers are mostly written without whitespace: the next byte is a token's, checked inline.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> buffer, int at) =>
        (uint)at < (uint)buffer.Length && buffer[at] > (byte)' ' ? at : SkipWhitespaceRun(buffer, at);

    private static int SkipWhitespaceRun(ReadOnlySpan<byte> buffer, int at)
    {
        // One space (after a pretty-printed name's colon) is checked by hand; indentation, which MISP
        // writes for ordinary clients, comes in runs and is skipped vectorised. A control character
        // is not whitespace: the grammar refuses it where it stops.
        if (at + 1 < buffer.Length && buffer[at] == (byte)' ' && buffer[at + 1] > (byte)' ')
        {
            return at + 1;
        }

        var run = buffer[at..].IndexOfAnyExcept(Whitespace);
        return run < 0 ? buffer.Length : at + run;
    }

    /// <summary>
    /// The closing quote of the string whose content starts at <paramref name="at"/>, or -1 when the
    /// buffer ends before it (not final). Control characters and unknown escapes are refused.
    /// </summary>
    private static int StringClose(ReadOnlySpan<byte> buffer, int at, bool isFinal, out bool escaped)
    {
        escaped = false;
        while (true)
        {
            var special = IndexOfStringSpecial(buffer, at);
            if (special < 0)
            {
                return isFinal ? throw Malformed("the document ends inside a string", buffer.Length) : -1;
            }

            switch (buffer[special])
            {
                case (byte)'"':
                    return special;
                case (byte)'\\':
                    escaped = true;
                    at = EscapeEnd(buffer, special, isFinal);
                    if (at < 0)
                    {
                        return -1;
                    }

                    break;
                default:
                    throw Malformed("a control character in a string", special);
            }
        }
    }

    /// <summary>The first quote, backslash or control character at or after <paramref name="at"/>, or -1.</summary>
    private static int IndexOfStringSpecial(ReadOnlySpan<byte> buffer, int at)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            // Most strings of an answer are shorter than 32 bytes: one comparison finds their end.
            ref var start = ref MemoryMarshal.GetReference(buffer);
            while (at + Vector256<byte>.Count <= buffer.Length)
            {
                var block = Vector256.LoadUnsafe(ref start, (nuint)at);
                var specials = Vector256.Equals(block, Vector256.Create((byte)'"'))
                    | Vector256.Equals(block, Vector256.Create((byte)'\\'))
                    | Vector256.LessThan(block, Vector256.Create((byte)' '));
                var mask = specials.ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return at + BitOperations.TrailingZeroCount(mask);
                }

                at += Vector256<byte>.Count;
            }
        }

        var found = buffer[at..].IndexOfAny(StringSpecials);
        return found < 0 ? -1 : at + found;
    }

    /// <summary>Where the string goes on after the escape at <paramref name="at"/>, or -1 when the buffer ends inside it (not final).</summary>
    private static int EscapeEnd(ReadOnlySpan<byte> buffer, int at, bool isFinal)
    {
        if (at + 1 == buffer.Length)
        {
            return isFinal ? throw Malformed("the document ends inside a string", buffer.Length) : -1;
        }

        switch (buffer[at + 1])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                return at + 2;
            case (byte)'u':
                for (var i = at + 2; i < at + 6; i++)
                {
                    if (i == buffer.Length)
                    {
                        return isFinal ? throw Malformed("the document ends inside a string", buffer.Length) : -1;
                    }

                    if (!char.IsAsciiHexDigit((char)buffer[i]))
                    {
                        throw Malformed("an invalid \\u escape in a string", i);
                    }
                }

                return at + 6;
            default:
                throw Malformed("an invalid escape in a string", at + 1);
        }
    }

    /// <summary>
    /// The end of the number at <paramref name="at"/> (JSON's grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>,
    /// then a delimiter), or -1 when the buffer ends where it could go on (not final).
    /// </summary>
    private static int NumberEnd(ReadOnlySpan<byte> buffer, int at, bool isFinal, bool atRoot)
    {
        var i = at;
        if (buffer[i] == (byte)'-')
        {
            i++;
        }

        // The integer part: 0, or digits not starting with 0.
        if (i == buffer.Length)
        {
            return isFinal ? throw Malformed("the document ends inside a number", i) : -1;
        }

        if (buffer[i] == (byte)'0')
        {
            i++;
        }
        else if (char.IsAsciiDigit((char)buffer[i]))
        {
            i = Digits(buffer, i);
        }
        else
        {
            throw Malformed(i == at ? "an invalid start of a value" : "a number without digits", i);
        }

        if (i < buffer.Length && buffer[i] == (byte)'.')
        {
            i = RequiredDigits(buffer, i + 1, isFinal);
            if (i < 0)
            {
                return -1;
            }
        }

        if (i < buffer.Length && buffer[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < buffer.Length && buffer[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            i = RequiredDigits(buffer, i, isFinal);
            if (i < 0)
            {
                return -1;
            }
        }

        if (i == buffer.Length)
        {
            // Only the document's own value may end with the input; in a container a delimiter must follow.
            return !isFinal ? -1 : atRoot ? i : throw Malformed("the document ends after a number", i);
        }

        // What may follow a number (a slash would start a comment, refused when it is read).
        return buffer[i] is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'/'
            ? i
            : throw Malformed("an invalid character in or after a number", i);
    }

    /// <summary>One digit or more at <paramref name="at"/>: their end, or -1 when the buffer ends first (not final).</summary>
    private static int RequiredDigits(ReadOnlySpan<byte> buffer, int at, bool isFinal)
    {
        if (at == buffer.Length)
        {
            return isFinal ? throw Malformed("the document ends inside a number", at) : -1;
        }

        return char.IsAsciiDigit((char)buffer[at]) ? Digits(buffer, at) : throw Malformed("a number without digits after '.' or 'e'", at);
    }

    private static int Digits(ReadOnlySpan<byte> buffer, int at)
    {
        while (at < buffer.Length && char.IsAsciiDigit((char)buffer[at]))
        {
            at++;
        }

        return at;
    }

    private static FilterException Malformed(string what, int at) => new($"malformed JSON: {what} (byte {at} of the buffer)");
}
