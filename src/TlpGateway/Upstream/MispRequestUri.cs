using Yarp.ReverseProxy.Forwarder;

namespace TlpGateway.Upstream;

/// <summary>The address MISP is asked for, spelled so that PHP's <c>urldecode</c> reads back the path the gateway judged.</summary>
internal static class MispRequestUri
{
    /// <summary>
    /// YARP's address for <paramref name="path"/> and <paramref name="query"/>, with every <c>+</c> of the path
    /// written <c>%2B</c>: RFC 3986 lets a path hold a bare <c>+</c>, which CakePHP's router decodes as a space.
    /// </summary>
    public static Uri For(string destinationPrefix, PathString path, QueryString query)
    {
        ArgumentNullException.ThrowIfNull(destinationPrefix);
        var uri = RequestUtilities.MakeDestinationAddress(destinationPrefix, path, query);
        return uri.AbsolutePath.Contains('+', StringComparison.Ordinal)
            ? new Uri(uri.GetLeftPart(UriPartial.Authority) + uri.AbsolutePath.Replace("+", "%2B", StringComparison.Ordinal) + uri.Query)
            : uri;
    }
}
