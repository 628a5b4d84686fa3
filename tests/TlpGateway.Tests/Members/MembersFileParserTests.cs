using System.Net;
using System.Text;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Members;

public sealed class MembersFileParserTests
{
    private const string Community = """
        "community": { "name": "C", "forwarder": { "name": "Hub", "uuid": "00000000-0000-4000-8000-000000000001" }, "chathamHouse": "always" }
        """;

    private static MembersRegistry Parse(string json) => MembersFileParser.Parse(Encoding.UTF8.GetBytes(json));

    private static string WithMember(string memberFields) => $$"""
        { {{Community}}, "members": [ { "id": "acme", "orgUuid": "5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "networks": ["198.51.100.0/24"], "relation": "member", "maxTlp": "amber"{{memberFields}} } ] }
        """;

    [Theory]
    [InlineData("members.json")]
    [InlineData("members.demo.json")]
    public void Parse_ShippedFiles_Valid(string file)
    {
        var registry = MembersFileParser.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "deploy", file)));

        Assert.NotEmpty(registry.Members);
    }

    [Fact]
    public void Parse_MinimalMember_AppliesDefaults()
    {
        var registry = Parse(WithMember(string.Empty));

        var member = Assert.Single(registry.Members);
        Assert.Equal("acme", member.Name);
        Assert.Empty(member.RedRecipients);
        Assert.Null(member.ForwardAs);
        Assert.Null(member.SuspendedUntil);
        Assert.False(member.Revoked);
        Assert.Equal(TlpLevel.Amber, registry.Community.DefaultTlp);
        Assert.False(registry.Community.RequireAcceptedTerms);
    }

    [Theory]
    [InlineData(", \"maxTlp\": \"red\"", "maxTlp")]
    [InlineData(", \"colour\": \"blue\"", "unknown field 'colour'")]
    [InlineData(", \"suspendedUntil\": \"2026-12-01T00:00:00\"", "with an offset")]
    [InlineData(", \"suspendedUntil\": \"2026-12-01\"", "with an offset")]
    [InlineData(", \"suspendedUntil\": \"2026-12-01 10:00\"", "with an offset")]
    [InlineData(", \"redRecipients\": [\"not-an-address\"]", "not an e-mail address")]
    [InlineData(", \"revoked\": \"yes\"", "'revoked' must be true or false")]
    [InlineData(", \"forwardAs\": {\"name\": \"X\", \"uuid\": \"nope\"}", "is not a UUID")]
    [InlineData(", \"forwardAs\": {\"name\": \"X\", \"uuid\": \"{00000000-0000-4000-8000-00000000aaaa}\"}", "is not a UUID as MISP writes one")]
    [InlineData(", \"blockedSharingGroups\": [\"00000000000040008000000000000aaa\"]", "is not a UUID as MISP writes one")]
    [InlineData(", \"blockedSharingGroups\": [\"+0000000-0000-4000-8000-00000000aaaa\"]", "is not a UUID as MISP writes one")]
    public void Parse_BadMemberField_RefusedNamingMemberAndField(string extra, string message)
    {
        var ex = Assert.ThrowsAny<Exception>(() => Parse(WithMember(extra)));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"relation\": \"member\"", "\"relation\": \"partner\"", "member 'acme': 'relation' is 'partner'")]
    [InlineData("\"maxTlp\": \"amber\"", "\"maxTlp\": \"red\"", "TLP:RED is never granted to a whole organisation")]
    [InlineData("\"maxTlp\": \"amber\"", "\"maxTlp\": \"Amber\"", "expected one of clear, green, amber, amber+strict")]
    [InlineData("[\"198.51.100.0/24\"]", "[\"198.51.100.0/33\"]", "member 'acme': 'networks' entry '198.51.100.0/33'")]
    [InlineData("[\"198.51.100.0/24\"]", "[\"198.51.100.7/24\"]", "host bits set: did you mean 198.51.100.0/24?")]
    [InlineData("[\"198.51.100.0/24\"]", "[\"198.51.100.0/33\"]", "prefix /33 is out of range for IPv4 (0 to 32)")]
    [InlineData("[\"198.51.100.0/24\"]", "[\"2001:db8::/129\"]", "prefix /129 is out of range for IPv6 (0 to 128)")]
    [InlineData("[\"198.51.100.0/24\"]", "[\"192.168.1/24\"]", "'192.168.1' is not an IPv4 or IPv6 address")]
    [InlineData("[\"198.51.100.0/24\"]", "[\"10\"]", "'10' is not an IPv4 or IPv6 address")]
    [InlineData("\"orgUuid\": \"5c7e4b3c-0a1b-4c2d-8e3f-123456789abc\", ", "", "'orgUuid' is required")]
    [InlineData("5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "{5c7e4b3c-0a1b-4c2d-8e3f-123456789abc}", "'orgUuid' '{5c7e4b3c-0a1b-4c2d-8e3f-123456789abc}' is not a UUID as MISP writes one")]
    [InlineData("5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "5c7e4b3c0a1b4c2d8e3f123456789abc", "is not a UUID as MISP writes one")]
    [InlineData("\"maxTlp\": \"amber\"", "\"maxTlp\": \"amber\\uD800\"", "not valid JSON (line")]
    [InlineData("\"maxTlp\": \"amber\"", "\"maxTlp\": \"amber\", \"\\uDC00x\": 1", "an escape that is not valid UTF-16")]
    public void Parse_BadValue_RefusedWithClearMessage(string original, string replacement, string message)
    {
        var ex = Assert.Throws<MembersFileException>(() => Parse(WithMember(string.Empty).Replace(original, replacement, StringComparison.Ordinal)));

        Assert.Contains(ex.Errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DuplicateIdAndOrgUuid_BothReported()
    {
        var member = """{ "id": "acme", "orgUuid": "5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "networks": [], "relation": "member", "maxTlp": "green" }""";

        var ex = Assert.Throws<MembersFileException>(() => Parse($$"""{ {{Community}}, "members": [ {{member}}, {{member}} ] }"""));

        Assert.Contains(ex.Errors, e => e.Contains("duplicate 'id' 'acme'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("duplicate 'orgUuid'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NetworksAndMappedAddresses_MatchAsSpecified()
    {
        var registry = Parse(WithMember(string.Empty).Replace("[\"198.51.100.0/24\"]", "[\"198.51.100.0/24\", \"2001:db8:10::/48\", \"192.0.2.7\"]", StringComparison.Ordinal));
        var member = registry.Members[0];

        Assert.True(member.Owns(IPAddress.Parse("::ffff:198.51.100.7")));
        Assert.True(member.Owns(IPAddress.Parse("2001:db8:10::1")));
        Assert.True(member.Owns(IPAddress.Parse("192.0.2.7")));
        Assert.False(member.Owns(IPAddress.Parse("192.0.2.8")));
        Assert.False(registry.IsKnownAddress(IPAddress.Parse("203.0.113.1")));
    }

    [Theory]
    [InlineData("010.0.0.1", "'010.0.0.1' would be read as 8.0.0.1")]
    [InlineData("010.0.0.0/8", "'010.0.0.0' would be read as 8.0.0.0")]
    [InlineData("0x0a.0.0.1", "'0x0a.0.0.1' would be read as 10.0.0.1")]
    [InlineData("fe80::1%eth0", "zone index '%eth0'")]
    [InlineData("fe80::%2/64", "zone index '%2'")]
    [InlineData("[2001:db8::1]", "without brackets or port")]
    [InlineData("[2001:db8::1]:443", "without brackets or port")]
    [InlineData("::ffff:010.0.0.1", "'::ffff:010.0.0.1' is not an IPv4 or IPv6 address")]
    public void Parse_NetworkTheAddressParserReadsOtherwiseThanWritten_RefusedSayingHow(string entry, string message)
    {
        var ex = Assert.Throws<MembersFileException>(() => Parse(WithMember(string.Empty).Replace("[\"198.51.100.0/24\"]", $"[\"{entry}\"]", StringComparison.Ordinal)));

        Assert.Contains(ex.Errors, e => e.Contains($"'networks' entry '{entry}'", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_IPv4MappedNetwork_MatchesTheIPv4ClientsItCarries()
    {
        var registry = Parse(WithMember(string.Empty).Replace("[\"198.51.100.0/24\"]", "[\"::ffff:192.0.2.0/120\"]", StringComparison.Ordinal));

        // Clients' addresses are matched as IPv4 (MemberEntry.Normalise): the mapped network must be too.
        Assert.True(registry.Members[0].Owns(IPAddress.Parse("192.0.2.7")));
        Assert.True(registry.Members[0].Owns(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.False(registry.Members[0].Owns(IPAddress.Parse("192.0.3.7")));
    }

    [Fact]
    public void Parse_DuplicateKey_RefusedNamingTheKeyAndItsLine()
    {
        var json = WithMember(string.Empty).Replace("\"maxTlp\": \"amber\"", "\"maxTlp\": \"amber\",\n\"maxTlp\": \"amber+strict\"", StringComparison.Ordinal);

        var ex = Assert.Throws<MembersFileException>(() => Parse(json));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("not valid JSON (line 2): duplicate key 'maxTlp' in one object", error);
    }

    [Fact]
    public void Parse_EmptyNetworks_LetsNobodyIn()
    {
        var registry = Parse(WithMember(string.Empty).Replace("[\"198.51.100.0/24\"]", "[]", StringComparison.Ordinal));

        Assert.False(registry.IsKnownAddress(IPAddress.Parse("198.51.100.7")));
    }

    [Theory]
    [InlineData("01/12/2030 10:00 +01:00")]
    [InlineData("12/01/2030 10:00:00 +01:00")]
    [InlineData("December 1, 2030 10:00 +01:00")]
    [InlineData("1 Dec 2030 10:00:00 +01:00")]
    [InlineData("2030-12-01T10:00:00+01:00 ")]
    [InlineData("2030-12-01T10:00:00.12345678Z")]
    public void Parse_SuspendedUntilNotIso8601ButReadableByDotNet_Refused(string time)
    {
        // DateTimeOffset reads "01/12/2030" month first: 12 January, where a maintainer in Europe meant 1 December.
        var ex = Assert.Throws<MembersFileException>(() => Parse(WithMember($", \"suspendedUntil\": \"{time}\"")));

        Assert.Contains(ex.Errors, e => e.Contains("'suspendedUntil'", StringComparison.Ordinal) && e.Contains("is not an ISO-8601 time with an offset", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2030-12-01T10:00Z", "2030-12-01T10:00:00+00:00")]
    [InlineData("2030-12-01 10:00:00+01:00", "2030-12-01T09:00:00+00:00")]
    [InlineData("2030-12-01T10:00:00.5-0500", "2030-12-01T15:00:00.5+00:00")]
    [InlineData("2030-12-01t10:00:00z", "2030-12-01T10:00:00+00:00")]
    [InlineData("2030-12-01T10:00:00+14:00", "2030-11-30T20:00:00+00:00")]
    public void Parse_SuspendedUntilIso8601WithOffset_ReadInItsOffset(string time, string utc)
    {
        var member = Parse(WithMember($", \"suspendedUntil\": \"{time}\"")).Members[0];

        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), member.SuspendedUntil);
    }

    [Fact]
    public void Check_InvalidUtf8_ErrorNamingTheLineNotAnException()
    {
        var json = Encoding.UTF8.GetBytes(WithMember(", \"name\": \"ACME\"").Replace("\"id\"", "\n\"id\"", StringComparison.Ordinal));
        json[Array.IndexOf(json, (byte)'M')] = 0xFF;

        var report = MembersFileParser.Check(json);

        Assert.Null(report.Registry);
        var error = Assert.Single(report.Errors).Message;
        Assert.Contains("line 2", error, StringComparison.Ordinal);
        Assert.Contains("byte 0xFF", error, StringComparison.Ordinal);
        Assert.Contains("is not UTF-8", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(", \"name\": 5", "'name' must be a non-empty string")]
    [InlineData(", \"name\": \"\"", "'name' must be a non-empty string")]
    [InlineData(", \"name\": [\"ACME\"]", "'name' must be a non-empty string")]
    [InlineData(", \"forwardAs\": {\"name\": \" \", \"uuid\": \"00000000-0000-4000-8000-00000000aaaa\"}", "forwardAs: 'name' must not be empty")]
    [InlineData(", \"allowedTags\": {\"tlp\": [\"tlp:clear\"], \"TLP\": [\"tlp:red\"]}", "names taxonomy 'TLP' twice")]
    [InlineData(", \"name\": \"ACME\\nTelecom\"", "'name' holds the control character U+000A")]
    [InlineData(", \"redRecipients\": [\"analyst@acme.example\\nsoc@acme.example\"]", "'redRecipients' entry \"analyst@acme.example\\nsoc@acme.example\" is not an e-mail address")]
    [InlineData(", \"redRecipients\": [\"analyst @acme.example\"]", "'redRecipients' entry \"analyst @acme.example\" is not an e-mail address")]
    [InlineData(", \"name\": \"ACME\\u009b31m\"", "'name' holds the control character U+009B")]
    [InlineData(", \"forwardAs\": {\"name\": \"Relay\\u001b[2J\", \"uuid\": \"00000000-0000-4000-8000-00000000aaaa\"}", "forwardAs: 'name' holds the control character U+001B")]
    public void Parse_WrongTypeOrSilentOverride_Refused(string extra, string message)
    {
        var ex = Assert.Throws<MembersFileException>(() => Parse(WithMember(extra)));

        Assert.Contains(ex.Errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("acme\\u0000", "U+0000")]
    [InlineData("ac\\nme", "U+000A")]
    [InlineData("acme\\u200b", "U+200B")]
    [InlineData("acme\\u001b[31m", "U+001B")]
    [InlineData(" acme", "has spaces around it")]
    public void Parse_IdWithInvisibleCharacters_RefusedByPosition(string id, string message)
    {
        var ex = Assert.Throws<MembersFileException>(() => Parse(WithMember(string.Empty).Replace("\"id\": \"acme\"", $"\"id\": \"{id}\"", StringComparison.Ordinal)));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("members[0]: 'id' ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Theory]
    [InlineData("198.51.100.0/24", "198.51.100.128/25", "'198.51.100.128/25' overlaps '198.51.100.0/24' of member 'acme'")]
    [InlineData("198.51.100.7", "198.51.100.0/24", "'198.51.100.0/24' overlaps '198.51.100.7/32' of member 'acme'")]
    [InlineData("198.51.100.0/24", "::ffff:198.51.100.9", "'198.51.100.9/32' overlaps '198.51.100.0/24' of member 'acme'")]
    [InlineData("2001:db8::/32", "2001:db8:10::/48", "'2001:db8:10::/48' overlaps '2001:db8::/32' of member 'acme'")]
    public void Check_NetworksSharedByTwoMembers_WarnedAtTheLaterMember(string first, string second, string message)
    {
        var json = $$"""
            { {{Community}}, "members": [
              { "id": "acme", "orgUuid": "5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "networks": ["{{first}}"], "relation": "member", "maxTlp": "amber" },
              { "id": "beta", "orgUuid": "6c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "networks": ["{{second}}"], "relation": "member", "maxTlp": "green" } ] }
            """;

        var report = MembersFileParser.Check(Encoding.UTF8.GetBytes(json));

        Assert.NotNull(report.Registry);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal(1, warning.Member);
        Assert.Contains("member 'beta': 'networks' entry " + message, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MembersInSeparateNetworks_NoOverlapWarning()
    {
        var json = $$"""
            { {{Community}}, "members": [
              { "id": "acme", "orgUuid": "5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "networks": ["198.51.100.0/25", "::ffff:192.0.2.0/120"], "relation": "member", "maxTlp": "amber" },
              { "id": "beta", "orgUuid": "6c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "networks": ["198.51.100.128/25", "192.0.3.0/24"], "relation": "member", "maxTlp": "green" } ] }
            """;

        Assert.Empty(MembersFileParser.Check(Encoding.UTF8.GetBytes(json)).Warnings);
    }

    [Theory]
    [InlineData("00000000-0000-4000-8000-000000000001", "", "community.forwarder has its orgUuid")]
    [InlineData("5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", ", \"forwardAs\": {\"name\": \"Self\", \"uuid\": \"5C7E4B3C-0A1B-4C2D-8E3F-123456789ABC\"}", "forwardAs has its orgUuid")]
    public void Check_SourceShownToAMemberIsItsOwnOrganisation_Warned(string orgUuid, string extra, string message)
    {
        var json = WithMember(extra).Replace("\"orgUuid\": \"5c7e4b3c-0a1b-4c2d-8e3f-123456789abc\"", $"\"orgUuid\": \"{orgUuid}\"", StringComparison.Ordinal);

        var report = MembersFileParser.Check(Encoding.UTF8.GetBytes(json));

        Assert.NotNull(report.Registry);
        Assert.Contains(report.Warnings, w => w.Member == 0 && w.Message.Contains(message, StringComparison.Ordinal));
    }
}
