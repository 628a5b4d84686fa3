using System.Text.Json.Nodes;
using TlpGateway.Ingress;
using TlpGateway.Tests.Requests;

namespace TlpGateway.Tests.Ingress;

/// <summary>
/// What else than events a MISP server writes in another organisation's name (analyst data, galaxy
/// clusters, sightings, proposals) is written in the requester's: no member writes as another
/// (the decision beside SPEC section 6's forwarding rule).
/// </summary>
public sealed class WrittenItemSourceTests
{
    private const string OtherOrg = "d03551b8-8496-4bd2-b178-72fb134e2520";

    private static JsonNode Forwarded(string path, string body)
    {
        var request = RequestTestData.Model("POST", path, body)!;
        var verdict = WrittenContent.Judge(request, RequestTestData.Requester(sync: true), RequestTestData.Community, 50);
        Assert.False(verdict.Refused);
        return verdict.Body ?? request.Body.Root!;
    }

    [Theory]
    [InlineData("""{"Note":{"uuid":"n1","object_uuid":"o1","object_type":"Event","note":"x","orgc_uuid":"OTHER"}}""")]
    [InlineData("""{"Note":{"uuid":"n1","object_uuid":"o1","object_type":"Event","note":"x","Orgc":{"uuid":"OTHER","name":"ORG_D"}}}""")]
    [InlineData("""{"uuid":"n1","note_type_name":"Note","object_uuid":"o1","object_type":"Event","note":"x","orgc_uuid":"OTHER"}""")]
    [InlineData("""{"Note":{"uuid":"n1","object_uuid":"o1","object_type":"Event","note":"x","Opinion":[{"uuid":"p1","object_uuid":"n1","object_type":"Note","opinion":"10","orgc_uuid":"OTHER","Note":{"uuid":"n2","object_uuid":"p1","object_type":"Opinion","note":"y","Orgc":{"uuid":"OTHER"}}}]}}""")]
    public void PushAnalystData_NamingAnotherCreatorAtAnyDepth_CreatorLeftToMispAsTheWriter(string body)
    {
        var forwarded = Forwarded("/analyst_data/pushAnalystData", body.Replace("OTHER", OtherOrg, StringComparison.Ordinal)).ToJsonString();

        Assert.DoesNotContain(OtherOrg, forwarded, StringComparison.Ordinal);
        Assert.DoesNotContain("orgc_uuid", forwarded, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Orgc\"", forwarded, StringComparison.Ordinal);
        Assert.Contains("\"note\":\"x\"", forwarded, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"GalaxyCluster":{"uuid":"c1","distribution":"3","Orgc":{"uuid":"OTHER","name":"ORG_D"}}}]""")]
    [InlineData("""[{"GalaxyCluster":{"uuid":"c1","distribution":"3","orgc_id":"4"}}]""")]
    [InlineData("""{"0":{"GalaxyCluster":{"uuid":"c1","distribution":"3"},"Orgc":{"uuid":"OTHER"}}}""")]
    [InlineData("""[{"uuid":"c1","distribution":"3","orgc_id":"4","Orgc":{"uuid":"OTHER"}}]""")]
    public void PushCluster_NamingAnotherCreator_CreatorLeftToMispAsTheWriter(string body)
    {
        var forwarded = Forwarded("/galaxies/pushCluster", body.Replace("OTHER", OtherOrg, StringComparison.Ordinal)).ToJsonString();

        Assert.DoesNotContain(OtherOrg, forwarded, StringComparison.Ordinal);
        Assert.DoesNotContain("orgc_id", forwarded, StringComparison.Ordinal);
        Assert.Contains("\"uuid\":\"c1\"", forwarded, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"uuid":"s1","attribute_uuid":"a1","event_uuid":"e1","type":"0","date_sighting":"1","source":"","org_id":"4","Organisation":{"uuid":"OTHER","name":"ORG_D"}}]""")]
    [InlineData("""{"Sighting":[{"uuid":"s1","attribute_uuid":"a1","event_uuid":"e1","type":"0","date_sighting":"1","source":"","org_id":"4","Organisation":{"uuid":"OTHER","name":"ORG_D"}}]}""")]
    public void BulkSaveSightings_InAnotherOrganisationsName_SavedInTheWritersName(string body)
    {
        var forwarded = Forwarded("/sightings/bulkSaveSightings/e1", body.Replace("OTHER", OtherOrg, StringComparison.Ordinal)).ToJsonString();

        Assert.DoesNotContain(OtherOrg, forwarded, StringComparison.Ordinal);
        Assert.DoesNotContain("org_id", forwarded, StringComparison.Ordinal);
        Assert.Contains("\"uuid\":\"s1\"", forwarded, StringComparison.Ordinal);
    }

    [Fact]
    public void BulkSaveSightings_Anonymous_StaysAnonymous()
    {
        // org_id 0: MISP saves it in no organisation's name, which names none to rewrite.
        var forwarded = Forwarded("/sightings/bulkSaveSightings/e1", """[{"uuid":"s1","attribute_uuid":"a1","type":"0","date_sighting":"1","source":"","org_id":"0","Organisation":{"uuid":"OTHER"}}]""");

        Assert.Equal("0", (string?)forwarded[0]!["org_id"]);
    }

    [Fact]
    public void PushProposals_NamingAnotherProposer_RequesterIsTheProposer()
    {
        var body = """[{"uuid":"p1","event_uuid":"e1","type":"ip-dst","category":"Network activity","value":"198.51.100.1","org_id":"4","Org":{"uuid":"OTHER","name":"ORG_D"}}]""".Replace("OTHER", OtherOrg, StringComparison.Ordinal);

        var forwarded = Forwarded("/events/pushProposals/e1", body);

        Assert.Equal(RequestTestData.OwnOrg, (string?)forwarded[0]!["Org"]!["uuid"]);
        Assert.Null(forwarded[0]!["org_id"]);
        Assert.DoesNotContain(OtherOrg, forwarded.ToJsonString(), StringComparison.Ordinal);
    }
}
