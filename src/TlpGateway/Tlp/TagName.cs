using System.Buffers;
using System.Globalization;
using System.Text;

namespace TlpGateway.Tlp;

/// <summary>
/// A tag name as the rules compare it (SPEC section 3): JSON-unescaped by the caller, then with
/// invisible characters removed (zero-width spaces, NUL, variation selectors, ...), NFKC-normalised
/// (full-width letters become ASCII), trimmed and lower-cased. <c>"TLP:Red"</c>,
/// <c>" tlp:red "</c>, <c>"tlp:red\u200b"</c> and <c>"ｔｌｐ：ｒｅｄ"</c> are all <c>tlp:red</c>. Every rule
/// that reads a tag name (TLP, Chatham House, member rules, both directions) reads it through here.
/// </summary>
internal static class TagName
{
    private static readonly SearchValues<char> AsciiInvisible = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    /// <summary>Whether this process can normalise Unicode (ICU present); the gateway refuses to start without it.</summary>
    public static bool NormalisationAvailable { get; } = "\uFF54".Normalize(NormalizationForm.FormKC) == "t";

    public static string Canonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Canonical(name.AsSpan());
    }

    public static string Canonical(ReadOnlySpan<char> name)
    {
        if (Ascii.IsValid(name))
        {
            // Nearly every tag: ASCII needs no normalisation, only its control characters removed.
            return Strip(name).Trim().ToString().ToLowerInvariant();
        }

        var visible = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            if (!IsInvisible(rune))
            {
                visible.Append(rune.ToString());
            }
        }

        // Normalisation can bring invisible characters of its own (compatibility forms), so they are removed again.
        var normalised = visible.ToString().Normalize(NormalizationForm.FormKC);
        var result = new StringBuilder(normalised.Length);
        foreach (var rune in normalised.EnumerateRunes())
        {
            if (!IsInvisible(rune))
            {
                result.Append(rune.ToString());
            }
        }

        return result.ToString().Trim().ToLowerInvariant();
    }

    /// <summary>Whether two tag names are the same tag.</summary>
    public static bool Same(string a, string b) => string.Equals(Canonical(a), Canonical(b), StringComparison.Ordinal);

    private static ReadOnlySpan<char> Strip(ReadOnlySpan<char> name)
    {
        if (name.IndexOfAny(AsciiInvisible) < 0)
        {
            return name;
        }

        var kept = new char[name.Length];
        var count = 0;
        foreach (var c in name)
        {
            if (!AsciiInvisible.Contains(c))
            {
                kept[count++] = c;
            }
        }

        return kept.AsSpan(0, count);
    }

    /// <summary>
    /// Controls, format characters, and what else Unicode makes invisible (Default_Ignorable_Code_Point,
    /// DerivedCoreProperties.txt): variation selectors, the combining grapheme joiner, Hangul fillers,
    /// the reserved ignorable ranges. A name holding one reads as the name without it.
    /// </summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format || rune.Value switch
        {
            0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x3164 or 0xFFA0 => true,
            >= 0x180B and <= 0x180F => true,
            >= 0x2060 and <= 0x206F => true,
            >= 0xFE00 and <= 0xFE0F => true,
            >= 0xFFF0 and <= 0xFFF8 => true,
            >= 0xE0000 and <= 0xE0FFF => true,
            _ => false,
        };
}
