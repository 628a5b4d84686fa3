using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>One property of a scanned object: its name and the byte range of its value.</summary>
internal struct Prop
{
    public Key Key;
    public int NameStart;
    public int ValueStart;
    public int ValueEnd;
    public JsonTokenType ValueKind;

    /// <summary>The scanned value, for objects and arrays the filter looks into.</summary>
    public Node? Child;
}

/// <summary>
/// A scanned JSON value: an object or array the policy reads, or a scalar element of a list. Byte
/// ranges of the input, never a copy of it.
/// </summary>
/// <remarks>
/// <see cref="Items"/> are the elements of a list: of an array, or of an object whose names are
/// all digits (PHP's list with gaps, <c>{"0": ..., "2": ...}</c>), so the policy reads both alike.
/// </remarks>
internal sealed class Node(JsonScan owner)
{
    /// <summary>Where the element starts in its list: its name for an element of an object-list, else the value.</summary>
    public int ElementStart;
    public int Start;
    public int End;

    /// <summary><see cref="JsonTokenType.StartObject"/>, <see cref="JsonTokenType.StartArray"/>, or the scalar's token.</summary>
    public JsonTokenType Token;
    public List<Prop> Props = [];
    public List<Node> Items = [];

    /// <summary>The known keys among <see cref="Props"/> (a key other than <see cref="Key.Index"/> appears at most once).</summary>
    public KeySet Keys;

    /// <summary>Set by the decision that removes this item (compared with the decision's own mark, so a new decision starts clean).</summary>
    public int RemovedMark;

    /// <summary>Set by the decision that judged this item (the same way as <see cref="RemovedMark"/>).</summary>
    public int JudgedMark;

    /// <summary>What the decision found for this item (its effective TLP and distributions), kept for its parts.</summary>
    public Decision.ItemScope Scope;

    public bool IsArray => Token == JsonTokenType.StartArray;

    public bool IsObject => Token == JsonTokenType.StartObject;

    /// <summary>
    /// A list as PHP's <c>json_encode</c> writes one: an array, an object of digit-named elements,
    /// or an empty object (an empty PHP array of a non-list origin).
    /// </summary>
    public bool IsList => IsArray || (IsObject && Items.Count == Props.Count);

    /// <summary>The bytes the ranges refer to: the unit being decided.</summary>
    public ReadOnlyMemory<byte> Source => owner.Source;

    internal void Reset(int start, JsonTokenType token)
    {
        ElementStart = start;
        Start = start;
        End = 0;
        Token = token;
        Keys = default;
        RemovedMark = 0;
        JudgedMark = 0;
        Scope = default;
        Props.Clear();
        Items.Clear();
    }

    public int IndexOf(Key key)
    {
        if (!Keys.Contains(key))
        {
            return -1;
        }

        for (var i = 0; i < Props.Count; i++)
        {
            if (Props[i].Key == key)
            {
                return i;
            }
        }

        return -1;
    }

    public bool Has(Key key) => Keys.Contains(key);

    public Node? Child(Key key) => IndexOf(key) is >= 0 and var i ? Props[i].Child : null;

    /// <summary>The string (unescaped) or number text of a property, decoded only when asked for.</summary>
    public string? Text(Key key) => IndexOf(key) is >= 0 and var i ? TextAt(i) : null;

    public string? TextAt(int index)
    {
        var prop = Props[index];
        return Decode(Source.Span[prop.ValueStart..prop.ValueEnd], prop.ValueKind);
    }

    /// <summary>A scalar element's text (an element of a list of strings).</summary>
    public string? ScalarText() => Decode(Source.Span[Start..End], Token);

    private static string? Decode(ReadOnlySpan<byte> raw, JsonTokenType kind) => kind switch
    {
        JsonTokenType.String when raw.IndexOf((byte)'\\') < 0 => Encoding.UTF8.GetString(raw[1..^1]),
        JsonTokenType.String => JsonSerializer.Deserialize<string>(raw),
        JsonTokenType.Number => Encoding.UTF8.GetString(raw),
        _ => null,
    };

