using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace TlpGateway.Admission;

/// <summary>Why a request's key could not be judged.</summary>
internal enum ApiKeyProblem
{
    None,
    Missing,
    Several,
}

/// <summary>
/// Reads the MISP API key the way MISP does (SPEC section 1.2): <c>X-MISP-AUTH</c> wins over
/// <c>Authorization</c>. PHP sees a header as <c>HTTP_</c> + its name upper-cased with <c>-</c> as
/// <c>_</c> (the web server's doing) and <c>.</c> as <c>_</c> (PHP's own, for every <c>$_SERVER</c> name), so
/// <c>X_MISP_AUTH</c>, <c>x-misp_auth</c> or <c>X.MISP.AUTH</c>, which a web server may pass on, are the
/// same header to MISP. Anything that could make MISP judge a different key than the gateway (two
/// headers with different keys, a comma-separated list, repeated headers) is refused.
/// </summary>
internal static class ApiKey
{
    public const string MispAuthHeader = "X-MISP-AUTH";

    private const string MispAuthVariable = "X_MISP_AUTH";
    private const string AuthorizationVariable = "AUTHORIZATION";

    /// <summary>
    /// Whether PHP gives this header the <c>$_SERVER</c> entry <c>HTTP_</c> + <paramref name="phpName"/>:
    /// its name upper-cased (invariant) with <c>-</c> and <c>.</c> as <c>_</c> (<c>php_register_variable_ex</c>
    /// writes a <c>.</c> or space of a variable name as <c>_</c>; nginx with <c>ignore_invalid_headers off</c> passes such names on). Compared a character at a time, as
    /// upper-casing the whole name would read it, without building that name for every header of every request.
    /// </summary>
    public static bool HasPhpName(string headerName, string phpName)
    {
        ArgumentNullException.ThrowIfNull(headerName);
        ArgumentNullException.ThrowIfNull(phpName);
        if (headerName.Length != phpName.Length)
        {
            return false;
        }

        for (var i = 0; i < headerName.Length; i++)
        {
            var c = headerName[i];
            if ((c is '-' or '.' ? '_' : char.ToUpperInvariant(c)) != phpName[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether MISP could read an API key from this header (any spelling of <c>Authorization</c> or <c>X-MISP-AUTH</c>).</summary>
    public static bool CarriesKey(string headerName) => HasPhpName(headerName, MispAuthVariable) || HasPhpName(headerName, AuthorizationVariable);

    public static ApiKeyProblem TryRead(IHeaderDictionary headers, out string key)
    {
        ArgumentNullException.ThrowIfNull(headers);
        key = string.Empty;
        var fromMisp = Single(ValuesOf(headers, MispAuthVariable), out var mispKey);
        var fromAuthorization = Single(ValuesOf(headers, AuthorizationVariable), out var authorizationKey);
        if (fromMisp == ApiKeyProblem.Several || fromAuthorization == ApiKeyProblem.Several)
        {
            return ApiKeyProblem.Several;
        }

        if (mispKey is not null && authorizationKey is not null && !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(mispKey), Encoding.UTF8.GetBytes(authorizationKey)))
        {
            return ApiKeyProblem.Several;
        }

        var chosen = mispKey ?? authorizationKey;
        if (chosen is null)
        {
            return ApiKeyProblem.Missing;
        }

        key = chosen;
        return ApiKeyProblem.None;
    }

    /// <summary>The name the key is cached and logged under: never the key itself.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The values of every header PHP names <paramref name="phpName"/>; one such header's own values when there is one (the usual case).</summary>
    private static StringValues ValuesOf(IHeaderDictionary headers, string phpName)
    {
        var values = StringValues.Empty;
        List<string?>? several = null;
        var found = false;
        foreach (var header in headers)
        {
            if (!HasPhpName(header.Key, phpName))
            {
                continue;
            }

            if (!found)
            {
                (values, found) = (header.Value, true);
                continue;
            }

            several ??= [.. values];
            several.AddRange(header.Value);
        }

        return several is null ? values : new StringValues([.. several]);
    }

    private static ApiKeyProblem Single(StringValues values, out string? key)
    {
        key = null;
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var trimmed = value.Trim();
            if (key is not null || trimmed.Contains(',', StringComparison.Ordinal))
            {
                return ApiKeyProblem.Several;
            }

            key = trimmed;
        }

        return key is null ? ApiKeyProblem.Missing : ApiKeyProblem.None;
    }
}
