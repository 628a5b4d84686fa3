using System.Net;
using StackExchange.Redis;
using TlpGateway.Redis;

namespace TlpGateway.Tests.Redis;

/// <summary><c>Gateway:Redis</c> and <c>Gateway:RedisOptions</c> become the client's configuration; a bad value is an error at start.</summary>
public sealed class RedisOptionsTests
{
    [Theory]
    [InlineData("redis:6380", "redis", 6380)]
    [InlineData("redis", "redis", 6379)]
    [InlineData("10.0.0.5:7000", "10.0.0.5", 7000)]
    [InlineData("[::1]:6380", "::1", 6380)]
    [InlineData("::1", "::1", 6379)]
    [InlineData(" redis.internal:6379 ", "redis.internal", 6379)]
    public void ParseEndpoint_HostAndPortSpellings_Parsed(string endpoint, string host, int port)
    {
        var parsed = new RedisOptions { Endpoint = endpoint }.ParseEndpoint();

        var (parsedHost, parsedPort) = parsed switch
        {
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            DnsEndPoint dns => (dns.Host, dns.Port),
            _ => (null, 0),
        };
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("")]
    [InlineData("redis:")]
    [InlineData("redis:port")]
    [InlineData("redis:70000")]
    [InlineData("redis:0")]
    [InlineData("re dis:6379")]
    [InlineData("redis:6379,password=x")]
    [InlineData("[::1]:x")]
    public void Validate_BadEndpoint_ErrorNamesTheSetting(string endpoint)
    {
        var errors = new RedisOptions { Endpoint = endpoint }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object())).ToList();

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("Gateway:Redis", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UserWithoutPassword_Error()
    {
        var errors = new RedisOptions { Endpoint = "redis:6379", User = "gateway" }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object()));

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("Gateway:RedisOptions:User", StringComparison.Ordinal));
    }

    [Fact]
    public void ToConfiguration_EveryOption_MappedAndNeverAbortsOrQueues()
    {
        var configuration = new RedisOptions
        {
            Endpoint = "redis.internal:6380",
            User = "gateway",
            Password = "secret",
            Tls = true,
            CommandTimeout = TimeSpan.FromMilliseconds(750),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        }.ToConfiguration();

        var endpoint = Assert.IsType<DnsEndPoint>(Assert.Single(configuration.EndPoints));
        Assert.Equal(("redis.internal", 6380), (endpoint.Host, endpoint.Port));
        Assert.Equal("gateway", configuration.User);
        Assert.Equal("secret", configuration.Password);
        Assert.True(configuration.Ssl);
        Assert.Equal(750, configuration.AsyncTimeout);
        Assert.Equal(750, configuration.SyncTimeout);
        Assert.Equal(3000, configuration.ConnectTimeout);

        // SPEC section 10: an unreachable Redis never stops the start; a command while it is down fails at once.
        Assert.False(configuration.AbortOnConnectFail);
        Assert.False(configuration.BacklogPolicy.QueueWhileDisconnected);
        Assert.IsType<ExponentialRetry>(configuration.ReconnectRetryPolicy);
    }

    [Fact]
    public void ToConfiguration_NoCredentials_NoneSent()
    {
        var configuration = new RedisOptions { Endpoint = "redis:6379", User = string.Empty, Password = string.Empty }.ToConfiguration();

        Assert.Null(configuration.User);
        Assert.Null(configuration.Password);
        Assert.False(configuration.Ssl);
    }
}
