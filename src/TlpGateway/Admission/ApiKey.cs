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
/// <c>Authorization</c>. Anything that could make MISP judge a different key than the gateway
/// (two headers with different keys, a comma-separated list, repeated headers) is refused.
/// </summary>
internal static class ApiKey
{
    public const string MispAuthHeader = "X-MISP-AUTH";

    public static ApiKeyProblem TryRead(IHeaderDictionary headers, out string key)
    {
        ArgumentNullException.ThrowIfNull(headers);
        key = string.Empty;
        var fromMisp = Single(headers[MispAuthHeader], out var mispKey);
        var fromAuthorization = Single(headers.Authorization, out var authorizationKey);
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
