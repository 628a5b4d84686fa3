using System.Net.Sockets;

namespace TlpGateway.Exports;

/// <summary>
/// STIX 2.1 patterns for MISP attribute types, as MISP's own STIX export (misp-stix) writes them;
/// string literals escaped per STIX patterning (a backslash and a single quote are preceded by a
/// backslash). Pure code. A type not listed here, or a value its type cannot hold (an <c>ip-dst</c>
/// that is no address), gives no pattern, and so no indicator.
/// </summary>
internal static class StixPattern
{
    /// <summary>The MISP types with a pattern, for the documentation and the tests.</summary>
    public static readonly IReadOnlyList<string> Types =
    [
        "ip-src", "ip-dst", "domain", "hostname", "url", "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "email", "email-src", "email-dst",
        "filename", "filename|md5", "filename|sha1", "filename|sha256", "domain|ip", "mutex",
    ];

    /// <summary>The pattern of an attribute of <paramref name="type"/> holding <paramref name="value"/>; null when none.</summary>
    public static string? For(string type, string value)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(value);
        return type switch
        {
            "ip-src" => Address("src_ref", value),
            "ip-dst" => Address("dst_ref", value),
            "domain" or "hostname" => Comparison("domain-name:value", value),
            "url" => Comparison("url:value", value),
            "md5" => Comparison("file:hashes.MD5", value),
            "sha1" => Comparison("file:hashes.'SHA-1'", value),
            "sha224" => Comparison("file:hashes.'SHA-224'", value),
            "sha256" => Comparison("file:hashes.'SHA-256'", value),
            "sha384" => Comparison("file:hashes.'SHA-384'", value),
            "sha512" => Comparison("file:hashes.'SHA-512'", value),
            "email" => Comparison("email-addr:value", value),
            "email-src" => Comparison("email-message:from_ref.value", value),
            "email-dst" => Comparison("email-message:to_refs[*].value", value),
            "filename" => Comparison("file:name", value),
            "filename|md5" => Pair("file:name", "file:hashes.MD5", value),
            "filename|sha1" => Pair("file:name", "file:hashes.'SHA-1'", value),
            "filename|sha256" => Pair("file:name", "file:hashes.'SHA-256'", value),
            "domain|ip" => DomainIp(value),
            "mutex" => Comparison("mutex:name", value),
            _ => null,
        };
    }

    /// <summary>A STIX pattern string literal: the value in single quotes, <c>\</c> and <c>'</c> escaped.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return string.Create(value.Length + 2 + value.AsSpan().Count('\\') + value.AsSpan().Count('\''), value, static (text, value) =>
        {
            var at = 0;
            text[at++] = '\'';
            foreach (var c in value)
            {
                if (c is '\\' or '\'')
                {
                    text[at++] = '\\';
                }

                text[at++] = c;
            }

            text[at] = '\'';
        });
    }

    /// <summary><c>ipv4-addr</c> or <c>ipv6-addr</c> for an address or CIDR block written as such; null for anything else.</summary>
    public static string? AddressType(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (Admission.NetworkList.ParseAddress(slash < 0 ? value : value.AsSpan(0, slash)) is not { } parsed)
        {
            return null;
        }

        var v4 = parsed.AddressFamily == AddressFamily.InterNetwork;

        if (slash >= 0 && !(int.TryParse(value.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix) && prefix <= (v4 ? 32 : 128)))
        {
            return null;
        }

        return v4 ? "ipv4-addr" : "ipv6-addr";
    }

    private static string Comparison(string path, string value) => "[" + path + " = " + Literal(value) + "]";

    private static string? Address(string reference, string value) => AddressType(value) is { } type
        ? "[network-traffic:" + reference + ".type = '" + type + "' AND network-traffic:" + reference + ".value = " + Literal(value) + "]"
        : null;

    /// <summary>MISP's composite value <c>a|b</c>, split at its first bar.</summary>
    private static string? Pair(string first, string second, string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? null : "[" + first + " = " + Literal(value[..bar]) + " AND " + second + " = " + Literal(value[(bar + 1)..]) + "]";
    }

    private static string? DomainIp(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 || AddressType(value[(bar + 1)..]) is null
            ? null
            : "[domain-name:value = " + Literal(value[..bar]) + " AND domain-name:resolves_to_refs[*].value = " + Literal(value[(bar + 1)..]) + "]";
    }
}
