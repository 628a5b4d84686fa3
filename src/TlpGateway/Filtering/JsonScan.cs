using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;

namespace TlpGateway.Filtering;

/// <summary>The property names the filter reads; everything else is <see cref="Other"/> and only skipped over.</summary>
internal enum Key : byte
{
    Other,
    Event,
    Tag,
    EventTag,
    Attribute,
    Object,
    Orgc,
    Org,
    Uuid,
    Id,
    Name,
    Local,
    Inherited,
    Distribution,
    Protected,
    OrgcUuid,
    OrgUuid,
    OrgcId,
    OrgId,
    Value,
    EventReport,
    ShadowAttribute,
    Sighting,
    RelatedEvent,
    RelatedAttribute,
    Feed,
    Server,
    Content,
    AttributeCount,
    ObjectReference,
    ReferencedUuid,
    EventCreatorEmail,
    CryptographicKey,
    ExtendsUuid,
    SharingGroup,
    Organisation,
    Source,
    Email,
    EventOrgId,
    UserId,
    Galaxy,
    GalaxyCluster,
    Timestamp,
    SightingTimestamp,
    Published,
    EventUuid,
    EventId,
    AttributeUuid,
    OldId,
    Info,
    Type,
    Category,
}

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

/// <summary>A scanned object or array, or a scalar item of an array: byte ranges of the input, never a copy of it.</summary>
internal sealed class Node(JsonScan owner)
{
    public int Start;
    public int End;
    public bool IsArray;
    public List<Prop> Props = [];
    public List<Node> Items = [];

    /// <summary>The known keys among <see cref="Props"/>, one bit per <see cref="Key"/> (a key appears at most once).</summary>
    public ulong Keys;

    /// <summary>Set by the decision that removes this item (compared with the decision's own mark, so a new decision starts clean).</summary>
    public int RemovedMark;

    /// <summary>The bytes the ranges refer to: the unit being decided.</summary>
    public ReadOnlyMemory<byte> Source => owner.Source;

    internal void Reset(int start, bool isArray)
    {
        Start = start;
        End = 0;
        IsArray = isArray;
        Keys = 0;
        RemovedMark = 0;
        Props.Clear();
        Items.Clear();
    }

    public int IndexOf(Key key)
    {
        if ((Keys & (1UL << (int)key)) == 0)
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

    public Node? Child(Key key) => IndexOf(key) is >= 0 and var i ? Props[i].Child : null;

    /// <summary>The string (unescaped) or number text of a property, decoded only when asked for.</summary>
    public string? Text(Key key) => IndexOf(key) is >= 0 and var i ? TextAt(i) : null;

    public string? TextAt(int index)
    {
        var prop = Props[index];
        var raw = Source.Span[prop.ValueStart..prop.ValueEnd];
        return prop.ValueKind switch
        {
            JsonTokenType.String when raw.IndexOf((byte)'\\') < 0 => Encoding.UTF8.GetString(raw[1..^1]),
            JsonTokenType.String => JsonSerializer.Deserialize<string>(raw),
            JsonTokenType.Number => Encoding.UTF8.GetString(raw),
            _ => null,
        };
    }

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

    public bool IsTrue(Key key) => IndexOf(key) is >= 0 and var i && (Props[i].ValueKind == JsonTokenType.True || TextEquals(i, "1"u8) || TextEquals(i, "true"u8));
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
        _root = Rent(0, isArray);
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
                var item = Rent(start, type == JsonTokenType.StartArray);
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
                if (key != Key.Other)
                {
                    var bit = 1UL << (int)key;
                    if ((node.Keys & bit) != 0)
                    {
                        throw new FilterException($"duplicate key '{key}' in an object the policy reads");
                    }

                    node.Keys |= bit;
                }

                node.Props.Add(new Prop { NameStart = start, Key = key });
                continue;
            }

