using Microsoft.Net.Http.Headers;
using TlpGateway.Endpoints;

namespace TlpGateway.Requests;

/// <summary>
/// The answer format a request asks MISP for, wherever MISP reads one (SPEC section 7): a
/// <c>returnFormat</c> in the body, its <c>request</c> wrapper, a named, query or ordered URL
/// parameter; a <c>.xml</c>/<c>.csv</c> extension; an <c>Accept</c> header that wants no JSON. Only
/// JSON is served; <c>csv</c>, <c>text</c> and <c>stix2</c> on the event and attribute searches are
/// recognised as exports (rendered from filtered JSON once that is switched on).
/// </summary>
internal static class RequestedFormat
{
    private static readonly string[] ExportFormats = ["csv", "text", "stix2"];

    /// <summary>What was asked: null when JSON; otherwise the format, and whether it is a recognised export.</summary>
    public static (string? Format, bool Export) Of(MispRequest request, string? accept)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Route.Extension is "xml" or "csv")
        {
            return (request.Route.Extension, false);
        }

        foreach (var value in request.AllSpellings("returnFormat"))
        {
            var text = PhpValue.Text(value);
            if (text is null)
            {
                // A list or an object: MISP fails on it or picks one the gateway did not judge.
                return ("(not a string)", false);
            }

            var format = text.Trim().ToLowerInvariant();
            if (format is "" or "json")
            {
                continue;
            }

            var export = request.Endpoint.Parameters.HasFlag(EndpointParameters.ReturnFormat) && ExportFormats.Contains(format);
            return (format, export);
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
