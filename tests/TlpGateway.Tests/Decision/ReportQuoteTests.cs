using TlpGateway.Tests.Filtering;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// An event report that quotes a removed attribute goes with it (SPEC section 3), however the report
/// spells the value: MISP stores hashes and host names lowercased while people write them as they
/// come, and a composite value (<c>ip-dst|port</c>, <c>filename|md5</c>) is quoted one part at a time.
/// </summary>
public sealed class ReportQuoteTests
{
    private const string Red = "11111111-0000-4000-8000-00000000aaaa";
    private const string Report = "dddddddd-0000-4000-8000-000000000001";

    private static string EventWith(string type, string value, string content) => ShapeStrictnessTests.Event(
        $$""","Attribute":[{"id":"1","uuid":"{{Red}}","type":"{{type}}","category":"Network activity","value":"{{value}}","distribution":"5","Tag":[{"name":"tlp:red"}]}],"EventReport":[{"uuid":"{{Report}}","name":"r","content":"{{content}}","distribution":"5"}]""");

    [Theory]
    [InlineData("md5", "d41d8cd98f00b204e9800998ecf8427e", "sample D41D8CD98F00B204E9800998ECF8427E dropped")]
    [InlineData("domain", "c2.example.org", "beacons to C2.Example.Org")]
    [InlineData("ip-dst|port", "198.51.100.7|8443", "the C2 at 198.51.100.7 answers")]
    [InlineData("filename|md5", "invoice.exe|d41d8cd98f00b204e9800998ecf8427e", "the dropper invoice.exe")]
    [InlineData("domain|ip", "c2.example.org|198.51.100.7", "resolves to 198.51.100.7")]
    public void EventReport_QuotesARemovedValueInAnotherCaseOrOnePartOfIt_Removed(string type, string value, string content)
    {
        var (output, outcomes) = ShapeStrictnessTests.Run(EventWith(type, value, content));

        Assert.DoesNotContain(Report, output, StringComparison.Ordinal);
        Assert.Contains(Assert.Single(outcomes).Removals, r => r is { Kind: "event-report", Reason: "quotes-removed-item" });
    }

    [Fact]
    public void EventReport_QuotesOnlyAShortPartOfARemovedCompositeValue_Kept()
    {
        // Parts under four characters (a port) are too common to tell anything: as for whole values.
        var (output, _) = ShapeStrictnessTests.Run(EventWith("ip-dst|port", "198.51.100.7|443", "listens on 443"));

        Assert.Contains(Report, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Red, output, StringComparison.Ordinal);
    }
}