            ref var prop = ref CollectionsMarshal.AsSpan(node.Props)[^1];
            prop.ValueStart = start;
            prop.ValueKind = type;
            if (type is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                prop.ValueEnd = offset + (int)reader.BytesConsumed;
            }
            else if (prop.Key == Key.Other)
            {
                skipDepth = reader.CurrentDepth;
            }
            else
            {
                var child = Rent(start, type == JsonTokenType.StartArray);
                prop.Child = child;
                _open.Add(child);
                node = child;
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

    private Node Rent(int start, bool isArray)
    {
        if (_used == _pool.Count)
        {
            _pool.Add(new Node(this));
        }

        var node = _pool[_used++];
        node.Reset(start, isArray);
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

    private static Key KeyOf(ReadOnlySpan<byte> name) => KeyTable.Find(name);

    /// <summary>
    /// The names the filter reads, found with one probe of an open-addressing table keyed by a
    /// name's first eight bytes and its length: every property name of every event is looked up.
    /// </summary>
    private static class KeyTable
    {
        private const int Bits = 8;
        private const int Mask = (1 << Bits) - 1;

        private static readonly (string Name, Key Key)[] Names =
        [
        ("id", Key.Id),
        ("Tag", Key.Tag),
        ("Org", Key.Org),
        ("uuid", Key.Uuid),
        ("name", Key.Name),
        ("Orgc", Key.Orgc),
        ("Feed", Key.Feed),
        ("info", Key.Info),
        ("type", Key.Type),
        ("Event", Key.Event),
        ("local", Key.Local),
        ("value", Key.Value),
        ("email", Key.Email),
        ("Object", Key.Object),
        ("org_id", Key.OrgId),
        ("Server", Key.Server),
        ("source", Key.Source),
        ("Galaxy", Key.Galaxy),
        ("old_id", Key.OldId),
        ("orgc_id", Key.OrgcId),
        ("content", Key.Content),
        ("user_id", Key.UserId),
        ("EventTag", Key.EventTag),
        ("org_uuid", Key.OrgUuid),
        ("Sighting", Key.Sighting),
        ("category", Key.Category),
        ("Attribute", Key.Attribute),
        ("inherited", Key.Inherited),
        ("protected", Key.Protected),
        ("orgc_uuid", Key.OrgcUuid),
        ("timestamp", Key.Timestamp),
        ("published", Key.Published),
        ("event_uuid", Key.EventUuid),
        ("event_id", Key.EventId),
        ("EventReport", Key.EventReport),
        ("distribution", Key.Distribution),
        ("RelatedEvent", Key.RelatedEvent),
        ("extends_uuid", Key.ExtendsUuid),
        ("SharingGroup", Key.SharingGroup),
        ("Organisation", Key.Organisation),
        ("event_org_id", Key.EventOrgId),
        ("GalaxyCluster", Key.GalaxyCluster),
        ("attribute_uuid", Key.AttributeUuid),
        ("attribute_count", Key.AttributeCount),
        ("ShadowAttribute", Key.ShadowAttribute),
        ("ObjectReference", Key.ObjectReference),
        ("referenced_uuid", Key.ReferencedUuid),
        ("RelatedAttribute", Key.RelatedAttribute),
        ("CryptographicKey", Key.CryptographicKey),
        ("sighting_timestamp", Key.SightingTimestamp),
        ("event_creator_email", Key.EventCreatorEmail),
        ];

        private static readonly ulong[] Heads = new ulong[1 << Bits];
        private static readonly byte[]?[] Utf8Names = new byte[1 << Bits][];
        private static readonly Key[] Keys = BuildKeys();

        public static Key Find(ReadOnlySpan<byte> name)
        {
            var head = Head(name);
            for (var slot = Slot(head, name.Length); ; slot = (slot + 1) & Mask)
            {
                var candidate = Utf8Names[slot];
                if (candidate is null)
                {
                    return Key.Other;
                }

                // The head and length say it all for names of up to eight bytes.
                if (Heads[slot] == head && candidate.Length == name.Length && (name.Length <= sizeof(ulong) || name.SequenceEqual(candidate)))
                {
                    return Keys[slot];
                }
            }
        }

        private static Key[] BuildKeys()
        {
            // Nodes keep the keys they hold as bits of a ulong, and every key but Other has one name.
            var all = Enum.GetValues<Key>();
            if (all.Length > 64 || !all.Where(key => key != Key.Other).Order().SequenceEqual(Names.Select(n => n.Key).Order()))
            {
                throw new InvalidOperationException("Every Key but Other needs exactly one name, and there may be at most 64 keys.");
            }

            var keys = new Key[1 << Bits];
            foreach (var (text, key) in Names)
            {
                var name = Encoding.UTF8.GetBytes(text);
                var head = Head(name);
                var slot = Slot(head, name.Length);
                while (Utf8Names[slot] is not null)
                {
                    slot = (slot + 1) & Mask;
                }

                Utf8Names[slot] = name;
                Heads[slot] = head;
                keys[slot] = key;
            }

            return keys;
        }

        /// <summary>The first eight bytes of a name, zero-padded (names hold no zero byte).</summary>
        private static ulong Head(ReadOnlySpan<byte> name)
        {
            if (name.Length >= sizeof(ulong))
            {
                return MemoryMarshal.Read<ulong>(name);
            }

            ulong head = 0;
            name.CopyTo(MemoryMarshal.AsBytes(new Span<ulong>(ref head)));
            return head;
        }

        private static int Slot(ulong head, int length) => (int)(((head ^ (ulong)length) * 0x9E3779B97F4A7C15UL) >> (64 - Bits));
    }
}
