using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TlpGateway.Requests;

/// <summary>How the client sent its body.</summary>
internal enum BodyForm
{
    None,
    Json,

    /// <summary><c>application/x-www-form-urlencoded</c>: PHP's <c>$_POST</c>, with CakePHP's <c>data[...]</c> unwrapping.</summary>
    Form,
}

/// <summary>Why a body cannot be read as MISP would read it.</summary>
internal readonly record struct BodyProblem(int Status, string Reason, string Message);

/// <summary>
/// A request body as MISP's <c>$this->request->data</c> holds it (SPEC section 6: a body that cannot be
/// inspected is not forwarded). JSON is parsed strictly (no duplicate keys, valid UTF-8); a form is read
/// with PHP's <c>parse_str</c> rules and CakePHP's <c>data</c> unwrapping; XML and multipart bodies,
/// which the gateway does not read, are refused. The gateway forwards what it read as JSON.
/// </summary>
internal sealed class MispBody
{
    public static readonly MispBody Empty = new(BodyForm.None, null);

    /// <summary>How deep a body the gateway reads (PHP's <c>json_decode</c> reads 512): the rewrite it forwards is written to the same bound.</summary>
    public const int MaxDepth = 256;

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = MaxDepth };

    private MispBody(BodyForm form, JsonNode? root)
    {
        Form = form;
        Root = root;
    }

    public BodyForm Form { get; }

    /// <summary>The decoded body: a JSON object or list (a form is an object); null when there is none.</summary>
    public JsonNode? Root { get; }

    /// <summary>
    /// Where MISP's <c>_harvestParameters</c> and index filters read parameters: the <c>request</c>
    /// object when the body has one (it replaces the top level), else the top level; empty when
    /// <c>request</c> is not an object (MISP then finds no parameter in it).
    /// </summary>
    public JsonObject? Parameters => Root is JsonObject top
        ? top["request"] switch
        {
            null => top,
            JsonObject inner => inner,
            _ => [],
        }
        : null;

    /// <summary>Reads <paramref name="bytes"/> sent with <paramref name="contentType"/>.</summary>
    public static (MispBody? Body, BodyProblem? Problem) Parse(string? contentType, byte[]? bytes)
    {
        if (bytes is null || bytes.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return (Empty, null);
        }

        var mediaType = PhpMediaType(contentType);
        if (mediaType is "application/xml" or "text/xml" || mediaType.EndsWith("+xml", StringComparison.Ordinal))
        {
            // CakePHP would read it as XML into the same data: the gateway does not read XML.
            return (null, new BodyProblem(StatusCodes.Status415UnsupportedMediaType, "body-xml", "XML request bodies are not read by the gateway: send JSON."));
        }

        if (mediaType is "multipart/form-data")
        {
            return (null, new BodyProblem(StatusCodes.Status415UnsupportedMediaType, "body-multipart", "Multipart request bodies are not read by the gateway: send JSON."));
        }

        if (mediaType is "application/x-www-form-urlencoded")
        {
            return ParseForm(bytes);
        }

        // Anything else is read as JSON, as MISP's JSON handler and its raw input() readers would.
        try
        {
            var root = StrictJson.Parse(bytes, Strict);

            return root is JsonObject or JsonArray
                ? (new MispBody(BodyForm.Json, root), null)
                : (null, new BodyProblem(StatusCodes.Status400BadRequest, "body-not-json", "The request body must be a JSON object or list."));
        }
        catch (JsonException)
        {
            return (null, new BodyProblem(StatusCodes.Status400BadRequest, "body-not-json", "The request body is not valid JSON (or repeats a key): the gateway cannot inspect it."));
        }
    }

    /// <summary>
    /// The media type as PHP takes it to parse a body (<c>sapi_read_post_data</c>): lower-cased and cut at the first
    /// <c>;</c>, <c>,</c> or space, so <c>application/x-www-form-urlencoded, application/json</c> is a form.
    /// </summary>
    public static string PhpMediaType(string? contentType)
    {
        var value = contentType ?? string.Empty;
        var end = value.AsSpan().IndexOfAny(";, ");
        return (end < 0 ? value : value[..end]).ToLowerInvariant();
    }

    /// <summary>A body MISP would read as this JSON (the gateway's canonical rewrite of a write).</summary>
    public static MispBody FromJson(JsonNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return new MispBody(BodyForm.Json, root);
    }

    /// <summary>PHP's <c>parse_str</c> of a form, then CakePHP's <c>_processPost</c> (<c>_method</c>, <c>data</c>).</summary>
    private static (MispBody? Body, BodyProblem? Problem) ParseForm(byte[] bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return (null, new BodyProblem(StatusCodes.Status400BadRequest, "body-not-utf8", "The form body is not valid UTF-8."));
        }

        var root = new JsonObject();
        foreach (var pair in Encoding.UTF8.GetString(bytes).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (!MispRoute.TryUrlDecode(equals < 0 ? pair : pair[..equals], out var name) || !MispRoute.TryUrlDecode(equals < 0 ? string.Empty : pair[(equals + 1)..], out var value))
            {
                return (null, new BodyProblem(StatusCodes.Status400BadRequest, "body-not-utf8", "The form body is not valid UTF-8."));
            }

            if (!AddFormField(root, PhpFormName(name), value))
            {
                return (null, new BodyProblem(StatusCodes.Status400BadRequest, "body-form", $"The form field '{name}' cannot be read unambiguously: send JSON."));
            }
        }

        if (root.ContainsKey("_method"))
        {
            // CakePHP takes the HTTP method from this field: MISP would act on a method other than the one the gateway judged.
            return (null, new BodyProblem(StatusCodes.Status403Forbidden, "method-override", "HTTP method overrides are not accepted: send the real method."));
        }

        if (root["data"] is JsonNode data)
        {
            if (root.Count == 1)
            {
                root.Remove("data");
                return data is JsonObject unwrapped ? (new MispBody(BodyForm.Form, unwrapped), null) : (null, new BodyProblem(StatusCodes.Status400BadRequest, "body-form", "The form's data field must hold fields."));
            }

            // Hash::merge of data over the other fields is not something the gateway reproduces: refused rather than misread.
            return (null, new BodyProblem(StatusCodes.Status400BadRequest, "body-form", "A form mixing data[...] fields with others is not read by the gateway: send JSON."));
        }

        return (new MispBody(BodyForm.Form, root), null);
    }

    /// <summary>
    /// A field's name as <c>php_register_variable_ex</c> takes it: a C string, so nothing after a NUL (<c>org%00x</c> is
    /// <c>org</c>, <c>a[b%00c]</c> the unbalanced <c>a[b</c>), and without its leading spaces.
    /// </summary>
    private static string PhpFormName(string name)
    {
        var nul = name.IndexOf('\0', StringComparison.Ordinal);
        return (nul < 0 ? name : name[..nul]).TrimStart(' ');
    }

    /// <summary>An index PHP reads as <c>[]</c>: empty, or one space, tab, line break, vertical tab, form feed or carriage return (<c>a[ ]</c>).</summary>
    private static bool IsAppendIndex(string key) => key.Length == 0 || (key.Length == 1 && key[0] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r');

    /// <summary>One <c>name=value</c> pair, with PHP's bracket nesting (<c>a[b][]=v</c>); false where PHP's result would be ambiguous.</summary>
    private static bool AddFormField(JsonObject root, string name, string value)
    {
        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        var baseName = bracket < 0 ? name : name[..bracket];
        if (baseName.Length == 0)
        {
            return false;
        }

        // PHP turns spaces and dots of the variable name into underscores.
        baseName = baseName.Replace(' ', '_').Replace('.', '_');
        var keys = new List<string?> { baseName };
        var rest = bracket < 0 ? string.Empty : name[bracket..];
        while (rest.Length > 0)
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (!rest.StartsWith('[') || close < 0)
            {
                return false;
            }

            var key = rest[1..close];
            keys.Add(IsAppendIndex(key) ? null : key);
            rest = rest[(close + 1)..];
        }

        if (keys.Count > MaxDepth)
        {
            // Deeper than the gateway reads JSON, and than the rewrite it forwards can be written.
            return false;
        }

        JsonNode holder = root;
        for (var i = 0; i < keys.Count; i++)
        {
            var last = i == keys.Count - 1;
            JsonNode next = last ? JsonValue.Create(value) : (keys[i + 1] is null ? new JsonArray() : new JsonObject());
            switch (holder)
            {
                case JsonObject obj when keys[i] is { } key:
                    if (last)
                    {
                        obj[key] = next;
                    }
                    else if (obj[key] is JsonObject or JsonArray)
                    {
                        next = obj[key]!;
                    }
                    else
                    {
                        obj[key] = next;
                    }

                    break;
                case JsonArray array when keys[i] is null:
                    array.Add(next);
                    break;
                default:
                    // "a[]=1&a[x]=2": PHP mixes list and map keys in one array, which JSON cannot say.
                    return false;
            }

            holder = next;
        }

        return true;
    }
}
