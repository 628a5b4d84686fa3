using System.Globalization;
using System.Text;
using System.Text.Json;
using TlpGateway.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>How an item's <c>distribution</c> is read: MISP's levels 0 to 5, in every spelling MISP writes or accepts.</summary>
public sealed class DistributionSpellingTests
{
    [Theory]
    [InlineData("\"5\"", true)]
    [InlineData("5", true)]
    [InlineData("\"05\"", true)]
    [InlineData("\"0000000005\"", true)]
    [InlineData("\"\\u0035\"", true)]
    [InlineData("\"6\"", false)]
    [InlineData("\" 5\"", false)]
    [InlineData("\"5.0\"", false)]
    [InlineData("\"-1\"", false)]
    [InlineData("\"4294967301\"", false)]
    [InlineData("\"\"", false)]
    public void Filter_AttributeDistributionSpelling_ReadAsDigitsOnly(string distribution, bool isLevel)
    {
        // MISP's levels are 0 to 5, written as digits; anything else is not a level the filter can judge.
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Attribute":[{"uuid":"11111111-0000-4000-8000-000000000002","distribution":{{{distribution}}},"value":"192.0.2.1"}],"Tag":[{"name":"tlp:clear"}]}}""");
        var context = FilterHarness.Context(FilterHarness.Requester());

        if (isLevel)
        {
            var (output, _, _) = FilterHarness.Run(input, context);
            using var json = JsonDocument.Parse(output);
            Assert.Equal("192.0.2.1", json.RootElement.GetProperty("Event").GetProperty("Attribute")[0].GetProperty("value").GetString());
        }
        else
        {
            var ex = Assert.Throws<FilterException>(() => FilterHarness.Run(input, context));
            Assert.Contains("distribution is not a level 0 to 5", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"0\"", 0)]
    [InlineData("0", 0)]
    [InlineData("\"\\u0030\"", 0)]
    [InlineData("\"1\"", 1)]
    [InlineData("1", 1)]
    [InlineData("\"3\"", 2)]
    [InlineData("3", 2)]
    [InlineData("\"03\"", 2)]
    [InlineData("\"\\u0033\"", 2)]
    [InlineData("\"4\"", 4)]
    [InlineData("5", 5)]
    [InlineData("\"0000000001\"", 1)]
    public void Filter_AttributeDistributionSpelledAnyWay_SyncIdentityGetsTheLevelItSpellsCapped(string distribution, int expected)
    {
        // The scan reads a one-digit distribution itself (Node.ScannedDistribution); every spelling must give the
        // level the decision reads from the text: a TLP:GREEN event's levels 0-3 are capped at 2, 4 and 5 stay.
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","distribution":"3","Attribute":[{"uuid":"11111111-0000-4000-8000-000000000002","distribution":{{{distribution}}},"value":"192.0.2.1"}],"Tag":[{"name":"tlp:green"}]}}""");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgB, TlpLevel.Amber, sync: true, orgId: "2"));

        foreach (var chunk in new[] { 3, 4096 })
        {
            var (output, _, _) = FilterHarness.Run(input, context, chunk: chunk);
            using var json = JsonDocument.Parse(output);
            var written = json.RootElement.GetProperty("Event").GetProperty("Attribute")[0].GetProperty("distribution");
            var level = written.ValueKind == JsonValueKind.String ? written.GetString()! : written.GetRawText();
            Assert.Equal(expected, int.Parse(level, CultureInfo.InvariantCulture));
            Assert.Equal("2", json.RootElement.GetProperty("Event").GetProperty("distribution").GetString());
        }
    }
}
