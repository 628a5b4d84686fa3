using System.Text;
using TlpGateway.Filtering;
using TlpGateway.Tests.Filtering;

namespace TlpGateway.Tests.Shapes;

/// <summary>
/// MISP's <c>/attributes/describeTypes</c> (PyMISP reads it at start-up) leaves as MISP wrote it: a real MISP
/// 2.5.1 names the types <c>email</c> and <c>comment</c> in it, names that mark MISP data elsewhere. An answer
/// that only looks like one is judged as any other.
/// </summary>
public sealed class DescribeTypesTests
{
    // An excerpt of a real MISP 2.5.1's answer, in its order.
    private const string Answer = """{"result":{"sane_defaults":{"md5":{"default_category":"Payload delivery","to_ids":1},"email":{"default_category":"Social network","to_ids":1},"comment":{"default_category":"Other","to_ids":0}},"types":["md5","email","comment"],"categories":["Payload delivery","Social network","Other"],"category_type_mappings":{"Payload delivery":["md5","email"],"Other":["comment"]}}}""";

    [Fact]
    public void Filter_MispDescribeTypes_ReleasedAsMispWroteIt()
    {
        var (output, _, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(Answer), FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal(Answer, Encoding.UTF8.GetString(output));
    }

    [Theory]
    [InlineData("""{"result":{"sane_defaults":{"email":{"default_category":"x","to_ids":1,"Event":{"info":"Operation X","Tag":[{"name":"tlp:red"}]}}},"types":[],"categories":[],"category_type_mappings":{}}}""")]
    [InlineData("""{"result":{"sane_defaults":{},"types":[{"Attribute":{"value":"198.51.100.7"}}],"categories":[],"category_type_mappings":{}}}""")]
    [InlineData("""{"result":{"sane_defaults":{},"types":[],"categories":[],"category_type_mappings":{"email":[["x"]]},"Attribute":[]}}""")]
    [InlineData("""{"result":{"sane_defaults":{"email":{"default_category":"x","to_ids":{"Tag":[]}}},"types":[],"categories":[],"category_type_mappings":{}}}""")]
    [InlineData("""{"result":{"sane_defaults":{"email":{}},"types":[],"categories":[],"category_type_mappings":{}},"Event":{"info":"Operation X"}}""")]
    [InlineData("""{"result":{"sane_defaults":{"email":{}},"types":[]}}""")]
    public void Filter_DescribeTypesHoldingAnythingElse_EndsTheAnswer(string answer)
    {
        var ex = Assert.ThrowsAny<FilterException>(() => FilterHarness.Run(Encoding.UTF8.GetBytes(answer), FilterHarness.Context(FilterHarness.Requester())));

        Assert.Contains("MISP data", ex.Message, StringComparison.Ordinal);
    }
}
