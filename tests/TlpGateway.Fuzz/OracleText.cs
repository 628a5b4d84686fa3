using System.Globalization;

namespace TlpGateway.Fuzz;

/// <summary>
/// The text export held to what a blocklist reader needs: one released value a line, each once, in
/// the order first seen, nothing released one empty line (MISP's <c>TextExport</c>); and a value
/// holding a line break (LF, CR, VT, FF, NEL, the file, group and record separators, U+2028, U+2029)
/// or any other control character but TAB left out whole, never split into lines that are no value
/// (docs/exports.md: MISP writes it as it is, and a reader splitting on any of them takes its parts
/// for values).
/// </summary>
internal static class OracleText
{
    public static void Check(string text, OracleReleased released)
    {
        var values = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attribute in released.Attributes)
        {
            if (OracleReleased.Scalar(attribute.Attribute, "value") is { } value && !Breaks(value) && seen.Add(value))
            {
                values.Add(value);
            }
        }

        var expected = values.Count == 0 ? "\n" : string.Concat(values.Select(v => v + "\n"));
        if (text == expected)
        {
            return;
        }

        var line = text.Split('\n').FirstOrDefault(Breaks);
        throw new FuzzFinding(line is not null
            ? "the text export has a line holding a separator a reader splits on: " + line
            : $"the text export is not the released values one a line ({values.Count} expected): " + text);
    }

    /// <summary>Whether a value holds a character a line-based reader may split on, or any other control character but TAB.</summary>
    public static bool Breaks(string value)
    {
        foreach (var c in value)
        {
            if (c != '\t' && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The separators named in the summary, for the tests.</summary>
    public static readonly string[] Separators = ["\n", "\r", "\r\n", "\v", "\f", "\u001c", "\u001d", "\u001e", "\u0085", "\u2028", "\u2029"];
}
