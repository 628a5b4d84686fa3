using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TlpGateway.Fuzz;

/// <summary>Who sends a fuzzed request (<see cref="RequestTarget"/>).</summary>
internal enum FuzzRequester
{
    /// <summary>A member's user (maxTlp amber).</summary>
    Member,

    /// <summary>The same member's MISP server (a sync identity, <c>restrictSyncEndpoints</c>).</summary>
    Sync,

    /// <summary>A third party (maxTlp green).</summary>
    Third,
}

/// <summary>
/// One HTTP request as the fuzz bytes frame it, text like HTTP/1.1's head:
/// <code>
/// REQUESTER METHOD TARGET\n     (member | sync | third; the target is path and query as sent)
/// Name: value\n                 (any number of headers: Content-Type, Content-Encoding, Accept, ...)
/// \n                            (a blank line; the rest of the input is the body)
/// BODY
/// </code>
/// A line may end in <c>\r\n</c>. The header <c>X-Fuzz-Encode: gzip|br|deflate</c> compresses the body before it is
/// sent (and says so in <c>Content-Encoding</c>), so that what the gateway decodes is fuzzed too. Bytes Kestrel would
/// not accept as a request (a target or header value outside printable ASCII, a header name that is no token) make
/// no request: <see cref="Decode"/> answers null.
/// </summary>
internal sealed record FuzzRequest(FuzzRequester Requester, string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    private const string EncodeHeader = "X-Fuzz-Encode";

    public static FuzzRequest? Decode(ReadOnlySpan<byte> input)
    {
        var headers = new List<KeyValuePair<string, string>>();
        string? first = null;
        var offset = 0;
        string? encode = null;
        while (true)
        {
            var end = input[offset..].IndexOf((byte)'\n');
            var line = end < 0 ? input[offset..] : input.Slice(offset, end);
            offset = end < 0 ? input.Length : offset + end + 1;
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                break;
            }

            if (!IsHeadText(line))
            {
                return null;
            }

            var text = Encoding.ASCII.GetString(line);
            if (first is null)
            {
                first = text;
            }
            else
            {
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0 || !text[..colon].All(IsTokenChar))
                {
                    return null;
                }

                var (name, value) = (text[..colon], text[(colon + 1)..].Trim(' ', '\t'));
                if (string.Equals(name, EncodeHeader, StringComparison.OrdinalIgnoreCase))
                {
                    encode = value.ToLowerInvariant();
                }
                else if (!string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
                {
                    // Kestrel frames the body itself: the length is the body's.
                    headers.Add(new(name, value));
                }
            }

            if (end < 0)
            {
                break;
            }
        }

        var parts = first?.Split(' ', 3);
        if (parts is not [var who, var method, var target] || method.Length == 0 || !method.All(IsTokenChar) || !target.StartsWith('/') || target.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            // Kestrel gives no request whose decoded path holds a NUL (PathString refuses it).
            _ = PathString.FromUriComponent(target.Split('?')[0]);
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        var requester = who switch { "sync" => FuzzRequester.Sync, "third" => FuzzRequester.Third, _ => FuzzRequester.Member };
        var body = input[offset..].ToArray();
        if (encode is "gzip" or "br" or "deflate")
        {
            body = Compress(body, encode);
            headers.RemoveAll(h => string.Equals(h.Key, "Content-Encoding", StringComparison.OrdinalIgnoreCase));
            headers.Add(new("Content-Encoding", encode));
        }

        return new FuzzRequest(requester, method, target, headers, body);
    }

    /// <summary>This request in the framing <see cref="Decode"/> reads (a forwarded request, kept as an input).</summary>
    public byte[] Encode()
    {
        var head = new StringBuilder();
        head.Append(Requester.ToString().ToLowerInvariant()).Append(' ').Append(Method).Append(' ').Append(Target).Append('\n');
        foreach (var (name, value) in Headers)
        {
            head.Append(name).Append(": ").Append(value).Append('\n');
        }

        head.Append('\n');
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. Body];
    }

    private static byte[] Compress(byte[] body, string encoding)
    {
        using var buffer = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            _ => new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(body);
        }

        return buffer.ToArray();
    }

    // Kestrel accepts a request target and header values of visible ASCII (values also with spaces and tabs).
    private static bool IsHeadText(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is < 0x20 and not (byte)'\t' or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
