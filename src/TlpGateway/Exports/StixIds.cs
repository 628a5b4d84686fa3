using System.Security.Cryptography;
using System.Text;
using TlpGateway.Shapes;

namespace TlpGateway.Exports;

/// <summary>
/// STIX identifiers (<c>type--UUID</c>): MISP's own UUID where it is one STIX accepts (RFC 4122
/// variant, version 1 to 5, as MISP's are), else a UUIDv5 derived from it, so an identifier never
/// fails the schema and the same MISP UUID always gives the same identifier.
/// </summary>
internal static class StixIds
{
    // The gateway's namespace for derived identifiers (a UUIDv4 of its own).
    private static readonly Guid Namespace = new("6b1f3c2e-8d4a-4f6b-9e0c-5a7d2b8c1e34");

    public static string For(string type, string uuid)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(uuid);
        // MISP writes its UUIDs in lower case: the identifier is one string made from them as they are.
        return type + "--" + (!Accepted(uuid) ? Derived(uuid) : uuid.AsSpan().ContainsAnyInRange('A', 'F') ? uuid.ToLowerInvariant() : uuid);
    }

    /// <summary>Whether STIX's identifier pattern takes <paramref name="uuid"/> as it is: well formed, RFC 4122's variant, version 1 to 5.</summary>
    public static bool Accepted(string uuid) =>
        MispUuid.IsWellFormed(uuid) && uuid[14] is >= '1' and <= '5' && uuid[19] is '8' or '9' or 'a' or 'b' or 'A' or 'B';

    /// <summary>RFC 4122's name-based UUID (version 5, SHA-1) of <paramref name="name"/> in the gateway's namespace.</summary>
    private static string Derived(string name)
    {
        var bytes = new byte[16 + Encoding.UTF8.GetByteCount(name)];
        Namespace.TryWriteBytes(bytes, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, bytes.AsSpan(16));
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 names for version 5 identifiers, not a security use.
        SHA1.HashData(bytes, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString("D");
    }
}
