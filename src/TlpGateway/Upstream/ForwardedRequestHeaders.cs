using System.Collections.Frozen;
using Microsoft.Net.Http.Headers;

namespace TlpGateway.Upstream;

/// <summary>
/// The request headers MISP is sent: only those the gateway judged, set itself, or knows MISP's use of. Any other
/// header is one MISP could read in a way the gateway did not judge: PHP registers <c>If.None.Match</c> as
/// <c>HTTP_IF_NONE_MATCH</c> (a web server that passes such names on hands MISP an ETag check of the unfiltered
/// answer), <c>X.Forwarded.For</c> as the client address MISP's key IP allowlists read (<c>MISP.log_client_ip_header</c>),
/// <c>Content.Encoding</c> as a compression of the body MISP undoes; MISP's CustomAuth plugin logs users in by
/// whichever header its settings name. Hop-by-hop headers are YARP's; Host is the upstream's.
/// </summary>
internal static class ForwardedRequestHeaders
{
    /// <summary>Signs a pushed protected event's bytes (the body is forwarded as sent).</summary>
    public const string Signature = "x-pgp-signature";

    /// <summary>A pulling MISP's version: MISP leaves protected events out of the index for one older than 2.4.156.</summary>
    public const string MispVersion = "MISP-version";

    private static readonly FrozenSet<string> Understood = new[]
    {
        // The one judged key (admission), JSON (the request model), the body as judged (the way in).
        HeaderNames.Authorization, HeaderNames.Accept, HeaderNames.ContentType, HeaderNames.ContentLength,

        // What tells a MISP server from a person (SPEC 1.4) and MISP's answer's pretty-printing.
        HeaderNames.UserAgent, Signature, MispVersion,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a request header reaches MISP.</summary>
    public static bool IsForwarded(string name) => Understood.Contains(name);

    /// <summary>Removes from <paramref name="request"/> every header, content headers included, that is not forwarded.</summary>
    public static void KeepUnderstood(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Remove(request.Headers);
        if (request.Content is { } content)
        {
            Remove(content.Headers);
        }
    }

    private static void Remove(System.Net.Http.Headers.HttpHeaders headers)
    {
        List<string>? unread = null;
        foreach (var header in headers.NonValidated)
        {
            if (!IsForwarded(header.Key))
            {
                (unread ??= []).Add(header.Key);
            }
        }

        foreach (var name in unread ?? [])
        {
            headers.Remove(name);
        }
    }
}
