using System.Text;

namespace TlpGateway.Tlp;

/// <summary>
/// What the tags of one event or attribute say about its marking (SPEC section 3): the most
/// restrictive TLP level, whether the Chatham House Rule is tagged, and whether an unknown
/// <c>tlp:</c> value was seen (it counts as amber and brings CHR, but is not a level). A name that
/// spells a marking with other separators (<c>"tlp :red"</c>, <c>"TLP-RED"</c>, <c>"tlp:amber strict"</c>,
/// <c>"tlp\u2236red"</c>) is such an unknown value too, but counts as the more restrictive of amber and
/// what it spells: MISP stores it as no marking, while its author most likely meant one.
/// </summary>
internal struct TlpMarking
{
    private const string Prefix = "tlp:";

    /// <summary>The most restrictive level an uncertain name spells, if any.</summary>
    private TlpLevel? _uncertain;

    /// <summary>An uncertain name spells <c>tlp:ex:chr</c>.</summary>
    private bool _uncertainChathamHouse;

    /// <summary>The most restrictive known level among the tags, if any.</summary>
    public TlpLevel? Level { get; private set; }

    /// <summary><c>tlp:ex:chr</c> is among the tags.</summary>
    public bool ChathamHouse { get; private set; }

    /// <summary>A <c>tlp:</c> tag with a value the gateway does not know.</summary>
    public bool Unknown { get; private set; }

    /// <summary>Whether a known TLP level was tagged (the AMBER filling applies when not).</summary>
    public readonly bool HasLevel => Level.HasValue;

    /// <summary>The level the policy judges by: unknown counts as amber; nothing tagged is <paramref name="defaultLevel"/>.</summary>
    public readonly TlpLevel Effective(TlpLevel defaultLevel)
    {
        TlpLevel? level = Level;
        var floor = _uncertain is { } uncertain && uncertain > TlpLevel.Amber ? uncertain : TlpLevel.Amber;
        if (Unknown && (level is null || level < floor))
        {
            level = floor;
        }

        return level ?? defaultLevel;
    }

    /// <summary>Takes one tag name (already JSON-unescaped) into account.</summary>
    public void Add(string tagName)
    {
        ArgumentNullException.ThrowIfNull(tagName);
        Add(tagName.AsSpan());
    }

    /// <summary>
    /// Takes one tag name as UTF-8 (already JSON-unescaped) into account: a plain printable ASCII
    /// name that does not start with <c>tlp:</c> says nothing and is passed over without decoding
    /// (a held event of 45k attributes has as many tag lists); any other goes through <see cref="Add(ReadOnlySpan{char})"/>.
    /// </summary>
    public void Add(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOfAnyExceptInRange((byte)' ', (byte)'~') < 0)
        {
            // Printable ASCII is trimmed of spaces only and compared in place (see Add(ReadOnlySpan<char>));
            // a name not starting with tlp spells no marking, whatever its separator.
            var name = utf8.TrimStart((byte)' ');
            if (name.Length < 3 || !Ascii.EqualsIgnoreCase(name[..3], "tlp"u8))
            {
                return;
            }

            if (utf8.Length <= 128)
            {
                Span<char> chars = stackalloc char[128];
                Ascii.ToUtf16(utf8, chars, out var written);
                Add(chars[..written]);
                return;
            }
        }

