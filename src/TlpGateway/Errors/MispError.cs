using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TlpGateway.Errors;

/// <summary>
/// Writes answers in the shapes MISP itself uses, so MISP clients and syncing MISP servers
/// show the gateway's reason as they would show MISP's own.
/// </summary>
internal static class MispError
{
    // MISP's error bodies are compact; non-ASCII is kept as is.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The <c>{"name","message","url"}</c> body of a refused or failed request.</summary>
    /// <param name="retryAfter">For 429 and 503: when the client may try again.</param>
    public static Task WriteAsync(HttpContext context, int statusCode, string name, string message, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = Build(writer =>
        {
            writer.WriteString("name", name);
            writer.WriteString("message", message);
            writer.WriteString("url", RequestUrl(context));
        });
        return WriteBodyAsync(context, statusCode, body, retryAfter);
    }

    /// <summary>The name MISP's error bodies give a status.</summary>
    public static string StatusName(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "Bad Request",
        StatusCodes.Status404NotFound => "Not Found",
        StatusCodes.Status405MethodNotAllowed => "Method Not Allowed",
        StatusCodes.Status406NotAcceptable => "Not Acceptable",
        StatusCodes.Status413PayloadTooLarge => "Payload Too Large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported Media Type",
        StatusCodes.Status429TooManyRequests => "Too Many Requests",
        StatusCodes.Status503ServiceUnavailable => "Service Unavailable",
        _ => "Forbidden",
    };

    /// <summary>The bytes of a <c>{"name","message","url"}</c> body, as MISP writes errors.</summary>
    public static byte[] Body(HttpContext context, string name, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Build(writer =>
        {
            writer.WriteString("name", name);
            writer.WriteString("message", message);
            writer.WriteString("url", RequestUrl(context));
        });
    }

    /// <summary>The answer MISP gives for an event that does not exist (or that the requester may not see).</summary>
    public static Task WriteInvalidEventAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status404NotFound, "Invalid event", "Invalid event");

    /// <summary>MISP's save-failure shape, which a pushing MISP server logs.</summary>
    public static Task WriteSaveFailureAsync(HttpContext context, string name, string message, string rule)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = Build(writer =>
        {
            writer.WriteBoolean("saved", false);
            writer.WriteString("name", name);
            writer.WriteString("message", message);
            writer.WriteString("url", RequestUrl(context));
            writer.WriteStartObject("errors");
            writer.WriteString("Event", $"{rule}: {message}");
            writer.WriteEndObject();
        });
        return WriteBodyAsync(context, StatusCodes.Status403Forbidden, body);
    }

    /// <summary>
    /// The url MISP's error bodies carry: <c>CakeRequest::here()</c>, the path as MISP received it (the gateway's
    /// rewrite, which forwards no query), through <c>h()</c> as <c>ExceptionRenderer</c> writes it; an answer the
    /// gateway makes in place of MISP's for a missing item must not differ from MISP's in it. A MISP served
    /// under a path (<c>https://host/misp</c>) has it in front: CakePHP's <c>here</c> starts with its base.
    /// </summary>
    private static string RequestUrl(HttpContext context)
    {
        var upstreamBase = context.RequestServices?.GetService<IOptions<GatewayOptions>>()?.Value.Upstream is { IsAbsoluteUri: true } upstream
            ? upstream.AbsolutePath.TrimEnd('/')
            : string.Empty;
        var url = upstreamBase + (context.Request.PathBase + context.Request.Path).ToString();
        return url.AsSpan().IndexOfAny("&\"'<>") < 0
            ? url
            : url.Replace("&", "&amp;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#039;", StringComparison.Ordinal)
                .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }

    private static byte[] Build(Action<Utf8JsonWriter> writeProperties)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        // CakePHP's json_encode escapes every '/' in error bodies ("\/events\/view\/4"); in JSON a '/' can only stand inside a string.
        return System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(buffer.ToArray()).Replace("/", "\\/", StringComparison.Ordinal));
    }

    private static async Task WriteBodyAsync(HttpContext context, int statusCode, byte[] body, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Too late for a clean error: abort so the client cannot mistake a partial body for a whole one.
            context.Abort();
            return;
        }

        response.Clear();
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=UTF-8";
        response.ContentLength = body.Length;
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
