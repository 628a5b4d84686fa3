using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>One property of a scanned object: its name and the byte range of its value.</summary>
/// <remarks>
/// Sixteen bytes: a held event of 45k attributes records a million of them. The name is found from
/// its value, at most 64 KB before it (a name and the colon and whitespace after it; MISP's names are
/// a few bytes): an object with a longer one is not an answer the filter can record, and ends it.
/// </remarks>
internal struct Prop
{
    public int ValueStart;
    public int ValueEnd;

    /// <summary>Which of its scanner's nodes the value is (one more than its number; 0: none), for the objects and arrays the filter looks into (<see cref="Node.ChildOf"/>).</summary>
    internal int ChildNumber;

    // How far before the value the name's opening quote is; while the value is not read yet, ValueStart is the name's.
    private ushort _nameOffset;

    public Key Key;

    // The value's token in the low bits, and whether a string value holds an escape in the top one.
    private byte _value;

    private const byte EscapedBit = 0x80;

    public readonly int NameStart => ValueStart - _nameOffset;

    public readonly JsonTokenType ValueKind => (JsonTokenType)(_value & ~EscapedBit);

    /// <summary>A string value written with an escape (as the tokenizer found it): its text must be unescaped to be read.</summary>
    public readonly bool Escaped => (_value & EscapedBit) != 0;

    /// <summary>A property whose name starts at <paramref name="nameStart"/>, its value not read yet.</summary>
    internal static Prop Named(int nameStart, Key key) => new() { ValueStart = nameStart, Key = key };

    /// <summary>Records where the value starts, and its token.</summary>
    internal void SetValue(int start, JsonTokenType kind, bool escaped)
    {
        var offset = start - ValueStart;
        if (offset > ushort.MaxValue)
        {
            throw new FilterException("a property name longer than 64 KB in an object the policy reads");
        }

        _nameOffset = (ushort)offset;
        ValueStart = start;
        _value = (byte)((byte)kind | (escaped ? EscapedBit : 0));
    }
}

/// <summary>
/// A scanned JSON value: an object or array the policy reads, or a scalar element of a list. Byte
/// ranges of the input, never a copy of it.
/// </summary>
/// <remarks>
/// <see cref="Items"/> are the elements of a list: of an array, or of an object whose names are
/// all digits (PHP's list with gaps, <c>{"0": ..., "2": ...}</c>), so the policy reads both alike.
/// </remarks>
internal sealed class Node
{
    // The scanner this node is rented from (nodes move between scanners through a shared pool of batches).
    private JsonScan _owner = null!;

    /// <summary>Where the element starts in its list: its name for an element of an object-list, else the value.</summary>
    public int ElementStart;
    public int Start;
    public int End;

    /// <summary><see cref="JsonTokenType.StartObject"/>, <see cref="JsonTokenType.StartArray"/>, or the scalar's token.</summary>
    public JsonTokenType Token;

    // Where this node's properties and elements sit in the scanner's arenas: while the node is open,
    // where they start on its pending stacks; once it closes, their run in the arenas (see
    // JsonScan.Close), chunk and start in one number (JsonScan.ArenaPosition).
    internal int PropAt;
    internal int PropCount;
    internal int ItemAt;
    internal int ItemCount;

    /// <summary>The known keys among <see cref="Props"/> (a key other than <see cref="Key.Index"/> appears at most once).</summary>
    public KeySet Keys;

    /// <summary>Set by the decision that removes this item (compared with the decision's own mark, so a new decision starts clean).</summary>
    public int RemovedMark;

    /// <summary>Set by the decision that judged this item (the same way as <see cref="RemovedMark"/>).</summary>
    public int JudgedMark;

    // The scope, packed: a node is one of hundreds of thousands in a held event.
    private const int NoDistribution = int.MinValue;
    private int _distribution;
    private int _delivered;
    private byte _level;
    private bool _hide;

    /// <summary>What the decision found for this item (its effective TLP and distributions), kept for its parts.</summary>
    public Decision.ItemScope Scope
    {
        get => new((Tlp.TlpLevel)_level, _distribution == NoDistribution ? null : _distribution, _delivered == NoDistribution ? null : _delivered, _hide);
        set
        {
            _level = checked((byte)value.Level);
            _distribution = Packed(value.Distribution);
            _delivered = Packed(value.Delivered);
            _hide = value.Hide;
        }
    }

