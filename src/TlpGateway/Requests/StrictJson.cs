using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TlpGateway.Requests;

/// <summary>
/// JSON whose texts can all be read: a string or name escaped as half a UTF-16 pair
/// (<c>"\uD800"</c>) is malformed, as PHP's <c>json_decode</c> finds it (<c>JSON_ERROR_UTF16</c>),
/// where System.Text.Json parses it and fails only when its text is taken, with an exception
/// no JSON handler expects. For request bodies, values MISP decodes once more, and the members file.
/// </summary>
internal static class StrictJson
{
    /// <summary>Parses <paramref name="utf8"/>; <see cref="JsonException"/> for what PHP would not decode.</summary>
    public static JsonNode? Parse(byte[] utf8, JsonDocumentOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        // Checked first: System.Text.Json takes a name's text while it parses, and would throw something else. Bytes
        // that are not UTF-8 it parses, and throws only where a text is taken (or writes U+FFFD for them): PHP's
        // json_decode refuses them (JSON_ERROR_UTF8).
        ThrowIfNotUtf8(utf8);
        ThrowIfUnreadable(utf8, options.MaxDepth);
        return JsonNode.Parse(utf8, documentOptions: options);
    }

    /// <summary>Parses JSON held in a string (a value MISP decodes once more, <c>"[\"a\"]"</c>).</summary>
    public static JsonNode? Parse(string text, JsonDocumentOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(Encoding.UTF8.GetBytes(text), options);
    }

    /// <summary>
    /// <see cref="JsonException"/>, with the line and position, when <paramref name="json"/> holds a
    /// text escaped as half a UTF-16 pair (JSON that is malformed there or before it throws too; any
    /// other malformation is left to the parse that follows).
    /// </summary>
    public static void ThrowIfUnreadable(ReadOnlySpan<byte> json, int maxDepth = 0)
    {
        if (json.IndexOf("\\u"u8) < 0)
        {
            return;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !CanBeRead(ref reader))
            {
                var before = json[..(int)reader.TokenStartIndex];
                var line = before.Count((byte)'\n');
                var position = before.Length - before.LastIndexOf((byte)'\n') - 1;
                throw new JsonException(Filtering.JsonTokenizer.InvalidUtf16Escape, path: null, lineNumber: line, bytePositionInLine: position);
            }
        }
    }

    /// <summary>
    /// <see cref="JsonException"/>, with the line and position, when <paramref name="json"/> is not
    /// UTF-8 (a file saved as Latin-1 by an editor): System.Text.Json parses such bytes and fails only
    /// when a text is taken, with an <see cref="InvalidOperationException"/> no JSON handler expects.
    /// </summary>
    public static void ThrowIfNotUtf8(ReadOnlySpan<byte> json)
    {
        if (System.Text.Unicode.Utf8.IsValid(json))
        {
            return;
        }

        Span<char> buffer = stackalloc char[1024];
        var offset = 0;
        while (System.Text.Unicode.Utf8.ToUtf16(json[offset..], buffer, out var read, out _, replaceInvalidSequences: false) == System.Buffers.OperationStatus.DestinationTooSmall)
        {
            offset += read;
        }

        var invalid = offset + (System.Text.Unicode.Utf8.ToUtf16(json[offset..], buffer, out var last, out _, replaceInvalidSequences: false) == System.Buffers.OperationStatus.InvalidData ? last : 0);
        var before = json[..invalid];
        var line = before.Count((byte)'\n');
        var position = before.Length - before.LastIndexOf((byte)'\n') - 1;
        throw new JsonException($"byte 0x{json[invalid]:X2} (byte {position + 1} of the line) is not UTF-8: save the file as UTF-8", path: null, lineNumber: line, bytePositionInLine: position);
    }

    private static bool CanBeRead(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
