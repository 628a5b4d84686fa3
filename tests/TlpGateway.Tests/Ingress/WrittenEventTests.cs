using System.Text.Json.Nodes;
using TlpGateway.Ingress;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Ingress;

/// <summary>The event of a write, read as MISP's add, edit and populate read it, in canonical form.</summary>
public sealed class WrittenEventTests
{
    private static WrittenEvent Add(string json) => WrittenEvent.ForAdd(JsonNode.Parse(json));

    [Theory]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:red"}]}}""")]
    [InlineData("""{"Event":{"Tag":{"name":"tlp:red"}}}""")]
    [InlineData("""{"Event":{"Tag":{"0":{"name":"tlp:red"}}}}""")]
    [InlineData("""{"Event":{"Tag":{"x":{"name":"tlp:red"}}}}""")]
    [InlineData("""{"Event":{"EventTag":[{"Tag":{"name":"tlp:red"}}]}}""")]
    [InlineData("""{"Event":{"EventTag":{"id":"1","Tag":{"name":"tlp:red"}}}}""")]
    [InlineData("""{"Tag":[{"name":"TLP:RED\u200b"}]}""")]
    [InlineData("""{"response":{"Event":{"Tag":[{"name":"tlp:red"}]}}}""")]
    [InlineData("""{"request":{"Event":{"Tag":[{"name":"tlp:red"}]}}}""")]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:clear"}]},"request":{"Event":{"Tag":[{"name":"tlp:red"}]}}}""")]
    public void ForAdd_EveryTagShapeAndWrapperMispReads_MarkingSeen(string json)
    {
        Assert.Equal(TlpLevel.Red, Add(json).Marking.Level);
    }

    [Fact]
    public void ForEdit_RequestWrapperNotUnwrapped_AsMispsEditReadsTheEventKey()
    {
        var evt = WrittenEvent.ForEdit(JsonNode.Parse("""{"Event":{"Tag":[{"name":"tlp:clear"}]},"request":{"Event":{"Tag":[{"name":"tlp:red"}]}}}"""));

        Assert.Equal(TlpLevel.Clear, evt.Marking.Level);
    }

    [Fact]
    public void ForAdd_EventTagLocal_CarriedOntoTheTagAndCounts()
    {
        var evt = Add("""{"Event":{"EventTag":[{"local":true,"Tag":{"name":"tlp:red"}}],"Tag":[{"name":"tlp:clear"}]}}""");

        Assert.Equal(TlpLevel.Red, evt.Marking.Level);
        Assert.Equal(2, evt.Tags.Count);
        Assert.Null(evt.Event["EventTag"]);
        Assert.True((bool)evt.TagObjects.First()["local"]!);
    }

    [Fact]
    public void ForAdd_ObjectForList_AttributesAndObjectsAsLists()
    {
        var evt = Add("""{"Event":{"Attribute":{"0":{"type":"ip-dst","value":"a"},"2":{"type":"ip-dst","value":"b"}},"Object":{"name":"file","Attribute":{"5":{"type":"md5","value":"c","AttributeTag":[{"Tag":{"name":"tlp:red"}}]}}}}}""");

        Assert.Equal(2, evt.Attributes.Count);
        var obj = Assert.Single(evt.Objects);
        var attribute = Assert.Single(obj["Attribute"]!.AsArray());
        Assert.Equal("tlp:red", (string?)attribute!["Tag"]![0]!["name"]);
    }

    [Fact]
    public void ForAdd_SingleAttributeObject_OneAttribute()
    {
        Assert.Single(Add("""{"Event":{"Attribute":{"type":"ip-dst","value":"a"}}}""").Attributes);
    }

    [Theory]
    [InlineData("""{"Event":{"Tag":"tlp:red"}}""")]
    [InlineData("""{"Event":{"Tag":["tlp:red"]}}""")]
    [InlineData("""{"Event":{"Tag":[{"name":5}]}}""")]
    [InlineData("""{"Event":{"Attribute":"x"}}""")]
    [InlineData("""{"Event":{"EventTag":[{"tag":"x"}]}}""")]
    [InlineData("""{"Event":"x"}""")]
    [InlineData("""{"response":[{"Event":{}}]}""")]
    [InlineData("""{"Event":{"Object":[{"Attribute":{"type":"md5","value":"c"}}]}}""")]
    public void ForAdd_ShapeMispWouldMisread_Refused(string json)
    {
        Assert.Throws<ShapeException>(() => Add(json));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("\"yes\"", true)]
    [InlineData("2", true)]
    [InlineData("\"false\"", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("\"0\"", false)]
    [InlineData("null", false)]
    public void Protected_PhpTruthiness(string value, bool isProtected)
    {
        Assert.Equal(isProtected, Add("""{"Event":{"protected":VALUE}}""".Replace("VALUE", value, StringComparison.Ordinal)).Protected);
    }

    [Fact]
    public void ForPopulate_JsonStringForm_Refused()
    {
        Assert.Throws<ShapeException>(() => WrittenEvent.ForPopulate(JsonNode.Parse("""{"Event":{"json":"{}"}}""")));
    }
}