        Add(Encoding.UTF8.GetString(utf8));
    }

    /// <summary>Takes one tag name (already JSON-unescaped) into account, compared as <see cref="TagName.Canonical(ReadOnlySpan{char})"/> reads it.</summary>
    public void Add(ReadOnlySpan<char> tagName)
    {
        // Nearly every tag is plain printable ASCII: compared in place, without allocating.
        if (Ascii.IsValid(tagName) && tagName.IndexOfAnyInRange('\0', '\u001f') < 0 && tagName.IndexOf('\u007f') < 0)
        {
            AddCanonical(tagName.Trim());
            return;
        }

        AddCanonical(TagName.Canonical(tagName));
    }

    /// <summary>Takes one tag name, trimmed and free of invisible characters, into account (case-insensitive).</summary>
    private void AddCanonical(ReadOnlySpan<char> name)
    {
        if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || !AddValue(name[Prefix.Length..].Trim()))
        {
            AddUncertain(name);
        }
    }

    /// <summary>
    /// Takes a name that is no TLP tag as written into account: one that starts with <c>tlp</c> and a
    /// separator (any but a letter or digit) is an unknown value; the letters of its value, read
    /// alone, may spell a level it then counts as at least.
    /// </summary>
    private void AddUncertain(ReadOnlySpan<char> name)
    {
        if (name.Length <= 3 || !name.StartsWith("tlp", StringComparison.OrdinalIgnoreCase) || char.IsLetterOrDigit(name[3]))
        {
            return;
        }

        Unknown = true;
        Span<char> letters = stackalloc char[16];
        var length = 0;
        foreach (var c in name[4..])
        {
            if (char.IsLetter(c))
            {
                if (length == letters.Length)
                {
                    return;
                }

                letters[length++] = char.ToLowerInvariant(c);
            }
        }

        TlpLevel? level = letters[..length] switch
        {
            "clear" or "white" => TlpLevel.Clear,
            "green" => TlpLevel.Green,
            "amber" => TlpLevel.Amber,
            "amberstrict" => TlpLevel.AmberStrict,
            "red" => TlpLevel.Red,
            _ => null,
        };
        _uncertainChathamHouse |= letters[..length] is "exchr";
        if (level > (_uncertain ?? TlpLevel.Clear))
        {
            _uncertain = level;
        }
    }

    /// <summary>Takes the value of a <c>tlp:</c> tag into account; false when it is not a value the gateway knows.</summary>
    private bool AddValue(ReadOnlySpan<char> value)
    {
        TlpLevel? level = null;
        if (value.Equals("clear", StringComparison.OrdinalIgnoreCase) || value.Equals("white", StringComparison.OrdinalIgnoreCase))
        {
            level = TlpLevel.Clear;
        }
        else if (value.Equals("green", StringComparison.OrdinalIgnoreCase))
        {
            level = TlpLevel.Green;
        }
        else if (value.Equals("amber", StringComparison.OrdinalIgnoreCase))
        {
            level = TlpLevel.Amber;
        }
        else if (value.Equals("amber+strict", StringComparison.OrdinalIgnoreCase))
        {
            level = TlpLevel.AmberStrict;
        }
        else if (value.Equals("red", StringComparison.OrdinalIgnoreCase))
        {
            level = TlpLevel.Red;
        }
        else if (value.Equals("ex:chr", StringComparison.OrdinalIgnoreCase))
        {
            ChathamHouse = true;
            return true;
        }
        else
        {
            return false;
        }

        if (Level is null || level > Level)
        {
            Level = level;
        }

        return true;
    }

    /// <summary>
    /// The name to write for a tag the gateway reads as a TLP level or <c>tlp:ex:chr</c> where MISP would not:
    /// <c>Tag::captureTag</c> finds a tag by its lower-cased name, exactly, so <c>" tlp:red"</c>,
    /// <c>"tlp:red\u200b"</c> or a full-width spelling become a tag of their own, or none at all (a user who may
    /// not create tags). An uncertain name is written as what it spells when that is amber or more
    /// restrictive (<c>"TLP-RED"</c> as <c>tlp:red</c>), or <c>tlp:ex:chr</c>: dropped by MISP, it would
    /// leave the event less restrictive than judged. Null when MISP finds the name as written, or it
    /// names no level, or an uncertain one less restrictive than amber (that would loosen it).
    /// </summary>
    public static string? StoredName(string tagName)
    {
        ArgumentNullException.ThrowIfNull(tagName);
        var marking = default(TlpMarking);
        marking.Add(tagName);
        if (!marking.HasLevel && !marking.ChathamHouse)
        {
            return marking._uncertain is { } level and >= TlpLevel.Amber ? Prefix + Name(level)
                : marking._uncertainChathamHouse ? Prefix + "ex:chr"
                : null;
        }

        var canonical = TagName.Canonical(tagName);
        var stored = Prefix + canonical[Prefix.Length..].Trim();
        return tagName.ToLowerInvariant() == stored ? null : stored;
    }

    public static string Name(TlpLevel level) => level switch
    {
        TlpLevel.Clear => "clear",
        TlpLevel.Green => "green",
        TlpLevel.Amber => "amber",
        TlpLevel.AmberStrict => "amber+strict",
        _ => "red",
    };
}
