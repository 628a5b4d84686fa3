using TlpGateway.Endpoints;
using TlpGateway.Ingress;
using TlpGateway.Tests.Requests;

namespace TlpGateway.Tests.Ingress;

/// <summary>What <c>/sightings/listSightings</c> lists the sightings of, read as <c>SightingsController::listSightings</c> reads it.</summary>
public sealed class SightingListTargetsTests
{
    private static (TargetKind Kind, IReadOnlyList<string> Ids) Read(string method, string path, string? body = null) =>
        SightingListTargets.Read(RequestTestData.Model(method, path, body)!);

    [Theory]
    [InlineData("GET", "/sightings/listSightings/5", null, "attribute", "5")]
    [InlineData("GET", "/sightings/listSightings/5/event", null, "event", "5")]
    [InlineData("POST", "/sightings/listSightings/9/event", """{"id":"5","context":"attribute"}""", "attribute", "5")]
    [InlineData("POST", "/sightings/listSightings/5/event", """{"id":null,"context":null,"org_id":"4"}""", "event", "5")]
    [InlineData("POST", "/sightings/listSightings", """{"id":5}""", "attribute", "5")]
    [InlineData("GET", "/sightings/listSightings/005", null, "attribute", "5")]
    [InlineData("GET", "/sightings/listSightings/5.json", null, "attribute", "5")]
    [InlineData("GET", "/sightings/listSightings/5/event.json", null, "event", "5")]
    [InlineData("GET", "/Sightings/ListSightings/5/event", null, "event", "5")]
    public void Read_PostBodyOverPassedParameters_TheTargetsMispFinds(string method, string path, string? body, string context, string id)
    {
        var (readKind, ids) = Read(method, path, body);

        Assert.Equal(context == "event" ? TargetKind.Event : TargetKind.Attribute, readKind);
        Assert.Equal([id], ids);
    }

    [Fact]
    public void Read_IdsJoinedByABar_EachOnce()
    {
        Assert.Equal(["5", "6"], Read("GET", "/sightings/listSightings/5|6|05/attribute").Ids);
    }

    [Theory]
    [InlineData("id=5&context=event")]
    [InlineData("data%5Bid%5D=5&data%5Bcontext%5D=event")]
    public void Read_FormBody_ReadAsPhpReadsItsPost(string form)
    {
        var (kind, ids) = SightingListTargets.Read(RequestTestData.Model("POST", "/sightings/listSightings/9/attribute", form, "application/x-www-form-urlencoded")!);

        Assert.Equal(TargetKind.Event, kind);
        Assert.Equal(["5"], ids);
    }

    [Fact]
    public void Read_NoId_NothingToFind()
    {
        Assert.Empty(Read("GET", "/sightings/listSightings").Ids);
    }

    [Theory]
    [InlineData("GET", "/sightings/listSightings/6abc", null)]
    [InlineData("GET", "/sightings/listSightings/5|", null)]
    [InlineData("GET", "/sightings/listSightings/|5", null)]
    [InlineData("GET", "/sightings/listSightings/5|6.0", null)]
    [InlineData("GET", "/sightings/listSightings/5/org", null)]
    [InlineData("GET", "/sightings/listSightings/5/Event", null)]
    [InlineData("POST", "/sightings/listSightings", """{"id":["5","6"]}""")]
    [InlineData("POST", "/sightings/listSightings", """{"id":true}""")]
    [InlineData("POST", "/sightings/listSightings", """{"id":"5","context":{"a":1}}""")]
    [InlineData("POST", "/sightings/listSightings", """{"id":"5e0"}""")]
    public void Read_SpellingMispReadsOtherwise_Refused(string method, string path, string? body)
    {
        Assert.Throws<ShapeException>(() => Read(method, path, body));
    }

    [Fact]
    public void Read_MoreIdsThanJudgedBeforeAsking_Refused()
    {
        var ids = string.Join('|', Enumerable.Range(1, SightingListTargets.MaxIds + 1));

        Assert.Throws<ShapeException>(() => Read("GET", "/sightings/listSightings/" + ids));
    }
}
