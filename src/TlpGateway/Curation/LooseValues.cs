using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TlpGateway.Curation;

/// <summary>
/// The curated-data rule (SPEC section 6): a write with more than <c>maxLooseAttributesPerType</c>
/// stand-alone IoCs of one type (top-level, or alone in an object) is refused, asking for objects.
/// Pure code; the same count for every write path (event add and edit, attribute add with a list
/// <c>value</c> or <c>batch_import</c>, free text).
/// </summary>
internal static partial class LooseValues
{
    /// <summary>The first type with more values than <paramref name="limit"/>, if any.</summary>
    public static (string Type, int Count)? OverLimit(IEnumerable<string> types, int limit)
    {
        ArgumentNullException.ThrowIfNull(types);
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in types)
        {
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }

        foreach (var (type, count) in counts)
        {
            if (count > limit)
            {
                return (type, count);
            }
        }

        return null;
    }

    /// <summary>The refusal's message, naming the type and the limit.</summary>
    public static string Message((string Type, int Count) loose, int limit) =>
        $"{loose.Count} stand-alone values of type '{loose.Type}' exceed the community's limit of {limit}: group them into objects.";

    /// <summary>The types of an event's stand-alone attributes: its own, and the attribute of any object that holds only one.</summary>
    public static IEnumerable<string> OfEvent(IEnumerable<JsonObject> attributes, IEnumerable<JsonObject> objects)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(objects);
        foreach (var attribute in attributes)
        {
            yield return TypeOf(attribute);
        }

        foreach (var obj in objects)
        {
            if (obj["Attribute"] is JsonArray { Count: 1 } single && single[0] is JsonObject alone)
            {
                yield return TypeOf(alone);
            }
        }
    }

    /// <summary>An attribute's type as written (<c>unknown</c> when it has none).</summary>
    public static string TypeOf(JsonObject attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return attribute["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String ? type.GetValue<string>() : "unknown";
    }

    /// <summary>
    /// The values MISP's free-text import (<c>ComplexTypeTool::checkFreeText</c>) finds in a text, by the
    /// kind of value they are: a text starting with <c>{</c> that parses as JSON is read for its string
    /// values; otherwise it is split where MISP splits it (line breaks, white space, <c>,</c> <c>&lt;</c>
    /// <c>&gt;</c> <c>;</c>, and quoted strings), trimmed as MISP trims, duplicates counted once.
    /// The kinds stand for MISP's types (ip, hash by length, url, email, domain, other).
    /// </summary>
    public static IEnumerable<string> OfFreeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        if (text.StartsWith('{') && TryJsonStrings(text, out var strings))
        {
            foreach (var value in strings)
            {
                tokens.Add(value);
                tokens.AddRange(Split(value));
            }
        }
        else
        {
            tokens.AddRange(Split(text));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            var value = token.Trim('\'', '"', '.', ',', '(', ')', ' ', '\t', '\n', '\r', '\0', '\v');
            if (value.Length > 0 && seen.Add(value) && Kind(value) is { } kind)
            {
                yield return kind;
            }
        }
    }

    private static IEnumerable<string> Split(string text)
    {
        var visible = InvisiblePattern().Replace(text, " ");
        foreach (var part in SeparatorPattern().Split(visible))
        {
            yield return part;
        }

        foreach (Match quoted in QuotedPattern().Matches(visible))
        {
            yield return quoted.Groups[1].Value;
        }
    }

    /// <summary>A rough type, in the spirit of MISP's; null for words that are no IoC.</summary>
    private static string? Kind(string value)
    {
        if (IPAddress.TryParse(value, out _) && (value.Contains(':', StringComparison.Ordinal) || value.Count(c => c == '.') == 3))
        {
            return "ip";
        }

        if (HexPattern().IsMatch(value) && value.Length is 32 or 40 or 56 or 64 or 96 or 128)
        {
            return "hash-" + value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            return "url";
        }

        if (value.Contains('@', StringComparison.Ordinal))
        {
            return "email";
        }

        if (value.Contains('.', StringComparison.Ordinal) && value.Any(char.IsLetter))
        {
            return "domain";
        }

        // Plain words are no IoC for MISP; anything with digits or symbols may be one (an AS number, a CVE, a port).
        return value.All(char.IsLetter) ? null : "other";
    }

    private static bool TryJsonStrings(string text, out List<string> strings)
    {
        strings = [];
        try
        {
            Collect(Requests.StrictJson.Parse(text), strings);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void Collect(JsonNode? node, List<string> strings)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Collect(value, strings);
                }

                break;
            case JsonArray list:
                foreach (var value in list)
                {
                    Collect(value, strings);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                strings.Add(value.GetValue<string>());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && !value.ToJsonString().All(char.IsAsciiDigit):
                strings.Add(value.ToJsonString());
                break;
        }
    }

    [GeneratedRegex(@"\p{C}+|\u00a0")]
    private static partial Regex InvisiblePattern();

    [GeneratedRegex(@"\r\n|\n|\r|\s|,|<|>|;")]
    private static partial Regex SeparatorPattern();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedPattern();

    [GeneratedRegex("^[0-9a-fA-F]+$")]
    private static partial Regex HexPattern();
}