    public bool IsArray => Token == JsonTokenType.StartArray;

    public bool IsObject => Token == JsonTokenType.StartObject;

    /// <summary>The properties of an object, in input order (read once the value is whole).</summary>
    public ReadOnlySpan<Prop> Props => _owner.PropsOf(this);

    /// <summary>The elements of a list (see the remarks), in input order (read once the value is whole).</summary>
    public ReadOnlySpan<Node> Items => _owner.ItemsOf(this);

    /// <summary>
    /// A list as PHP's <c>json_encode</c> writes one: an array, an object of digit-named elements,
    /// or an empty object (an empty PHP array of a non-list origin).
    /// </summary>
    public bool IsList => IsArray || (IsObject && ItemCount == PropCount);

    /// <summary>The bytes the ranges refer to: the unit being decided.</summary>
    public ReadOnlyMemory<byte> Source => _owner.Source;

    internal void Release() => _owner = null!;

    internal void Reset(JsonScan owner, int start, JsonTokenType token)
    {
        _owner = owner;
        ElementStart = start;
        Start = start;
        End = 0;
        Token = token;
        Keys = default;
        RemovedMark = 0;
        JudgedMark = 0;
        Scope = default;
        PropAt = PropCount = ItemAt = ItemCount = 0;
    }

    private static int Packed(int? distribution) => distribution switch
    {
        null => NoDistribution,
        NoDistribution => throw new ArgumentOutOfRangeException(nameof(distribution)),
        { } value => value,
    };

    public int IndexOf(Key key)
    {
        if (!Keys.Contains(key))
        {
            return -1;
        }

        var props = Props;
        for (var i = 0; i < props.Length; i++)
        {
            if (props[i].Key == key)
            {
                return i;
            }
        }

        return -1;
    }

    public bool Has(Key key) => Keys.Contains(key);

    public Node? Child(Key key) => IndexOf(key) is >= 0 and var i ? ChildOf(Props[i]) : null;

    /// <summary>The scanned value of one of this node's properties, for the objects and arrays the filter looks into.</summary>
    public Node? ChildOf(in Prop prop) => prop.ChildNumber == 0 ? null : _owner.NodeAt(prop.ChildNumber - 1);

    /// <summary>The string (unescaped) or number text of a property, decoded only when asked for.</summary>
    public string? Text(Key key) => IndexOf(key) is >= 0 and var i ? TextAt(i) : null;

    public string? TextAt(int index)
    {
        var prop = Props[index];
        return Decode(Source.Span[prop.ValueStart..prop.ValueEnd], prop.ValueKind, prop.Escaped);
    }

    /// <summary>A scalar element's text (an element of a list of strings).</summary>
    public string? ScalarText()
    {
        var raw = Source.Span[Start..End];
        return Decode(raw, Token, escaped: raw.IndexOf((byte)'\\') >= 0);
    }

