using System.Text.Json;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>One property of a scanned object: its key and the byte range of its value.</summary>
/// <remarks>
/// Twelve bytes: a held event of 45k attributes records half a million of them. The name is found
/// from its value when asked for (<see cref="Node.NameStart"/>); the key, the value's token, whether
/// it is escaped and which node it is share one word, so a record holds at most
/// <see cref="MaxChildren"/> objects and arrays the policy reads (a 20 MB event of 45k attributes
/// has 67k): one with more is not an answer the filter can record, and ends it.
/// </remarks>
internal struct Prop
{
    public int ValueStart;
    public int ValueEnd;

    // Bits 0-6: the key (Key.cs holds at most 128); 7-10: the value's token; 11: a string value
    // holds an escape; 12-31: the child node's number plus one (0: none).
    private uint _packed;

    private const int KeyBits = 7;
    private const int TokenShift = KeyBits;
    private const uint EscapedBit = 1u << 11;
    private const int ChildShift = 12;
    private const uint LowBits = (1u << ChildShift) - 1;

    /// <summary>The most nodes one record may have, given <see cref="ChildNumber"/>'s bits.</summary>
    public const int MaxChildren = (int)(uint.MaxValue >> ChildShift) - 1;

    public readonly Key Key => (Key)(_packed & ((1u << KeyBits) - 1));

    public readonly JsonTokenType ValueKind => (JsonTokenType)((_packed >> TokenShift) & 0xF);

    /// <summary>A string value written with an escape (as the tokenizer found it): its text must be unescaped to be read.</summary>
    public readonly bool Escaped => (_packed & EscapedBit) != 0;

    /// <summary>Which of its scanner's nodes the value is (one more than its number; 0: none), for the objects and arrays the filter looks into (<see cref="Node.ChildOf"/>).</summary>
    internal int ChildNumber
    {
        readonly get => (int)(_packed >> ChildShift);
        set => _packed = (_packed & LowBits) | ((uint)(value is >= 0 and <= MaxChildren + 1 ? value : throw new FilterException("an event has more values than the filter can record")) << ChildShift);
    }

    /// <summary>
    /// An empty array under a key the policy reads, which the scan gave no node: an attribute's
    /// <c>Galaxy</c> and <c>ShadowAttribute</c> lists are nearly always empty (90k of a held event's
    /// 160k nodes). It delivers nothing; <see cref="Node.ChildOf"/> makes its node when one is asked for.
    /// </summary>
    public readonly bool IsEmptyArray => ChildNumber == 0 && ValueKind == JsonTokenType.StartArray && !KeyNames.IsUnread(Key);

    /// <summary>A property whose name starts at <paramref name="nameStart"/>, its value not read yet.</summary>
    internal static Prop Named(int nameStart, Key key) => new() { ValueStart = nameStart, _packed = (uint)key };

    /// <summary>Records where the value starts, and its token.</summary>
    internal void SetValue(int start, JsonTokenType kind, bool escaped)
    {
        ValueStart = start;
        _packed = (_packed & ~(LowBits & ~((1u << KeyBits) - 1))) | ((uint)kind << TokenShift) | (escaped ? EscapedBit : 0);
    }
}
