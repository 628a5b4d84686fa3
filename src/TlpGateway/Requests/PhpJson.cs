using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TlpGateway.Requests;

/// <summary>
/// JSON as PHP's <c>json_decode</c> reads it, where System.Text.Json is more lenient: a string or
/// name escaped as half a UTF-16 pair (<c>"\uD800"</c>) is refused, as PHP refuses it
/// (<c>JSON_ERROR_UTF16</c>), rather than read and then failing when its text is taken.
/// </summary>
internal static class PhpJson
{
    /// <summary>Parses <paramref name="utf8"/>; <see cref="JsonException"/> for what PHP would not decode.</summary>
    public static JsonNode? Parse(byte[] utf8, JsonDocumentOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        // Checked first: System.Text.Json takes a name's text while it parses, and would throw something else.
        return HasUnpairedSurrogateEscape(utf8, options.MaxDepth)
            ? throw new JsonException("a string escaped as half a UTF-16 pair")
            : JsonNode.Parse(utf8, documentOptions: options);
    }

    /// <summary>Parses JSON held in a string (a value MISP decodes once more, <c>"[\"a\"]"</c>).</summary>
    public static JsonNode? Parse(string text, JsonDocumentOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(Encoding.UTF8.GetBytes(text), options);
    }

    private static bool HasUnpairedSurrogateEscape(byte[] json, int maxDepth)
    {
        if (json.AsSpan().IndexOf("\\u"u8) < 0)
        {
            return false;
        }

        // Only escaped texts are taken, to see whether they can be; malformed JSON throws JsonException here as in the parse.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
