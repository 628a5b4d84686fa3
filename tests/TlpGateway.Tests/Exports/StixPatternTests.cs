using TlpGateway.Exports;

namespace TlpGateway.Tests.Exports;

/// <summary>STIX 2.1 patterns of MISP attribute types, with STIX patterning's escaping.</summary>
public sealed class StixPatternTests
{
    [Theory]
    [InlineData("ip-src", "203.0.113.5", "[network-traffic:src_ref.type = 'ipv4-addr' AND network-traffic:src_ref.value = '203.0.113.5']")]
    [InlineData("ip-dst", "198.51.100.0/24", "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.0/24']")]
    [InlineData("ip-dst", "2001:db8::1", "[network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value = '2001:db8::1']")]
    [InlineData("ip-src", "2001:db8:10::/48", "[network-traffic:src_ref.type = 'ipv6-addr' AND network-traffic:src_ref.value = '2001:db8:10::/48']")]
    [InlineData("domain", "evil.example", "[domain-name:value = 'evil.example']")]
    [InlineData("hostname", "cdn-sync.example", "[domain-name:value = 'cdn-sync.example']")]
    [InlineData("url", "https://login-portal.example/owa/auth.php", "[url:value = 'https://login-portal.example/owa/auth.php']")]
    [InlineData("md5", "d41d8cd98f00b204e9800998ecf8427e", "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']")]
    [InlineData("sha1", "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8", "[file:hashes.'SHA-1' = '86f7e437faa5a7fce15d1ddcb9eaeaea377667b8']")]
    [InlineData("sha256", "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb", "[file:hashes.'SHA-256' = 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb']")]
    [InlineData("sha512", "ab", "[file:hashes.'SHA-512' = 'ab']")]
    [InlineData("email-src", "hr-notice@mailer.example", "[email-message:from_ref.value = 'hr-notice@mailer.example']")]
    [InlineData("email-dst", "victim@corp.example", "[email-message:to_refs[*].value = 'victim@corp.example']")]
    [InlineData("email", "someone@corp.example", "[email-addr:value = 'someone@corp.example']")]
    [InlineData("filename", "invoice_2026.pdf.exe", "[file:name = 'invoice_2026.pdf.exe']")]
    [InlineData("filename|md5", "a.exe|d41d8cd98f00b204e9800998ecf8427e", "[file:name = 'a.exe' AND file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']")]
    [InlineData("domain|ip", "evil.example|198.51.100.7", "[domain-name:value = 'evil.example' AND domain-name:resolves_to_refs[*].value = '198.51.100.7']")]
    [InlineData("mutex", "Global\\TestMutex_42", "[mutex:name = 'Global\\\\TestMutex_42']")]
    public void For_KnownType_MispStixPattern(string type, string value, string expected)
    {
        Assert.Equal(expected, StixPattern.For(type, value));
    }

    [Theory]
    [InlineData("O'Reilly", @"'O\'Reilly'")]
    [InlineData(@"C:\Temp\x.exe", @"'C:\\Temp\\x.exe'")]
    [InlineData(@"\'", @"'\\\''")]
    [InlineData("a' OR file:name = 'b", @"'a\' OR file:name = \'b'")]
    [InlineData("line\nbreak ü", "'line\nbreak ü'")]
    public void Literal_QuotesAndBackslashes_EscapedSoTheLiteralCannotEnd(string value, string expected)
    {
        Assert.Equal(expected, StixPattern.Literal(value));
    }

    [Theory]
    [InlineData("ip-dst", "not an address")]
    [InlineData("ip-dst", "1")]
    [InlineData("ip-dst", "0x7f.1")]
    [InlineData("ip-src", "198.51.100.7/33")]
    [InlineData("ip-src", "fe80::1%eth0")]
    [InlineData("ip-dst", "[2001:db8::1]:443")]
    [InlineData("ip-dst", "[2001:db8::1]")]
    [InlineData("ip-dst", "010.0.0.1")]
    [InlineData("domain|ip", "evil.example|[2001:db8::1]:443")]
    [InlineData("ip-dst|port", "198.51.100.7|443")]
    [InlineData("filename|md5", "no-bar")]
    [InlineData("domain|ip", "evil.example|nope")]
    [InlineData("text", "anything")]
    [InlineData("comment", "anything")]
    [InlineData("AS", "174")]
    public void For_TypeOrValueWithoutPattern_Null(string type, string value)
    {
        Assert.Null(StixPattern.For(type, value));
    }

    [Fact]
    public void Types_EveryListedType_HasAPatternForAValueOfIt()
    {
        foreach (var type in StixPattern.Types)
        {
            var value = type switch
            {
                "ip-src" or "ip-dst" => "198.51.100.7",
                "domain|ip" => "a.example|198.51.100.7",
                _ when type.Contains('|', StringComparison.Ordinal) => "a|b",
                _ => "x",
            };
            Assert.NotNull(StixPattern.For(type, value));
        }
    }
}
