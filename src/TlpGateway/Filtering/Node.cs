using System.Globalization;
using System.Text;
using System.Text.Json;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

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

    /// <summary>
    /// The object has properties <see cref="Props"/> leaves out: scalars under names no key stands for
    /// (see <see cref="JsonScan"/>). They are part of the object as written, and stay when it is edited;
    /// a shape that must know every name of an object (a list, a save failure) is not one with them.
    /// </summary>
    public bool HasUnrecorded;

    /// <summary>Set by the decision that removes this item (compared with the decision's own mark, so a new decision starts clean).</summary>
    public int RemovedMark;

    /// <summary>Set by the decision that judged this item (the same way as <see cref="RemovedMark"/>).</summary>
    public int JudgedMark;

    /// <summary>
    /// The object's <c>distribution</c> when the scan found it written as one digit 0 to 5 (a string or
    /// a number), else <see cref="NoScannedDistribution"/>: the same level <see cref="IntAt"/> reads,
    /// taken while the bytes were in the cache (a held event's are far apart when the decision walks it).
    /// </summary>
    public byte ScannedDistribution;

    public const byte NoScannedDistribution = byte.MaxValue;

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

    /// <summary>The properties of an object the scan recorded, in input order (read once the value is whole; see <see cref="HasUnrecorded"/>).</summary>
    public ReadOnlySpan<Prop> Props => _owner.PropsOf(this);

    /// <summary>The elements of a list (see the remarks), in input order (read once the value is whole).</summary>
    public ReadOnlySpan<Node> Items => _owner.ItemsOf(this);

    /// <summary>
    /// A list as PHP's <c>json_encode</c> writes one: an array, an object of digit-named elements,
    /// or an empty object (an empty PHP array of a non-list origin).
    /// </summary>
    public bool IsList => IsArray || (IsObject && ItemCount == PropCount && !HasUnrecorded);

    /// <summary>The bytes the ranges refer to: the unit being decided.</summary>
    public ReadOnlyMemory<byte> Source => _owner.Source;

    internal void Release() => _owner = null!;

    internal void Reset(JsonScan owner, int start, JsonTokenType token)
    {
        if (!ReferenceEquals(_owner, owner))
        {
            // Nodes are rented again and again by the same scanner: a reference stored costs a write barrier.
            _owner = owner;
        }

        ElementStart = start;
        Start = start;
        End = 0;
        Token = token;
        Keys = default;
        HasUnrecorded = false;
        RemovedMark = 0;
        JudgedMark = 0;
        ScannedDistribution = NoScannedDistribution;
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
    public Node? ChildOf(in Prop prop) => prop.ChildNumber != 0 ? _owner.NodeAt(prop.ChildNumber - 1) : prop.IsEmptyArray ? _owner.EmptyArray(prop) : null;

    /// <summary>The string (unescaped) or number text of a property, decoded only when asked for.</summary>
    public string? Text(Key key) => IndexOf(key) is >= 0 and var i ? TextAt(i) : null;

    /// <summary>
    /// A property's name as written between its quotes, escapes as written (for the names of digits and
    /// UUIDs the policy reads as data, and the names no key stands for).
    /// </summary>
    public ReadOnlySpan<byte> RawName(in Prop prop)
    {
        // Only a colon and whitespace stand between the name's closing quote and the value.
        var name = Source.Span[(NameStart(prop) + 1)..prop.ValueStart];
        return name[..name.LastIndexOf((byte)'"')];
    }

    /// <summary>Where a property's name starts (its opening quote), found back from its value.</summary>
    public int NameStart(in Prop prop)
    {
        // Only a colon and whitespace stand between the name's closing quote and the value; inside the
        // name a quote is escaped, after an odd number of backslashes.
        var source = Source.Span;
        var at = source[..prop.ValueStart].LastIndexOf((byte)'"');
        while (true)
        {
            at = source[..at].LastIndexOf((byte)'"');
            var backslashes = at - source[..at].TrimEnd((byte)'\\').Length;
            if (backslashes % 2 == 0)
            {
                return at;
            }
        }
    }

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
