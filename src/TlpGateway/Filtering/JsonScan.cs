using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>
/// Records one JSON value (an event, a row) as <see cref="Node"/>s while the response streams past:
/// the ranges of the objects and arrays the policy reads, in the same tokenizer pass that finds
/// where the value ends, so no byte is tokenized twice. It is fed token by token and can stop at
/// any chunk boundary and go on with the next chunk. Everything else is skipped, and strings are
/// decoded only when the policy asks. Duplicate keys among the ones the policy reads are refused:
/// a second <c>Tag</c> list must never let a harmless first one decide.
/// </summary>
/// <remarks>
/// <para>
/// Memory grows with the value, not faster, and a large value leaves no large garbage behind: a
/// node is a pooled object, rented in batches, and the properties and elements of all nodes live
/// side by side in chunked arenas (<see cref="ScanArena{T}"/>), so a held event of 45k attributes
/// allocates no list per node and, once warm, nothing at all. While a node is open its properties
/// and elements wait on two stacks, above those of its open ancestors (a child's are interleaved
/// with its parent's in the input); when it closes they move into the arenas as one run. Scanners
/// are reused from one answer to the next; beyond what one keeps, batches and chunks go back to
/// pools shared by all scanners, whose bounds are what stays in memory after large answers.
/// </para>
/// <para>
/// A scalar under a name no key stands for (<see cref="Key.Other"/>: an attribute's <c>comment</c>,
/// <c>to_ids</c>, <c>first_seen</c>... eight of its twenty) is not recorded: no decision reads it, and
/// the object only notes that it has such properties (<see cref="Node.HasUnrecorded"/>), which stay
/// as written and are passed over by removals (<see cref="Edits"/> finds separators in the bytes).
/// A container under such a name is recorded, to be checked for MISP data. A value under a name no
/// MISP shape holds (<see cref="Key.Undescribed"/>: a misspelt field, an analyst-data index's UUID)
/// is recorded, scalar or not: it goes where the source is hidden.
/// </para>
/// <para>
/// Most names are read by a guess (<see cref="NameGuesses"/>): the name that followed the last one
/// in the same kind of object, compared byte for byte; only a name not guessed is searched for and
/// looked up. A guess gives the same token and key as reading the name, or nothing.
/// </para>
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

    // The nodes made for empty arrays the scan gave none (Prop.IsEmptyArray), by where they start: one each however often asked.
    private readonly Dictionary<int, Node> _emptyArrays = [];

    // The arenas of closed nodes, and the stacks of open ones (see the remarks).
    private readonly ScanArena<Prop> _props = new(PropChunks, PropChunk, 64);
    private readonly ScanArena<Node> _items = new(ItemChunks, ItemChunk, MaxPooledNodes / ItemChunk);
    private Prop[] _pendingProps = HeldArrays<Prop>.Rent(256);
    private int _pendingPropCount;
    private Node[] _pendingItems = HeldArrays<Node>.Rent(64);
    private int _pendingItemCount;

    // The reader depth of the start of a container under a key the policy does not read, while it is skipped.
    private int _skipDepth = -1;

    // The name just read is one whose value, when a scalar, is not recorded (see the remarks).
    private bool _unrecordedName;

    // The names this scanner has learned, and for each open node (as _open) the kind of object it is
    // or, for an array, holds (the key it is under), and the last name read in it (NameGuesses).
    private readonly NameGuesses _guesses = new();
    private readonly Key[] _openKinds = new Key[JsonTokenizer.MaxDepth + 1];
    private readonly int[] _openNames = new int[JsonTokenizer.MaxDepth + 1];

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
        _unrecordedName = false;
        _emptyArrays.Clear();
        _props.Reset();
        _items.Reset();
        _pendingPropCount = _pendingItemCount = 0;
        Source = default;
        _root = Open(Rent(0, isArray ? JsonTokenType.StartArray : JsonTokenType.StartObject), Key.Other);
    }

    internal ReadOnlySpan<Prop> PropsOf(Node node) => _props.Get(node.PropAt / ArenaChunkSpan, node.PropAt % ArenaChunkSpan, node.PropCount);

    internal Node NodeAt(int number) => _batches[number / NodeBatch][number % NodeBatch];

    /// <summary>The node of an empty array the scan gave none, made when the decision first asks for it.</summary>
    internal Node EmptyArray(in Prop prop)
    {
        if (!_emptyArrays.TryGetValue(prop.ValueStart, out var node))
        {
            node = Rent(prop.ValueStart, JsonTokenType.StartArray);
            node.End = prop.ValueEnd;
            _emptyArrays.Add(prop.ValueStart, node);
        }

        return node;
    }

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
        var unrecordedName = _unrecordedName;
        var guess = skipDepth < 0 ? Guess(node) : null;
        var afterName = false;
        var closed = false;
        while (!closed)
        {
            // A name as guessed is read by comparing its bytes; anything else, token by token.
            JsonTokenType type;
            var guessed = !afterName && guess is not null && reader.TryReadName(guess.Spelled);
            if (guessed)
            {
                type = JsonTokenType.PropertyName;
            }
            else if (reader.Read())
            {
                type = reader.TokenType;
            }
            else
            {
                break;
            }

            afterName = type == JsonTokenType.PropertyName;
            if (skipDepth >= 0)
            {
                if (type is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == skipDepth)
                {
                    skipDepth = -1;
                    _pendingProps[_pendingPropCount - 1].ValueEnd = offset + (int)reader.BytesConsumed;
                    guess = Guess(node);
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

                var closing = node;
                node = _open[^1];
                guess = Guess(node);
                if (!node.IsArray)
                {
                    // The property whose value just closed is the parent's last: the child's own are moved out.
                    ref var parent = ref _pendingProps[_pendingPropCount - 1];
                    parent.ValueEnd = end;
                    if (closing.IsArray && closing.ItemCount == 0 && parent.Key != Key.Index && parent.ChildNumber == _used)
                    {
                        // An empty array gives back its node, the last one rented (see Prop.IsEmptyArray).
                        _used--;
                        parent.ChildNumber = 0;
                    }
                }

                continue;
            }

            if (node.IsArray)
            {
                var item = Rent(start, type);
                PushItem(item);
                if (type is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // An element is the kind of object its list holds.
                    node = Open(item, _openKinds[_open.Count - 1]);
                    guess = Guess(node);
                }
                else
                {
                    item.End = offset + (int)reader.BytesConsumed;
                }

                continue;
            }

            if (type == JsonTokenType.PropertyName)
            {
                var top = _open.Count - 1;
                Key key;
                int name;
                if (guessed)
                {
                    key = guess!.Key;
                    name = guess.Number;
                    guess = guess.Next;
                }
                else
                {
                    key = KeyOf(ref reader);
                    name = _guesses.Learn(ref reader, _openKinds[top], _openNames[top], key);
                    guess = _guesses[name]?.Next;
                }

                _openNames[top] = name;
                if (KeyNames.IsNamed(key) && !node.Keys.Add(key))
                {
                    throw new FilterException($"duplicate key '{KeyNames.NameOf(key)}' in an object the policy reads");
                }

                // A name whose scalar value is not recorded is pushed only if its value is a container.
                unrecordedName = key == Key.Other;
                if (!unrecordedName)
                {
                    PushProp(Prop.Named(start, key));
                }

                continue;
            }

            var isContainer = type is JsonTokenType.StartObject or JsonTokenType.StartArray;
            if (unrecordedName)
            {
                unrecordedName = false;
                if (!isContainer)
                {
                    node.HasUnrecorded = true;
                    continue;
                }

                PushProp(Prop.Named(start, Key.Other));
            }

            ref var prop = ref _pendingProps[_pendingPropCount - 1];
            var nameStart = prop.ValueStart;
            prop.SetValue(start, type, reader.ValueIsEscaped);
            if (KeyNames.IsUnread(prop.Key))
            {
                if (isContainer)
                {
                    skipDepth = reader.CurrentDepth;
                    guess = null;
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
                if (prop.Key == Key.Distribution && reader.ValueSpan is [var digit and >= (byte)'0' and <= (byte)'5'])
                {
                    // Read now, while its bytes are in the cache: the decision reads every item's.
                    node.ScannedDistribution = (byte)(digit - '0');
                }

                continue;
            }

            // A container the policy reads, or an element of an object-list (scalar or not).
            var child = Rent(start, type);
            prop.ChildNumber = _used;
            if (prop.Key == Key.Index)
            {
                child.ElementStart = nameStart;
                PushItem(child);
            }

            if (isContainer)
            {
                // An element of an object-list is the kind of object the list holds.
                node = Open(child, prop.Key == Key.Index ? _openKinds[_open.Count - 1] : prop.Key);
                guess = Guess(node);
            }
            else
            {
                prop.ValueEnd = child.End = offset + (int)reader.BytesConsumed;
            }
        }

        _skipDepth = skipDepth;
        _unrecordedName = unrecordedName;
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
        _emptyArrays.Clear();
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
    private Node Open(Node node, Key kind)
    {
        node.PropAt = _pendingPropCount;
        node.ItemAt = _pendingItemCount;
        _openKinds[_open.Count] = kind;
        _openNames[_open.Count] = NameGuesses.None;
        _open.Add(node);
        return node;
    }

    /// <summary>The name likely to come next in the open <paramref name="node"/> (the last one open), or null.</summary>
    private NameGuesses.Name? Guess(Node node)
    {
        if (node.IsArray)
        {
            return null;
        }

        var top = _open.Count - 1;
        var last = _openNames[top];
        return last == NameGuesses.None ? _guesses[_guesses.First(_openKinds[top])] : _guesses[last]!.Next;
    }

    /// <summary>Moves a closing node's properties and elements from the stacks into the arenas.</summary>
    private void Close(Node node)
    {
        // An object has no elements, and an array no properties (but for an object-list's): an empty run is not copied.
        var props = _pendingPropCount - node.PropAt;
        var propsAt = props == 0 ? 0 : ArenaPosition(_props.Append(_pendingProps.AsSpan(node.PropAt, props)));
        _pendingPropCount = node.PropAt;
        node.PropAt = propsAt;
        node.PropCount = props;

        var items = _pendingItemCount - node.ItemAt;
        var itemsAt = items == 0 ? 0 : ArenaPosition(_items.Append(_pendingItems.AsSpan(node.ItemAt, items)));
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
