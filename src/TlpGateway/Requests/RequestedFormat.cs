using Microsoft.Net.Http.Headers;
using TlpGateway.Endpoints;

namespace TlpGateway.Requests;

/// <summary>
/// The answer format a request asks MISP for, wherever MISP reads one (SPEC section 7): a
/// <c>returnFormat</c> in the body, its <c>request</c> wrapper, a named, query or ordered URL
/// parameter; a <c>.xml</c>/<c>.csv</c> extension; an <c>Accept</c> header that wants no JSON. Only
/// JSON is served; <c>csv</c>, <c>text</c> and <c>stix2</c> on the event and attribute searches are
/// exports, rendered by the gateway from the filtered JSON (<see cref="Exports.ExportRequest"/>).
/// </summary>
internal static class RequestedFormat
{
    private static readonly string[] ExportFormats = ["csv", "text", "stix2"];

    private static string Normalise(string format) => format.Trim().ToLowerInvariant();

    /// <summary>A format as MISP reads it: <c>_harvestParameters</c> trims every value, and the format is then compared exactly (<c>"CSV"</c> is no format of MISP's).</summary>
    private static string AsMispReadsIt(string format) => PhpValue.Trim(format);

    /// <summary>
    /// What was asked: null when JSON; otherwise the format, and whether it is an export the gateway
    /// renders. An export is one only where every spelling names it and MISP's own reading
    /// (<see cref="MispRequest.SearchValue"/>: body, ordered, named, the last one winning) gives it too:
    /// a <c>csv</c> in the body under a named <c>json</c>, or in the query string, which MISP does not
    /// read, would have MISP answer otherwise than the gateway renders, so it stays refused.
    /// </summary>
    public static (string? Format, bool Export) Of(MispRequest request, string? accept)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Route.Extension is "xml" or "csv")
        {
            return (request.Route.Extension, false);
        }

        string? export = null;
        foreach (var value in request.AllSpellings("returnFormat"))
        {
            var text = PhpValue.Text(value);
            if (text is null)
            {
                // A list or an object: MISP fails on it or picks one the gateway did not judge.
                return ("(not a string)", false);
            }

            // JSON in any case is served (MISP refuses "JSON": the gateway asks it for "json"); an export only as MISP spells it.
            var format = AsMispReadsIt(text);
            if (Normalise(format) is "" or "json")
            {
                continue;
            }

            if (!request.Endpoint.Parameters.HasFlag(EndpointParameters.ReturnFormat) || !ExportFormats.Contains(format) || (export is not null && export != format))
            {
                return (format, false);
            }

            export = format;
        }

        if (export is not null)
        {
            var misp = request.Endpoint.Search is { } scope ? PhpValue.Text(request.SearchValue(scope, "returnFormat")) : null;
            var inQuery = request.Query.Any(p => string.Equals(p.Key, "returnFormat", StringComparison.OrdinalIgnoreCase) && Normalise(p.Value) is not ("" or "json"));
            return (export, !inQuery && misp is not null && AsMispReadsIt(misp) == export);
        }

        return AcceptsJson(accept) ? (null, false) : (accept!.Trim(), false);
    }

    /// <summary>Whether an <c>Accept</c> header lets the answer be JSON (absent, <c>*/*</c>, <c>application/*</c> or JSON).</summary>
    public static bool AcceptsJson(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParseList([accept], out var types))
        {
            return false;
        }

        return types.Any(t => t.Quality is not 0 && (t.MatchesAllTypes || (t.Type.Equals("application", StringComparison.OrdinalIgnoreCase) && (t.MatchesAllSubTypes || t.SubType.Equals("json", StringComparison.OrdinalIgnoreCase)))));
    }
}
