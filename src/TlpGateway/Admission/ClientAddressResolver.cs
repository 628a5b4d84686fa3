using System.Net;
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

    /// <summary>An address or CIDR; a single address is a /32 or /128 network.</summary>
    public static IPNetwork? ParseOne(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return null;
        }

        entry = entry.Trim();
        var slash = entry.IndexOf('/', StringComparison.Ordinal);

        // "198.51.100.7/24" is refused rather than widened: host bits set are a typo or a misunderstanding.
        if (slash > 0 && IPNetwork.TryParse(entry, out var network) && IPAddress.TryParse(entry[..slash], out var written) && written.Equals(network.BaseAddress))
        {
            return network;
        }

        if (slash < 0 && IPAddress.TryParse(entry, out var address))
        {
            address = MemberEntry.Normalise(address);
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        return null;
    }
}
