using Microsoft.AspNetCore.Http;
using TlpGateway.Admission;

namespace TlpGateway.Tests.Admission;

public sealed class ApiKeyTests
{
    [Fact]
    public void TryRead_AuthorizationOnly_ReturnsIt()
    {
        var headers = new HeaderDictionary { ["Authorization"] = "key-a" };

        Assert.Equal(ApiKeyProblem.None, ApiKey.TryRead(headers, out var key));
        Assert.Equal("key-a", key);
    }

    [Fact]
    public void TryRead_MispAuthOnly_ReturnsIt()
    {
        var headers = new HeaderDictionary { ["X-MISP-AUTH"] = "key-b" };

        Assert.Equal(ApiKeyProblem.None, ApiKey.TryRead(headers, out var key));
        Assert.Equal("key-b", key);
    }

    [Fact]
    public void TryRead_BothHeadersSameKey_ReturnsIt()
    {
        var headers = new HeaderDictionary { ["Authorization"] = "key-a", ["X-MISP-AUTH"] = "key-a" };

        Assert.Equal(ApiKeyProblem.None, ApiKey.TryRead(headers, out var key));
        Assert.Equal("key-a", key);
    }

    [Theory]
    [InlineData("key-a", "key-b")]
    [InlineData("key-a,key-b", null)]
    [InlineData(null, "key-a, key-b")]
    public void TryRead_SeveralKeys_Refused(string? authorization, string? mispAuth)
    {
        var headers = new HeaderDictionary();
        if (authorization is not null)
        {
            headers["Authorization"] = authorization;
        }

        if (mispAuth is not null)
        {
            headers["X-MISP-AUTH"] = mispAuth;
        }

        Assert.Equal(ApiKeyProblem.Several, ApiKey.TryRead(headers, out _));
    }

    [Fact]
    public void TryRead_RepeatedAuthorizationHeader_Refused()
    {
        var headers = new HeaderDictionary { ["Authorization"] = new Microsoft.Extensions.Primitives.StringValues(["key-a", "key-b"]) };

        Assert.Equal(ApiKeyProblem.Several, ApiKey.TryRead(headers, out _));
    }

    [Fact]
    public void TryRead_NoKey_Missing()
    {
        Assert.Equal(ApiKeyProblem.Missing, ApiKey.TryRead(new HeaderDictionary { ["Authorization"] = "  " }, out _));
    }

    [Fact]
    public void Hash_Key_IsStableHexAndNeverTheKey()
    {
        var hash = ApiKey.Hash("secret-key");

        Assert.Equal(ApiKey.Hash("secret-key"), hash);
        Assert.Equal(64, hash.Length);
        Assert.DoesNotContain("secret", hash, StringComparison.Ordinal);
        Assert.NotEqual(ApiKey.Hash("secret-key2"), hash);
    }

    [Theory]
    [InlineData("X_MISP_AUTH")]
    [InlineData("x_misp_auth")]
    [InlineData("X-MISP_AUTH")]
    [InlineData("x-misp-auth")]
    [InlineData("X.MISP.AUTH")]
    [InlineData("x-misp.auth")]
    public void TryRead_AnySpellingPhpReadsAsXMispAuth_DifferentKeyRefused(string name)
    {
        var headers = new HeaderDictionary { ["Authorization"] = "key-a", [name] = "key-b" };

        Assert.Equal(ApiKeyProblem.Several, ApiKey.TryRead(headers, out _));
    }

    [Fact]
    public void TryRead_UnderscoredSpellingAlone_IsTheKey()
    {
        var headers = new HeaderDictionary { ["X_MISP_AUTH"] = "key-b" };

        Assert.Equal(ApiKeyProblem.None, ApiKey.TryRead(headers, out var key));
        Assert.Equal("key-b", key);
    }

    [Theory]
    [InlineData("X_MISP_AUTH", true)]
    [InlineData("authorization", true)]
    [InlineData("X-Misp-Auth", true)]
    [InlineData("X.MISP.AUTH", true)]
    [InlineData("X-MISP-AUTHX", false)]
    [InlineData("Accept", false)]
    public void CarriesKey_HeaderNames(string name, bool carries)
    {
        Assert.Equal(carries, ApiKey.CarriesKey(name));
    }

    [Theory]
    [InlineData("x-http-method-override", "X_HTTP_METHOD_OVERRIDE")]
    [InlineData("X_Http_Method", "X_HTTP_METHOD")]
    [InlineData("X-HTTP-METHOD", "X_HTTP_METHODS")]
    [InlineData("X-HTTP-METHODS", "X_HTTP_METHOD")]
    [InlineData("authorization", "AUTHORIZATION")]
    [InlineData("author\u0131zation", "AUTHORIZATION")]
    [InlineData("x-mi\u017Fp-auth", "X_MISP_AUTH")]
    [InlineData("x-misp-aut\uD801\uDC28", "X_MISP_AUTH")]
    [InlineData("X-HTTP-Method.Override", "X_HTTP_METHOD_OVERRIDE")]
    [InlineData("", "")]
    public void HasPhpName_AnyName_SameAsUpperCasingTheWholeName(string name, string phpName)
    {
        // PHP registers $_SERVER names with '.' (and ' ') as '_', as it does for the web server's '-'.
        Assert.Equal(name.Replace('-', '_').Replace('.', '_').ToUpperInvariant() == phpName, ApiKey.HasPhpName(name, phpName));
    }
}
