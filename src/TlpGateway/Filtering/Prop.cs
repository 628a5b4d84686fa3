using System.Text.Json;
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

    /// <summary>
    /// An empty array under a key the policy reads, which the scan gave no node: an attribute's
    /// <c>Galaxy</c> and <c>ShadowAttribute</c> lists are nearly always empty (90k of a held event's
    /// 160k nodes). It delivers nothing; <see cref="Node.ChildOf"/> makes its node when one is asked for.
    /// </summary>
    public readonly bool IsEmptyArray => ChildNumber == 0 && ValueKind == JsonTokenType.StartArray && Key != Key.Other;

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
