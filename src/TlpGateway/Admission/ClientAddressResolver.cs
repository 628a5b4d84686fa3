using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using TlpGateway.Members;

namespace TlpGateway.Admission;

/// <summary>
/// The client address the network gate judges: the TCP peer, or the address a trusted proxy
/// reports in <c>X-Forwarded-For</c> (SPEC section 1.1). A header from any other peer is ignored.
/// </summary>
internal sealed class ClientAddressResolver
{
    private readonly IReadOnlyList<IPNetwork> _trustedProxies;

    public ClientAddressResolver(IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _trustedProxies = NetworkList.Parse(options.Value.TrustedProxies, "Gateway:TrustedProxies");
    }

    /// <summary>The judged address, or null when none can be established (refused).</summary>
    public IPAddress? Resolve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var peer = context.Connection.RemoteIpAddress;
        if (peer is null)
        {
            return null;
        }

        var address = MemberEntry.Normalise(peer);
        if (!IsTrusted(address))
        {
            return address;
        }

        // Walk the chain from the nearest hop back: the first address not itself a trusted proxy is the client.
        var forwarded = context.Request.Headers["X-Forwarded-For"];
        var hops = new List<string>();
        foreach (var value in forwarded)
        {
            if (value is not null)
            {
                hops.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
        }

        for (var i = hops.Count - 1; i >= 0; i--)
        {
            if (ParseStrict(hops[i]) is not { } hop)
            {
                // A hop the gateway cannot read: it cannot know who the client is.
                return null;
            }

            hop = MemberEntry.Normalise(hop);
            if (!IsTrusted(hop))
            {
                return hop;
            }

            address = hop;
        }

        return address;
    }

    /// <summary>
    /// A forwarded address in its standard text only: dotted-quad IPv4 (not <c>2130706434</c>,
    /// <c>127.2</c>, <c>0x7f.0.0.2</c> or leading zeros, which parsers read differently) or RFC 5952 IPv6
    /// (lower-case, zeros compressed as it says, no zone).
    /// </summary>
    internal static IPAddress? ParseStrict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IPAddress.TryParse(text, out var address) && (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || address.ScopeId == 0) && string.Equals(address.ToString(), text, StringComparison.Ordinal)
            ? address
            : null;
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var network in _trustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Parses configured lists of addresses and CIDRs.</summary>
internal static class NetworkList
{
    public static IReadOnlyList<IPNetwork> Parse(IEnumerable<string> entries, string settingName)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            networks.Add(ParseOne(entry) ?? throw new OptionsValidationException(settingName, typeof(GatewayOptions), [$"{settingName}: '{entry}' is not an IP address or CIDR."]));
        }

        return networks;
    }

    /// <summary>
    /// An address or CIDR; a single address is a /32 or /128 network, and an IPv4-mapped IPv6 one
    /// (<c>::ffff:192.0.2.0/120</c>) its IPv4 network, as clients' addresses are matched.
    /// </summary>
    public static IPNetwork? ParseOne(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return null;
        }

        entry = entry.Trim();
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (ParseAddress(slash < 0 ? entry : entry[..slash]) is not { } written)
        {
            return null;
        }

        if (slash < 0)
        {
            written = MemberEntry.Normalise(written);
            return new IPNetwork(written, written.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }

        // "198.51.100.7/24" is refused rather than widened: host bits set are a typo or a misunderstanding.
        if (!IPNetwork.TryParse(entry, out var network) || !written.Equals(network.BaseAddress))
        {
            return null;
        }

        return written.IsIPv4MappedToIPv6 && network.PrefixLength >= 96 ? new IPNetwork(written.MapToIPv4(), network.PrefixLength - 96) : network;
    }

    /// <summary>
    /// An address only where it is written as the address it is read as: IPv4 as four plain decimal
    /// numbers, IPv6 in hexadecimal groups without zone, brackets or port. IPAddress also reads
    /// "010.0.0.1" as 8.0.0.1 (octal), "[2001:db8::1]:443" as 2001:db8::1 and "fe80::1%eth0" with
    /// this machine's interface number, none of them what was written.
    /// </summary>
    public static IPAddress? ParseAddress(ReadOnlySpan<char> text)
    {
        if (!IPAddress.TryParse(text, out var address))
        {
            return null;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return text.SequenceEqual(address.ToString()) ? address : null;
        }

        if (text.IndexOfAnyExcept("0123456789abcdefABCDEF:.") >= 0)
        {
            return null;
        }

        var tail = text[(text.LastIndexOf(':') + 1)..];
        return tail.Contains('.') && ParseAddress(tail) is null ? null : address;
    }
}