    private static string? Decode(ReadOnlySpan<byte> raw, JsonTokenType kind, bool escaped) => kind switch
    {
        JsonTokenType.String when !escaped => Encoding.UTF8.GetString(raw[1..^1]),
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
                return !prop.Escaped;
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
        if (TryGetPlainText(index, out var text))
        {
            // Every item's distribution is read: a digit or a few, which cannot overflow, are summed
            // here; the general parser (NumberStyles.None: digits only) takes the rest.
            if (text.Length is > 0 and <= 9 && text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
            {
                var sum = 0;
                foreach (var digit in text)
                {
                    sum = (sum * 10) + (digit - '0');
                }

                return sum;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }

        return int.TryParse(TextAt(index), NumberStyles.None, CultureInfo.InvariantCulture, out var decoded) ? decoded : null;
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
/// a second <c>Tag</c> list must never let a harmless first one decide.
/// </summary>
/// <remarks>
/// Memory grows with the value, not faster, and a large value leaves no large garbage behind: a
/// node is a pooled object, rented in batches, and the properties and elements of all nodes live
/// side by side in chunked arenas (<see cref="ScanArena{T}"/>), so a held event of 45k attributes
/// allocates no list per node and, once warm, nothing at all. While a node is open its properties
/// and elements wait on two stacks, above those of its open ancestors (a child's are interleaved
/// with its parent's in the input); when it closes they move into the arenas as one run. Scanners
/// are reused from one answer to the next; beyond what one keeps, batches and chunks go back to
/// pools shared by all scanners, whose bounds are what stays in memory after large answers.
/// </remarks>
internal sealed class JsonScan
{
    /// <summary>The options of the <see cref="Utf8JsonReader"/>s that read ahead of the filter, as strict as <see cref="JsonTokenizer"/>.</summary>
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = JsonTokenizer.MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    // What a pooled scanner keeps: enough for an event of a few thousand attributes, so the common
    // answer allocates nothing, while a rare huge event's nodes and arenas are let go after it.
    private const int MaxPooledNodes = 16 * 1024;

    // Chunks of 48 KB and 32 KB (below the large object heap's threshold), shared by all scanners:
    // the chunks of one held event of about 20 MB stay pooled (24 MB and 2 MB at most).
    private const int PropChunk = 2 * 1024;
    private const int ItemChunk = 4 * 1024;
    private const int ArenaChunkSpan = ItemChunk;
    private static readonly ArrayPool<Prop> PropChunks = ArrayPool<Prop>.Create(PropChunk, 512);
    private static readonly ArrayPool<Node> ItemChunks = ArrayPool<Node>.Create(ItemChunk, 64);
    private static readonly ObjectPool<JsonScan> Scanners = new DefaultObjectPool<JsonScan>(new ScannerPolicy(), Environment.ProcessorCount * 4);

    // Nodes in batches: the first few are the scanner's own, the rest come from a pool shared by all
    // scanners, with their nodes in them, so a held event of 45k attributes allocates no node once
    // warm, while what stays in memory after large answers is bounded (48 batches, about 20 MB).
    private const int NodeBatch = 4 * 1024;
    private static readonly ArrayPool<Node> NodeBatches = ArrayPool<Node>.Create(NodeBatch, 48);
    private readonly List<Node[]> _batches = [];
    private readonly List<Node> _open = [];
    private int _used;
    private Node? _root;

    // The arenas of closed nodes, and the stacks of open ones (see the remarks).
    private readonly ScanArena<Prop> _props = new(PropChunks, PropChunk, 64);
    private readonly ScanArena<Node> _items = new(ItemChunks, ItemChunk, MaxPooledNodes / ItemChunk);
    private Prop[] _pendingProps = HeldArrays<Prop>.Rent(256);
    private int _pendingPropCount;
    private Node[] _pendingItems = HeldArrays<Node>.Rent(64);
    private int _pendingItemCount;

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
        _props.Reset();
        _items.Reset();
        _pendingPropCount = _pendingItemCount = 0;
        Source = default;
        _root = Open(Rent(0, isArray ? JsonTokenType.StartArray : JsonTokenType.StartObject));
    }

    internal ReadOnlySpan<Prop> PropsOf(Node node) => _props.Get(node.PropAt / ArenaChunkSpan, node.PropAt % ArenaChunkSpan, node.PropCount);

    internal Node NodeAt(int number) => _batches[number / NodeBatch][number % NodeBatch];

    internal ReadOnlySpan<Node> ItemsOf(Node node) => _items.Get(node.ItemAt / ArenaChunkSpan, node.ItemAt % ArenaChunkSpan, node.ItemCount);

    /// <summary>
    /// Reads the value's tokens until it closes (true) or the reader needs more data (false; call
    /// again with a reader over the next chunk). <paramref name="offset"/> is where the reader's
    /// buffer starts, relative to the value's first byte.
    /// </summary>
    public bool Advance(ref JsonTokenizer source, int offset)
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
                    _pendingProps[_pendingPropCount - 1].ValueEnd = offset + (int)reader.BytesConsumed;
                }

                continue;
            }

            var start = offset + (int)reader.TokenStartIndex;
            if (type is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                var end = offset + (int)reader.BytesConsumed;
                node.End = end;
                Close(node);
                _open.RemoveAt(_open.Count - 1);
                if (_open.Count == 0)
                {
                    closed = true;
                    continue;
                }

                node = _open[^1];
                if (!node.IsArray)
                {
                    // The property whose value just closed is the parent's last: the child's own are moved out.
                    _pendingProps[_pendingPropCount - 1].ValueEnd = end;
                }

                continue;
            }

            if (node.IsArray)
            {
                var item = Rent(start, type);
                PushItem(item);
                if (type is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    node = Open(item);
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

                PushProp(Prop.Named(start, key));
                continue;
            }

            ref var prop = ref _pendingProps[_pendingPropCount - 1];
            prop.SetValue(start, type, reader.ValueIsEscaped);
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
            prop.ChildNumber = _used;
            if (prop.Key == Key.Index)
            {
                child.ElementStart = prop.NameStart;
                PushItem(child);
            }

            if (isContainer)
            {
                node = Open(child);
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

        public bool Return(JsonScan obj)
        {
            obj.Release();
            return true;
        }
    }

    /// <summary>
    /// Lets go of what a huge value needed beyond what a pooled scanner keeps, once its decision is
    /// made (the scanned nodes are not read after it) or when the scanner goes back to the pool.
    /// </summary>
    public void Release()
    {
        // Nodes held by the arenas would otherwise stay reachable from a pooled scanner or array.
        _props.Trim();
        _items.Trim();
        _root = null;
        _open.Clear();
        for (var i = _batches.Count - 1; i >= MaxPooledNodes / NodeBatch; i--)
        {
            // A pooled node must not keep this scanner (and its arenas) reachable.
            foreach (var node in _batches[i])
            {
                node.Release();
            }

            NodeBatches.Return(_batches[i]);
            _batches.RemoveAt(i);
        }
    }

    /// <summary>Opens a container node: its properties and elements start on the stacks here.</summary>
    private Node Open(Node node)
    {
        node.PropAt = _pendingPropCount;
        node.ItemAt = _pendingItemCount;
        _open.Add(node);
        return node;
    }

    /// <summary>Moves a closing node's properties and elements from the stacks into the arenas.</summary>
    private void Close(Node node)
    {
        var props = _pendingPropCount - node.PropAt;
        var propsAt = ArenaPosition(_props.Append(_pendingProps.AsSpan(node.PropAt, props)));
        _pendingPropCount = node.PropAt;
        node.PropAt = propsAt;
        node.PropCount = props;

        var items = _pendingItemCount - node.ItemAt;
        var itemsAt = ArenaPosition(_items.Append(_pendingItems.AsSpan(node.ItemAt, items)));
        _pendingItemCount = node.ItemAt;
        node.ItemAt = itemsAt;
        node.ItemCount = items;
    }

    /// <summary>A run's chunk and start as one number: a run starts within a chunk's length, or at 0 of a chunk of its own.</summary>
    private static int ArenaPosition((int Chunk, int Start) at) =>
        at.Chunk < int.MaxValue / ArenaChunkSpan ? (at.Chunk * ArenaChunkSpan) + at.Start : throw new FilterException("an event has more values than the filter can record");

    private void PushProp(in Prop prop)
    {
        if (_pendingPropCount == _pendingProps.Length)
        {
            HeldArrays<Prop>.Grow(ref _pendingProps, _pendingPropCount, _pendingPropCount + 1);
        }

        _pendingProps[_pendingPropCount++] = prop;
    }

    private void PushItem(Node item)
    {
        if (_pendingItemCount == _pendingItems.Length)
        {
            HeldArrays<Node>.Grow(ref _pendingItems, _pendingItemCount, _pendingItemCount + 1);
        }

        _pendingItems[_pendingItemCount++] = item;
    }

    private Node Rent(int start, JsonTokenType token)
    {
        var batch = _used / NodeBatch;
        if (batch == _batches.Count)
        {
            // A pooled batch comes with the nodes of earlier values in it; a new one is filled.
            var nodes = NodeBatches.Rent(NodeBatch);
            for (var i = 0; i < nodes.Length; i++)
            {
                nodes[i] ??= new Node();
            }

            _batches.Add(nodes);
        }

        var node = _batches[batch][_used++ % NodeBatch];
        node.Reset(this, start, token);
        return node;
    }

    public static Key KeyOf(ref JsonTokenizer reader)
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
