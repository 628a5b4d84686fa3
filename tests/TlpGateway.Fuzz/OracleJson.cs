using System.Text.Json;

namespace TlpGateway.Fuzz;

/// <summary>How the oracle reads MISP's JSON: every duplicate of a name, PHP's object-lists, PHP's truthiness.</summary>
internal static class OracleJson
{
    public static List<JsonElement> Values(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object ? item.EnumerateObject().Where(p => p.Name == name).Select(p => p.Value).ToList() : [];

    public static bool Has(JsonElement item, string name) => item.ValueKind == JsonValueKind.Object && item.EnumerateObject().Any(p => p.Name == name);

    // A list as PHP writes one: an array, or an object of its elements.
    public static List<JsonElement> Elements(JsonElement list) => list.ValueKind switch
    {
        JsonValueKind.Array => list.EnumerateArray().ToList(),
        JsonValueKind.Object => list.EnumerateObject().Select(p => p.Value).ToList(),
        _ => [],
    };

    /// <summary>
    /// The items under a name that holds a list of them, or one on its own (<c>{"Sighting": {...}}</c>, a view's
    /// or an index's element): an object is a PHP list only where every name in it is a number.
    /// </summary>
    public static List<JsonElement> Parts(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().All(p => p.Name.Length > 0 && p.Name.All(char.IsAsciiDigit))
            ? [value]
            : Elements(value);

    /// <summary>The objects of every list under <paramref name="name"/> (every duplicate).</summary>
    public static List<JsonElement> Items(JsonElement item, string name) =>
        Values(item, name).SelectMany(Elements).Where(e => e.ValueKind == JsonValueKind.Object).ToList();

    // PHP's truthiness of a flag: false, 0, "0", "" and null are false.
    public static bool Truthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => value.GetRawText() is not ("0" or "0.0" or "-0"),
        JsonValueKind.String => Text(value) is not ("" or "0"),
        JsonValueKind.Array or JsonValueKind.Object => value.GetRawText().Trim() is not ("[]" or "{}"),
        _ => false,
    };

    /// <summary>A scalar as PHP compares it loosely with a local id: a string, or a number's digits.</summary>
    public static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Text(value),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    public static IEnumerable<string> Texts(JsonElement item, string name) =>
        Values(item, name).Where(v => v.ValueKind == JsonValueKind.String).Select(Text);

    /// <summary>
    /// A string's text; one escaping half a UTF-16 pair (<c>"\uD800"</c>) cannot be decoded, and is
    /// read as written (the filter passes such a string on as it is, unless it reads it).
    /// </summary>
    public static string Text(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return value.GetRawText();
        }
    }
}
