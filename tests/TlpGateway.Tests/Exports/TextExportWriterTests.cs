using System.Text;
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
             {"Event":{"uuid":"1bfc1897-0000-4000-8000-000000000002","Attribute":[{"value":"evil.example"},{"value":"line\nbreak"}],"Object":[]}}]}
            """);

        var text = ExportHarness.Unfiltered(answer, Text, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal("198.51.100.7\nevil.example\nd41d8cd98f00b204e9800998ecf8427e\nline\nbreak\n", text);
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
