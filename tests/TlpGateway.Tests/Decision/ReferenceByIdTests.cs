using System.Text.Json.Nodes;
using TlpGateway.Tests.Filtering;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// SPEC section 3: an <c>ObjectReference</c> that points at a removed item goes. MISP names what a
/// reference points at twice, by <c>referenced_uuid</c> and by <c>referenced_id</c> with
/// <c>referenced_type</c> (0 an attribute, 1 an object): either pointer at a removed item removes it.
/// The fuzz oracle found a reference left with only its <c>referenced_id</c> kept beside the TLP:RED
/// attribute it pointed at.
/// </summary>
public sealed class ReferenceByIdTests
{
    private const string Kept = "44444444-0000-4000-8000-00000000aaa2";
    private const string Reference = "7e7e7e7e-0000-4000-8000-0000000000a2";

    private static string Json(string pointer) => ShapeStrictnessTests.Event(
        $$""","Attribute":[{"id":"21","uuid":"33333333-0000-4000-8000-00000000aaa1","type":"domain","value":"secret.example","distribution":"5","Tag":[{"name":"tlp:red"}]}],"Object":[{"id":"31","uuid":"44444444-0000-4000-8000-00000000aaa3","name":"file","distribution":"5","Attribute":[{"id":"22","uuid":"33333333-0000-4000-8000-00000000aaa4","type":"filename","value":"secret.exe","distribution":"5","Tag":[{"name":"tlp:red"}]}]},{"id":"32","uuid":"{{Kept}}","name":"domain-ip","distribution":"5","Attribute":[{"id":"23","uuid":"33333333-0000-4000-8000-00000000aaa5","type":"ip-dst","value":"198.51.100.5","distribution":"5"}],"ObjectReference":[{"id":"1","uuid":"{{Reference}}","object_id":"32","relationship_type":"resolves","event_id":"4"{{pointer}}}]}]""");

    [Theory]
    [InlineData("attribute, by id only", ""","referenced_id":"21","referenced_type":"0" """)]
    [InlineData("attribute, by id as numbers", ""","referenced_id":21,"referenced_type":0 """)]
    [InlineData("object, by id only", ""","referenced_id":"31","referenced_type":"1" """)]
    [InlineData("attribute, id beside a kept item's uuid", ""","referenced_uuid":"44444444-0000-4000-8000-00000000aaa2","referenced_id":"21","referenced_type":"0" """)]
    [InlineData("no type, an id removed", ""","referenced_id":"21" """)]
    public void ReferenceById_PointsAtRemovedItem_Removed(string place, string pointer)
    {
        var (output, outcomes) = ShapeStrictnessTests.Run(Json(pointer), FilterHarness.Requester(FilterHarness.OrgD));

        Assert.True(Assert.Single(outcomes).Released, place);
        Assert.DoesNotContain(Reference, output, StringComparison.Ordinal);
        JsonNode.Parse(output);
    }

    [Theory]
    [InlineData("an attribute kept, whose id an object removed has", ""","referenced_uuid":"33333333-0000-4000-8000-00000000aaa5","referenced_id":"23","referenced_type":"0" """)]
    [InlineData("an object kept, whose id is a removed attribute's", ""","referenced_uuid":"44444444-0000-4000-8000-00000000aaa2","referenced_id":"22","referenced_type":"1" """)]
    public void ReferenceById_PointsAtKeptItem_Kept(string place, string pointer)
    {
        // Attributes and objects number apart: an object's id that a removed attribute also has names nothing removed.
        var (output, outcomes) = ShapeStrictnessTests.Run(Json(pointer), FilterHarness.Requester(FilterHarness.OrgD));

        Assert.True(Assert.Single(outcomes).Released, place);
        Assert.Contains(Reference, output, StringComparison.Ordinal);
    }
}
