using System.Text;
using System.Text.Json;
using TlpGateway.Exports;
using TlpGateway.Requests;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Exports;

/// <summary>MISP's text export: released values, one a line (SPEC section 7).</summary>
public sealed class TextExportWriterTests
{
    private static readonly ExportRequest Text = ExportHarness.Request(ExportFormat.Text);

    [Fact]
    public void Write_EventsWithRepeatedValuesAndObjects_EachValueOnceInTheOrderFirstSeen()
    {
        var answer = Encoding.UTF8.GetBytes("""
            {"response":[
             {"Event":{"uuid":"1bfc1897-0000-4000-8000-000000000001","Attribute":[{"value":"198.51.100.7"},{"value":"evil.example"}],
               "Object":[{"name":"file","Attribute":[{"value":"d41d8cd98f00b204e9800998ecf8427e"},{"value":"198.51.100.7"}]}]}},
             {"Event":{"uuid":"1bfc1897-0000-4000-8000-000000000002","Attribute":[{"value":"evil.example"},{"value":"203.0.113.5"}],"Object":[]}}]}
            """);

        var text = ExportHarness.Unfiltered(answer, Text, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal("198.51.100.7\nevil.example\nd41d8cd98f00b204e9800998ecf8427e\n203.0.113.5\n", text);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r")]
    [InlineData("\r\n")]
    [InlineData("\u000b")]
    [InlineData("\u000c")]
    [InlineData("\u001c")]
    [InlineData("\u001e")]
    [InlineData("\u0085")]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    [InlineData("\u0000")]
    public void Write_ValueHoldingALineSeparator_LeftOutWholeNeverSplit(string separator)
    {
        // MISP writes "kept.example\nevil.example" as two lines: a blocklist reader would take evil.example for a value.
        var value = JsonSerializer.Serialize("kept.example" + separator + "evil.example");
        var answer = Encoding.UTF8.GetBytes($$$"""
            {"response":[{"Event":{"uuid":"1bfc1897-0000-4000-8000-000000000001","Attribute":[{"value":"a.example"},{"value":{{{value}}}},{"value":"tab\tseparated"}],"Object":[]}}]}
            """);

        var text = ExportHarness.Unfiltered(answer, Text, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal("a.example\ntab\tseparated\n", text);
    }

    [Fact]
    public void Write_ValueHoldingALineBreak_ToldByItsEventAndAttributeUuids()
    {
        // What the feed lacks is told (the audit trail), by UUIDs only: never the value itself.
        var answer = """{"response":[{"Event":{"uuid":"1bfc1897-0000-4000-8000-000000000001","Attribute":[{"uuid":"1bfc1897-0000-4000-8000-0000000000a1","value":"a.example"},{"uuid":"1bfc1897-0000-4000-8000-0000000000a2","value":"kept.example\nevil.example"}],"Object":[]}}]}"""u8.ToArray();
        var told = new List<(string? Event, string? Attribute)>();

        ExportHarness.Unfiltered(answer, Text, FilterHarness.Context(FilterHarness.Requester()), leftOut: (evt, attribute) => told.Add((evt, attribute)));

        Assert.Equal([("1bfc1897-0000-4000-8000-000000000001", "1bfc1897-0000-4000-8000-0000000000a2")], told);
    }

    [Fact]
    public void End_NothingReleased_OneEmptyLineAsMispWrites()
    {
        var text = ExportHarness.Unfiltered("""{"response":[]}"""u8.ToArray(), Text, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal("\n", text);
    }

    [Fact]
    public void Write_AttributeRows_EachRowsValue()
    {
        var answer = """{"response":{"Attribute":[{"value":"a.example"},{"value":"b.example"},{"value":"a.example"}]}}"""u8.ToArray();

        var text = ExportHarness.Unfiltered(answer, Text with { Scope = RestSearchScope.Attribute }, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal("a.example\nb.example\n", text);
    }

    [Fact]
    public void Filtered_RedAttributeInAGreenEvent_ItsValueIsNotWritten()
    {
        var answer = Encoding.UTF8.GetBytes($$$"""
            {"response":[{"Event":{"id":"5","uuid":"4cbd1912-0000-4000-8000-000000000005","timestamp":"1795342533","distribution":"3",
             "Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},
             "Attribute":[{"id":"1","uuid":"aaaaaaaa-0000-4000-8000-000000000001","type":"domain","value":"kept.example","distribution":"5"},
                          {"id":"2","uuid":"aaaaaaaa-0000-4000-8000-000000000002","type":"domain","value":"red.example","distribution":"5","Tag":[{"name":"tlp:red"}]}],
             "Object":[],"Tag":[{"name":"tlp:green"}]}}]}
            """);

        var text = ExportHarness.Filtered(answer, FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green)), Text);

        Assert.Equal("kept.example\n", text);
    }
}
