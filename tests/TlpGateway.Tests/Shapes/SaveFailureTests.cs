using System.Text;
using TlpGateway.Filtering;
using TlpGateway.Tests.Filtering;

namespace TlpGateway.Tests.Shapes;

/// <summary>MISP's answer to a write it refused leaves as MISP wrote it; an answer that only looks like one is judged as any other.</summary>
public sealed class SaveFailureTests
{
    private const string Head = """{"saved":false,"name":"Could not add Event","message":"Could not add Event","url":"\/events\/add","errors":""";

    [Theory]
    [InlineData(Head + """{"Event":{"info":["Info cannot be empty."]}}}""")]
    [InlineData(Head + """{"Attribute":{"0":{"value":["Value is not a valid IP address."],"type":["Options depend on the selected category."]}}}}""")]
    [InlineData(Head + "\"Event blocked by the event blocklist.\"}")]
    [InlineData(Head + """["Event already exists."],"id":"12"}""")]
    [InlineData(Head + """{}}""")]
    public void Filter_MispSaveFailure_ReleasedAsMispWroteIt(string answer)
    {
        var input = Encoding.UTF8.GetBytes(answer);

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal(answer, Encoding.UTF8.GetString(output));
        Assert.All(outcomes, o => Assert.False(o.Released && o.EventUuid is not null));
    }

    [Theory]
    [InlineData(Head + """{"Event":{"uuid":"9a5a8fbf-71a6-47b5-b84b-52e55399c2d2","info":"Operation X","Tag":[{"name":"tlp:red"}]}}}""")]
    [InlineData(Head + """{"Attribute":[{"value":"198.51.100.7"}]}}""")]
    [InlineData(Head + """{"Event":{"info":[["nested"]]}}}""")]
    [InlineData(Head + """{"Event":{"attribute_count":[3]}}}""")]
    [InlineData(Head + """{"Event":{"info":["x"]}},"data":{"Event":{"info":"Operation X","Tag":[{"name":"tlp:red"}]}}}""")]
    [InlineData("""{"saved":true,"errors":{"Event":{"info":["x"]}}}""")]
    [InlineData("""{"s\u0061ved":false,"errors":{"Event":{"info":["x"]}}}""")]
    [InlineData("""{"name":"Could not add Event","errors":{"Event":{"info":["x"]}}}""")]
    public void Filter_SaveFailureHoldingAnythingButMessages_EndsTheAnswer(string answer)
    {
        var ex = Assert.Throws<FilterException>(() => FilterHarness.Run(Encoding.UTF8.GetBytes(answer), FilterHarness.Context(FilterHarness.Requester())));

        Assert.Contains("holds MISP data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_SaveFailureWithErrorsTwice_EndsTheAnswer()
    {
        // PHP reads the second, a client may read the first: the names of the shape are keys, which may appear once.
        var answer = Head + """{"Event":{"info":["x"]}},"errors":{"Event":{"info":"Operation X"}}}""";

        var ex = Assert.Throws<FilterException>(() => FilterHarness.Run(Encoding.UTF8.GetBytes(answer), FilterHarness.Context(FilterHarness.Requester())));

        Assert.Contains("duplicate key 'errors'", ex.Message, StringComparison.Ordinal);
    }
}
