using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;

namespace TlpGateway.Tests.Admission;

public sealed class ClientAddressResolverTests
{
    [Fact]
    public void Resolve_UntrustedPeerWithForwardedFor_IgnoresHeader()
    {
        var resolver = Resolver("10.0.0.1");
        var context = Context("203.0.113.9", "198.51.100.7");

        Assert.Equal(IPAddress.Parse("203.0.113.9"), resolver.Resolve(context));
    }

    [Fact]
    public void Resolve_TrustedPeer_BelievesNearestUntrustedHop()
    {
        var resolver = Resolver("10.0.0.0/8");
        var context = Context("10.0.0.1", "192.0.2.66, 198.51.100.7, 10.0.0.2");

        // The client may have prepended anything; only what the trusted chain added counts.
        Assert.Equal(IPAddress.Parse("198.51.100.7"), resolver.Resolve(context));
    }

    [Fact]
    public void Resolve_TrustedPeerUnreadableHop_ReturnsNull()
    {
        var resolver = Resolver("10.0.0.1");

        Assert.Null(resolver.Resolve(Context("10.0.0.1", "not-an-address")));
    }

    [Fact]
    public void Resolve_Ipv4MappedPeer_ReturnsIpv4()
    {
        var resolver = Resolver();

        Assert.Equal(IPAddress.Parse("198.51.100.7"), resolver.Resolve(Context("::ffff:198.51.100.7", null)));
    }

    [Fact]
    public void Constructor_BadTrustedProxy_Throws()
    {
        Assert.Throws<OptionsValidationException>(() => Resolver("not-a-cidr"));
    }

    [Theory]
    [InlineData("2130706434")]
    [InlineData("127.2")]
    [InlineData("0x7f.0.0.2")]
    [InlineData("0177.0.0.2")]
    [InlineData("127.000.000.002")]
    [InlineData("::FFFF:127.0.0.2")]
    [InlineData("2001:DB8::1")]
    [InlineData("2001:db8:0:0:0:0:0:1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("[2001:db8::1]")]
    [InlineData("198.51.100.7:443")]
    public void Resolve_ForwardedForInANonStandardForm_ReturnsNull(string hop)
    {
        var resolver = Resolver("10.0.0.1");

        Assert.Null(resolver.Resolve(Context("10.0.0.1", hop)));
    }

    [Theory]
    [InlineData("127.0.0.2")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:127.0.0.2")]
    public void Resolve_ForwardedForDottedQuadOrRfc5952_Believed(string hop)
    {
        var resolver = Resolver("10.0.0.1");

        Assert.NotNull(resolver.Resolve(Context("10.0.0.1", hop)));
    }

    private static ClientAddressResolver Resolver(params string[] trusted) =>
        new(Options.Create(new GatewayOptions { TrustedProxies = [.. trusted] }));

    private static DefaultHttpContext Context(string peer, string? forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return context;
    }
}
