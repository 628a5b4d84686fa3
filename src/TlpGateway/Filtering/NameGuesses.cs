using System.IO.Hashing;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>
/// The property names of MISP's answers as the scan has read them, in the order MISP writes them:
/// MISP writes every attribute, tag or organisation with its fields in the same order, so the name
/// after one is nearly always the one that followed it last time in the same kind of object. The
/// scan guesses it, and <see cref="JsonTokenizer.TryReadName"/> checks the guess against the bytes,
/// quotes and colon included: a name that matches is read without searching for its end or looking
/// its key up in <see cref="KeyNames"/>.
/// </summary>
/// <remarks>
/// A guess only saves work; it never decides anything. A name is learned only as it was read and
/// recognised the ordinary way, with no escape and its colon right after it, so its bytes matching
/// exactly is the same token, with the same key, as reading it again. Names are learned by the kind
/// of object they are in (the key of the property that holds the object, or the list that holds it),
/// so an attribute's <c>id</c> and a tag's lead to different names. The names of PHP lists (digits)
/// and the analyst-data index's entries (UUIDs) vary from one object to the next and are not learned.
/// A scanner learns at most <see cref="MaxNames"/>; past that it reads new names the ordinary way.
/// </remarks>
internal sealed class NameGuesses
{
    // MISP's answers have a few hundred distinct (kind, name) pairs; anything beyond is not MISP's usual shape.
    private const int MaxNames = 1024;

    // A name longer than this is read the ordinary way (MISP's longest field names have about 30 bytes).
    private const int MaxNameBytes = 64;

    // Names by number (Name.Number), so the scan keeps numbers, not references, for each open object:
    // storing a number costs no write barrier, and a name is read for every property of an answer.
    private readonly List<Name> _names = [];
    private readonly Dictionary<(Key Kind, ulong Hash), Name> _byName = [];
    private readonly int[] _first = new int[KeyNames.MaxKeys];

    public NameGuesses() => Array.Fill(_first, None);

    /// <summary>The number of no name.</summary>
    public const int None = -1;

    /// <summary>The name of number <paramref name="number"/>, or null for <see cref="None"/>.</summary>
    public Name? this[int number] => number == None ? null : _names[number];

    /// <summary>The number of the first name of the last object of this kind, or <see cref="None"/>.</summary>
    public int First(Key kind) => _first[(int)kind];

    /// <summary>
    /// Learns the name just read by <paramref name="reader"/> (key <paramref name="key"/>), after
    /// name <paramref name="previous"/> in an object of <paramref name="kind"/> (<see cref="None"/>:
    /// it is the object's first). Returns its number, or <see cref="None"/> for a name not learned.
    /// </summary>
    public int Learn(ref readonly JsonTokenizer reader, Key kind, int previous, Key key)
    {
        var name = reader.ValueSpan;
        if (key == Key.Index || reader.ValueIsEscaped || name.Length > MaxNameBytes || name.Length == MispUuid.Length
            || reader.BytesConsumed - reader.TokenStartIndex != name.Length + 3)
        {
            // Not learned: varies, or is not written as "name": (an escape, whitespace before the colon).
            return None;
        }

        var id = (kind, XxHash3.HashToUInt64(name));
        if (!_byName.TryGetValue(id, out var entry))
        {
            if (_names.Count == MaxNames)
            {
                return None;
            }

            entry = new Name([.. "\""u8, .. name, .. "\":"u8], key, _names.Count);
            _names.Add(entry);
            _byName.Add(id, entry);
        }
        else if (!entry.Spelled.AsSpan(1, entry.Spelled.Length - 3).SequenceEqual(name))
        {
            // Two names of one hash: the second is read the ordinary way.
            return None;
        }

        if (previous == None)
        {
            _first[(int)kind] = entry.Number;
        }
        else
        {
            _names[previous].Next = entry;
        }

        return entry.Number;
    }

    /// <summary>A learned name: its bytes as written (<c>"name":</c>), its key, its number, and the name that followed it last.</summary>
    internal sealed class Name(byte[] spelled, Key key, int number)
    {
        public byte[] Spelled { get; } = spelled;

        public Key Key { get; } = key;

        public int Number { get; } = number;

        // A reference, not a number: read for every property guessed, written only when a name is learned.
        public Name? Next { get; set; }
    }
}
