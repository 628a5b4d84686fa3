using TlpGateway.Exports;

namespace TlpGateway.Tests.Exports;

/// <summary>STIX identifiers from MISP UUIDs.</summary>
public sealed class StixIdsTests
{
    private static readonly System.Text.RegularExpressions.Regex StixIdentifier = new("^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$");

    [Fact]
    public void For_MispUuidv4_KeptLowercase()
    {
        Assert.Equal("indicator--831cb749-579a-4681-87d5-641faddecde0", StixIds.For("indicator", "831CB749-579A-4681-87D5-641FADDECDE0"));
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("01890a5d-ac96-774b-bcce-b302099a8057")]
    [InlineData("831cb749-579a-4681-07d5-641faddecde0")]
    [InlineData("not-a-uuid")]
    [InlineData("+cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa")]
    [InlineData("4cbd1912-+bb1-4bfe-a9c2-f40cd69eadaa")]
    [InlineData("4cbd1912-4bb1-4bfe-a9c2-0xf40cd69ead")]
    [InlineData("4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaz")]
    public void For_UuidStixRefuses_DerivedStableIdentifierStixAccepts(string uuid)
    {
        // A sign or 0x in a group (.NET's Guid parser takes them) is no UUID of STIX's pattern: a fuzz finding.
        var id = StixIds.For("report", uuid);

        Assert.Matches(StixIdentifier, id);
        Assert.StartsWith("report--", id, StringComparison.Ordinal);
        Assert.Equal(id, StixIds.For("report", uuid));
        Assert.NotEqual(id, StixIds.For("report", uuid + "x"));
    }
}