    /// <summary>
    /// The UTF-8 text of a string (without its quotes) or number property when it needs no unescaping;
    /// false for an escaped string (read it with <see cref="TextAt"/>) and for other kinds.
    /// </summary>
    public bool TryGetPlainText(int index, out ReadOnlySpan<byte> text)
    {
        var prop = Props[index];
        text = Source.Span[prop.ValueStart..prop.ValueEnd];
        switch (prop.ValueKind)
        {
            case JsonTokenType.String:
                text = text[1..^1];
                return text.IndexOf((byte)'\\') < 0;
            case JsonTokenType.Number:
                return true;
            default:
                text = default;
                return false;
        }
    }

    /// <summary>Whether a string or number property's text is <paramref name="utf8"/>, without allocating for plain text.</summary>
    public bool TextEquals(int index, ReadOnlySpan<byte> utf8)
    {
        if (TryGetPlainText(index, out var text))
        {
            return text.SequenceEqual(utf8);
        }

        return TextAt(index) is { } decoded && decoded == Encoding.UTF8.GetString(utf8);
    }

    /// <summary>A property's text as a number (digits only), or null.</summary>
    public int? IntAt(int index)
    {
        var parsed = TryGetPlainText(index, out var text)
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            : int.TryParse(TextAt(index), NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return parsed ? value : null;
    }

    /// <summary>
    /// Whether a property is set as PHP's <c>!empty()</c> reads it: absent, <c>null</c>, <c>false</c>,
    /// <c>0</c>, <c>0.0</c>, <c>"0"</c>, <c>""</c>, <c>[]</c> and <c>{}</c> are not; anything else is
    /// (<c>"false"</c> and <c>"yes"</c> are).
    /// </summary>
    public bool IsSet(Key key)
    {
        if (IndexOf(key) is not (>= 0 and var i))
        {
            return false;
        }

        var prop = Props[i];
        return prop.ValueKind switch
        {
            JsonTokenType.Null or JsonTokenType.False => false,
            JsonTokenType.True => true,
            JsonTokenType.Number => !double.TryParse(Source.Span[prop.ValueStart..prop.ValueEnd], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number != 0,
            JsonTokenType.String => !(TextEquals(i, ""u8) || TextEquals(i, "0"u8)),
            _ => prop.ValueEnd - prop.ValueStart > 2 && Source.Span[(prop.ValueStart + 1)..(prop.ValueEnd - 1)].IndexOfAnyExcept(" \t\r\n"u8) >= 0,
        };
    }
}

/// <summary>The input does not have the shape the filter can judge: the response ends as an error.</summary>
internal sealed class FilterException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Records one JSON value (an event, a row) as <see cref="Node"/>s while the response streams past:
/// the ranges of the objects and arrays the policy reads, in the same tokenizer pass that finds
/// where the value ends, so no byte is tokenized twice. It is fed token by token and can stop at
/// any chunk boundary and go on with the next chunk. Everything else is skipped, and strings are
/// decoded only when the policy asks. Duplicate keys among the ones the policy reads are refused:
/// a second <c>Tag</c> list must never let a harmless first one decide. Nodes are reused from one
/// value to the next, and scanners from one answer to the next, so scanning allocates nothing once warm.
/// </summary>
internal sealed class JsonScan
{
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    // Scanners are reused from one answer to the next, so an answer's first event does not allocate
    // its nodes again; one that held a very large event is let go rather than kept.
    private const int MaxPooledNodes = 16 * 1024;
    private static readonly ObjectPool<JsonScan> Scanners = new DefaultObjectPool<JsonScan>(new ScannerPolicy(), Environment.ProcessorCount * 4);

    private readonly List<Node> _pool = [];
    private readonly List<Node> _open = [];
    private int _used;
    private Node? _root;

    // The reader depth of the start of a container under a key the policy does not read, while it is skipped.
    private int _skipDepth = -1;

    /// <summary>The bytes of the value being decided, set once it is whole.</summary>
    public ReadOnlyMemory<byte> Source { get; private set; }

    /// <summary>A scanner for one answer; give it back with <see cref="Return"/> when the answer is done.</summary>
    public static JsonScan Rent() => Scanners.Get();

    public void Return()
    {
        Source = default;
        Scanners.Return(this);
    }

    /// <summary>Starts a new value at its opening bracket (offset 0 of the value).</summary>
    public void Begin(bool isArray)
    {
        _used = 0;
        _open.Clear();
        _skipDepth = -1;
        Source = default;
        _root = Rent(0, isArray ? JsonTokenType.StartArray : JsonTokenType.StartObject);
        _open.Add(_root);
    }

    /// <summary>
    /// Reads the value's tokens until it closes (true) or the reader needs more data (false; call
    /// again with a reader over the next chunk). <paramref name="offset"/> is where the reader's
    /// buffer starts, relative to the value's first byte.
    /// </summary>
    public bool Advance(ref Utf8JsonReader source, int offset)
    {
        // The loop reads a local copy of the reader, whose fields the JIT can keep in registers.
        var reader = source;
        var node = _open[^1];
        var skipDepth = _skipDepth;
        var closed = false;
        while (!closed && reader.Read())
        {
            var type = reader.TokenType;
            if (skipDepth >= 0)
            {
                if (type is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == skipDepth)
                {
                    skipDepth = -1;
                    CollectionsMarshal.AsSpan(node.Props)[^1].ValueEnd = offset + (int)reader.BytesConsumed;
                }

                continue;
            }

            var start = offset + (int)reader.TokenStartIndex;
            if (type is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                var end = offset + (int)reader.BytesConsumed;
                node.End = end;
                _open.RemoveAt(_open.Count - 1);
                if (_open.Count == 0)
                {
                    closed = true;
                    continue;
                }

                node = _open[^1];
                if (!node.IsArray)
                {
                    CollectionsMarshal.AsSpan(node.Props)[^1].ValueEnd = end;
                }

                continue;
            }

            if (node.IsArray)
            {
                var item = Rent(start, type);
                node.Items.Add(item);
                if (type is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    _open.Add(item);
                    node = item;
                }
                else
                {
                    item.End = offset + (int)reader.BytesConsumed;
                }

                continue;
            }

            if (type == JsonTokenType.PropertyName)
            {
                var key = KeyOf(ref reader);
                if (key is not (Key.Other or Key.Index) && !node.Keys.Add(key))
                {
                    throw new FilterException($"duplicate key '{KeyNames.NameOf(key)}' in an object the policy reads");
                }

                node.Props.Add(new Prop { NameStart = start, Key = key });
                continue;
            }

            ref var prop = ref CollectionsMarshal.AsSpan(node.Props)[^1];
            prop.ValueStart = start;
            prop.ValueKind = type;
            var isContainer = type is JsonTokenType.StartObject or JsonTokenType.StartArray;
            if (prop.Key == Key.Other)
            {
                if (isContainer)
                {
                    skipDepth = reader.CurrentDepth;
                }
                else
                {
                    prop.ValueEnd = offset + (int)reader.BytesConsumed;
                }

                continue;
            }

            if (!isContainer && prop.Key != Key.Index)
            {
                prop.ValueEnd = offset + (int)reader.BytesConsumed;
                continue;
            }

            // A container the policy reads, or an element of an object-list (scalar or not).
            var child = Rent(start, type);
            prop.Child = child;
            if (prop.Key == Key.Index)
            {
                child.ElementStart = prop.NameStart;
                node.Items.Add(child);
            }

            if (isContainer)
            {
                _open.Add(child);
                node = child;
            }
            else
            {
                prop.ValueEnd = child.End = offset + (int)reader.BytesConsumed;
            }
        }

        _skipDepth = skipDepth;
        source = reader;
        return closed;
    }

    /// <summary>The whole value, once <see cref="Advance"/> said it closed, over its bytes.</summary>
    public Node Complete(ReadOnlyMemory<byte> source)
    {
        Source = source;
        return _root ?? throw new InvalidOperationException("No value was scanned.");
    }

    private sealed class ScannerPolicy : IPooledObjectPolicy<JsonScan>
    {
        public JsonScan Create() => new();

        public bool Return(JsonScan obj) => obj._pool.Count <= MaxPooledNodes;
    }

    private Node Rent(int start, JsonTokenType token)
    {
        if (_used == _pool.Count)
        {
            _pool.Add(new Node(this));
        }

        var node = _pool[_used++];
        node.Reset(start, token);
        return node;
    }

    public static Key KeyOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            // Rare: an escaped key is unescaped before it is recognised, so "\u0054ag" is still Tag.
            return KeyOf(Encoding.UTF8.GetBytes(reader.GetString()!));
        }

        return KeyOf(reader.ValueSpan);
    }

    private static Key KeyOf(ReadOnlySpan<byte> name) => KeyNames.Find(name);
}
