using System.Globalization;
using System.Text;
using System.Text.Json;
using TlpGateway.Shapes;
using TlpGateway.Tlp;

namespace TlpGateway.Members;

/// <summary>The members file's values: levels, times, names, ids and strings, read and checked one by one, and the problems found.</summary>
internal static partial class MembersFileParser
{
    private static TlpLevel? ParseTlp(JsonElement element, string where, bool allowRed, ProblemList errors)
    {
        var value = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        TlpLevel? level = value switch
        {
            "clear" => TlpLevel.Clear,
            "green" => TlpLevel.Green,
            "amber" => TlpLevel.Amber,
            "amber+strict" => TlpLevel.AmberStrict,
            "red" when allowRed => TlpLevel.Red,
            _ => null,
        };
        if (level is null)
        {
            errors.Add(value == "red"
                ? $"{where} cannot be 'red': TLP:RED is never granted to a whole organisation (name individuals in 'redRecipients')"
                : $"{where} is '{value ?? element.GetRawText()}', expected one of clear, green, amber, amber+strict");
        }

        return level;
    }

    private static DateTimeOffset? ParseTime(JsonElement element, string where, ProblemList errors)
    {
        var text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        if (text is not null && TryParseTime(text, out var time))
        {
            return time;
        }

        errors.Add($"{where} '{text ?? element.GetRawText()}' is not an ISO-8601 time with an offset (e.g. 2026-12-01T00:00:00Z)");
        return null;
    }

    /// <summary>
    /// A UUID in the one form MISP writes and the gateway compares (as text, ignoring case): Guid also
    /// reads "{...}", 32 bare digits and signs in a group, which would never match an organisation or sharing group.
    /// </summary>
    private static bool IsUuid(string text) => MispUuid.IsWellFormed(text);

    /// <summary>
    /// An ISO-8601 time with an explicit offset (<c>2026-12-01T10:00:00Z</c>, <c>...+01:00</c>,
    /// <c>...-0500</c>; the seconds and their fraction optional, a space for the 'T' as RFC 3339
    /// allows): without an offset the time would depend on the reader's time zone, and any other
    /// form DateTimeOffset reads (<c>01/12/2026 10:00 +01:00</c>, read month first) may not be the
    /// day the maintainer meant.
    /// </summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(text);
        time = default;
        return IsoTime().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IsoTime();

    private static List<string> ParseStrings(JsonElement element, string field, string where, ProblemList errors)
    {
        var values = new List<string>();
        if (!element.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return values;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{where}: '{field}' must be a list of strings");
            return values;
        }

        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(entry.GetString()))
            {
                values.Add(entry.GetString()!.Trim());
            }
            else
            {
                errors.Add($"{where}: '{field}' entry {entry.GetRawText()} is not a non-empty string");
            }
        }

        return values;
    }

    /// <summary>An optional display name: a string that is not empty when present (a number or an empty text is a typo, not the default).</summary>
    private static string? OptionalName(JsonElement element, string field, string where, ProblemList errors)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add($"{where}: '{field}' must be a non-empty string (leave it out to use the id)");
            return null;
        }

        if (NameProblem(value.GetString()!) is { } problem)
        {
            errors.Add($"{where}: '{field}' {problem}");
            return null;
        }

        return value.GetString();
    }

    /// <summary>
    /// What makes a name unfit to be shown (in place of a source in what members receive, in logs and
    /// reports): empty, or a control character (a line break, a terminal code); null when it is fit.
    /// </summary>
    private static string? NameProblem(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "must not be empty";
        }

        var control = name.AsSpan().IndexOfAnyInRange('\0', '\u001f') is >= 0 and var c0 ? c0 : name.AsSpan().IndexOfAnyInRange('\u007f', '\u009f');
        return control < 0 ? null : $"holds the control character U+{(int)name[control]:X4}: write it on one line, in visible characters";
    }

    /// <summary>What makes an id unfit to be typed and read: surrounding spaces, control or invisible characters; null when it is fit.</summary>
    private static string? Unprintable(string id)
    {
        if (id.Trim() != id)
        {
            return "has spaces around it";
        }

        foreach (var rune in id.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return $"holds the invisible or control character U+{rune.Value:X4}: write it in visible characters";
            }
        }

        return null;
    }

    private static string? RequiredString(JsonElement element, string field, string where, ProblemList errors)
    {
        if (!element.TryGetProperty(field, out var value))
        {
            errors.Add($"{where}: '{field}' is required");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{where}: '{field}' must be a string");
            return null;
        }

        return value.GetString();
    }

    private static bool OptionalBool(JsonElement element, string field, string where, ProblemList errors)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add($"{where}: '{field}' must be true or false");
            return false;
        }

        return value.GetBoolean();
    }

    private static void CheckFields(JsonElement element, string[] known, string where, ProblemList errors)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                errors.Add($"{where}: unknown field '{property.Name}' (known: {string.Join(", ", known)})");
            }
        }
    }

    /// <summary>A duplicate is attributed to the later entry: the one an edit most likely added.</summary>
    private static void CheckUnique(List<(int Index, MemberEntry Entry)> members, Func<MemberEntry, string> key, string field, ProblemList errors)
    {
        foreach (var group in members.GroupBy(m => key(m.Entry), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Member = group.ElementAt(1).Index;
            errors.Add($"duplicate '{field}' '{group.Key}' in members {string.Join(", ", group.Select(m => $"'{m.Entry.Id}'"))}");
        }

        errors.Member = null;
    }

    private static T? Missing<T>(string what, ProblemList errors)
        where T : notnull
    {
        errors.Add($"{what} is required");
        return default;
    }

    private static T? Invalid<T>(string error, ProblemList errors)
        where T : struct
    {
        errors.Add(error);
        return null;
    }

    /// <summary>Problems, each attributed to the member entry being read when it was found.</summary>
    private sealed class ProblemList
    {
        private readonly List<MembersFileProblem> _items = [];

        public int? Member { get; set; }

        public int Count => _items.Count;

        public IReadOnlyList<MembersFileProblem> Items => _items;

        public void Add(string message) => _items.Add(new MembersFileProblem(Member, message));
    }
}
