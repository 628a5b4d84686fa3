using System.Collections.Frozen;
using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace TlpGateway.Upstream;

/// <summary>
/// The headers of MISP's answers that reach the client: only those the gateway understands. Any other
/// describes MISP's unfiltered answer (its length, range, digest, ETag, count, dates, a signature of its
/// bytes), MISP itself (its server, its own address in a link or a location) or a session with it
/// (<c>Set-Cookie</c>); a filtered answer must not carry it, nor an answer the gateway makes in place of
/// MISP's (a withheld event's must look like a missing one's). The gateway writes its own
/// <c>Content-Type</c>, <c>Cache-Control</c> and <c>Vary</c>; trailers are never passed.
/// </summary>
internal static class AnswerHeaders
{
    /// <summary>MISP's signature of its answer's bytes (a protected event's view, for MISP servers): it leaves only with those bytes unchanged.</summary>
    public const string Signature = "x-pgp-signature";

    private static readonly FrozenSet<string> Understood = new[]
    {
        // Read by the filter: it decodes the answer, makes a location one the gateway serves or drops it, keeps a signature only with the bytes signed.
        HeaderNames.ContentEncoding, HeaderNames.Location, Signature,

        // What MISP tells the requester about its own key and MISP's limits for it: MISP servers and scripts read them.
        HeaderNames.RetryAfter, "X-Auth-Key-Expiration", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "X-Deprecation-Warning",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Copies the headers of <paramref name="answer"/> the gateway understands to <paramref name="to"/>.</summary>
    public static void Copy(HttpResponseMessage answer, IHeaderDictionary to)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(to);
        Copy(answer.Headers, to);
        Copy(answer.Content.Headers, to);
    }

    private static void Copy(HttpHeaders headers, IHeaderDictionary to)
    {
        foreach (var (name, values) in headers.NonValidated)
        {
            if (Understood.Contains(name))
            {
                to.Append(name, new StringValues([.. values]));
            }
        }
    }
}
