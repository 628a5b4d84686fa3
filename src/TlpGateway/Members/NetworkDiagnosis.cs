using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TlpGateway.Members;

/// <summary>
/// Says what is wrong with a network entry the gateway refused, and what looks wrong in a member's
/// list of networks that it accepts: a maintainer reads these, so each names the fix.
/// </summary>
internal static class NetworkDiagnosis
{
    /// <summary>
    /// The network <paramref name="text"/> names, or null with <paramref name="problem"/> saying why it
    /// is not one the gateway accepts.
    /// </summary>
    public static IPNetwork? Parse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var addressPart = slash < 0 ? trimmed : trimmed[..slash];

        if (Admission.NetworkList.ParseAddress(addressPart) is not { } address)
        {
            problem = AddressProblem(addressPart);
            return null;
        }

        if (Admission.NetworkList.ParseOne(trimmed) is { } network)
        {
            problem = null;
            return network;
        }

        problem = Explain(address, slash < 0 ? string.Empty : trimmed[(slash + 1)..]);
        return null;
    }

    /// <summary>Why <paramref name="text"/> is no address the gateway accepts, with the fix where IPAddress reads it as another.</summary>
    private static string AddressProblem(string text)
    {
        if (IPAddress.TryParse(text, out var read))
        {
            // IPAddress also reads "10" and "192.168.1" (as 0.0.0.10 and 192.168.0.1): never what a maintainer meant.
            if (read.AddressFamily == AddressFamily.InterNetwork && text.Split('.').Length == 4)
            {
                return $"'{text}' would be read as {read} (a leading 0 is octal, 0x hexadecimal): write each number in plain decimal";
            }

            if (text.IndexOf('%', StringComparison.Ordinal) is >= 0 and var zone)
            {
                return $"'{text}' has a zone index '{text[zone..]}', which is this machine's interface, not part of the client's address: write the address without it";
            }

            if (text.StartsWith('['))
            {
                return $"'{text}' is not an IPv4 or IPv6 address: write it without brackets or port ({read})";
            }
        }

        return $"'{text}' is not an IPv4 or IPv6 address";
    }

    private static string Explain(IPAddress address, string prefixPart)
    {

        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(prefixPart, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return $"prefix '{prefixPart}' is not a number 0 to {max}";
        }

        if (prefix > max)
        {
            return $"prefix /{prefix} is out of range for {(max == 32 ? "IPv4" : "IPv6")} (0 to {max})";
        }

        return $"host bits set: did you mean {new IPNetwork(Mask(address, prefix), prefix)}?";
    }

    /// <summary>Networks that are valid but probably not what the maintainer meant.</summary>
    public static IEnumerable<string> Warnings(IReadOnlyList<IPNetwork> networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        if (networks.Count == 0)
        {
            yield return "'networks' is empty: nobody can connect as this member";
        }

        for (var i = 0; i < networks.Count; i++)
        {
            var network = networks[i];
            if (network.PrefixLength == 0)
            {
                yield return $"'networks' entry '{network}' lets in every {(network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address";
            }

            for (var j = 0; j < networks.Count; j++)
            {
                var other = networks[j];
                var covers = other.PrefixLength < network.PrefixLength || (other.PrefixLength == network.PrefixLength && j < i);
                if (j != i && covers && other.BaseAddress.AddressFamily == network.BaseAddress.AddressFamily && other.Contains(network.BaseAddress))
                {
                    yield return $"'networks' entry '{network}' is already covered by '{other}'";
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Networks that two members share (one contains the other's): valid (members behind one NAT),
    /// but an address there passes the network gate for both, and only the key then says which
    /// member is asking; each overlap is told once, at the later member.
    /// </summary>
    public static IEnumerable<(int Member, string Warning)> Overlaps(IReadOnlyList<(int Index, string Id, IReadOnlyList<IPNetwork> Networks)> members)
    {
        ArgumentNullException.ThrowIfNull(members);

        // Every network that contains another is one of its prefixes: a look-up per prefix length, not a comparison per pair (files of thousands of members).
        var owners = new Dictionary<IPNetwork, List<int>>();
        for (var m = 0; m < members.Count; m++)
        {
            foreach (var network in members[m].Networks)
            {
                (owners.TryGetValue(network, out var list) ? list : owners[network] = []).Add(m);
            }
        }

        var told = new HashSet<(int, int, IPNetwork, IPNetwork)>();
        for (var m = 0; m < members.Count; m++)
        {
            foreach (var network in members[m].Networks)
            {
                for (var prefix = 0; prefix <= network.PrefixLength; prefix++)
                {
                    var container = new IPNetwork(Mask(network.BaseAddress, prefix), prefix);
                    foreach (var other in owners.GetValueOrDefault(container) ?? [])
                    {
                        var (later, earlier, mine, theirs) = other > m ? (other, m, container, network) : (m, other, network, container);
                        if (other != m && told.Add((later, earlier, mine, theirs)))
                        {
                            yield return (members[later].Index, $"'networks' entry '{mine}' overlaps '{theirs}' of member '{members[earlier].Id}': a client there passes the network gate for both, and its key alone says which member it is");
                        }
                    }
                }
            }
        }
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}
