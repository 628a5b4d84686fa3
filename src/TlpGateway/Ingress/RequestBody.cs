using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace TlpGateway.Ingress;

/// <summary>Why a request body cannot be inspected: the request is refused and nothing is forwarded.</summary>
internal readonly record struct BodyRefusal(int Status, string Reason, string Message);

/// <summary>
/// Reads a request body whole, decoding gzip, br or deflate, never past a bound (a zip bomb stops at
/// the bound, not at the end of the bomb), and leaves the decoded bytes as the body MISP receives.
/// </summary>
internal static class RequestBody
{
    public static async ValueTask<(byte[]? Body, BodyRefusal? Refusal)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The server's framing says whether a body follows, not the headers: an HTTP/2 or HTTP/3 body needs no
        // Content-Length, and one left unread here would be forwarded to MISP unjudged.
        if (request.ContentLength is 0 || request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            // No body follows: a coding said of none is no marking of what is forwarded either.
            request.Headers.Remove(HeaderNames.ContentEncoding);
            request.Headers.Remove(HeaderNames.TransferEncoding);
            return (null, null);
        }

        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        Stream source = encoding switch
        {
            "" or "identity" => request.Body,
            "gzip" or "x-gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "br" => new BrotliStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            _ => Stream.Null,
        };
        if (source == Stream.Null)
        {
            return (null, new BodyRefusal(StatusCodes.Status415UnsupportedMediaType, "body-encoding", $"Request bodies encoded as '{encoding}' cannot be inspected; send gzip, br or no encoding."));
        }

        using var buffer = new MemoryStream();
        try
        {
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return (null, TooLarge(limit));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            return (null, new BodyRefusal(StatusCodes.Status400BadRequest, "body-undecodable", $"The request body is not valid {encoding}."));
        }
        finally
        {
            if (!ReferenceEquals(source, request.Body))
            {
                await source.DisposeAsync();
            }
        }

        var bytes = buffer.ToArray();
        Replace(request, bytes);
        return (bytes, null);
    }

    /// <summary>Makes <paramref name="bytes"/> the (unencoded) body that is forwarded.</summary>
    public static void Replace(HttpRequest request, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Body = new MemoryStream(bytes, writable: false);
        request.ContentLength = bytes.Length;
        request.Headers.Remove(HeaderNames.ContentEncoding);
        request.Headers.Remove(HeaderNames.TransferEncoding);
    }

    /// <summary>MISP's compact JSON, non-ASCII kept as is, as deep as a body the gateway reads (the serializer's default is 64).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = Requests.MispBody.MaxDepth };

    /// <summary>Makes <paramref name="json"/> the body that is forwarded, as <c>application/json</c> (what the gateway read and judged).</summary>
    public static void ReplaceWithJson(HttpRequest request, JsonNode json)
    {
        ArgumentNullException.ThrowIfNull(request);
        Replace(request, JsonSerializer.SerializeToUtf8Bytes(json, JsonOptions));
        request.ContentType = "application/json";
    }

    private static BodyRefusal TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "body-too-large", $"The request body exceeds the gateway's bound of {limit} bytes.");
}
