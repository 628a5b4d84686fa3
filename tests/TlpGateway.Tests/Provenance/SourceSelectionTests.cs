using TlpGateway.Provenance;
using TlpGateway.Tests.Requests;

namespace TlpGateway.Tests.Provenance;

/// <summary>Which requests ask MISP to choose or order its answer by source: every spelling MISP reads.</summary>
public sealed class SourceSelectionTests
{
    [Theory]
    [InlineData("POST", "/events/restSearch", """{"org":"ORG_D"}""")]
    [InlineData("POST", "/events/restSearch", """{"request":{"org":["!ORG_C"]}}""")]
    [InlineData("POST", "/events/restSearch", """{"ORG":"4"}""")]
    [InlineData("POST", "/events/restSearch", """{"org.sector":"Telecoms"}""")]
    [InlineData("POST", "/events/restSearch", """{"org.nationality":"Luxembourg"}""")]
    [InlineData("GET", "/events/restSearch/org:d03551b8-8496-4bd2-b178-72fb134e2520", null)]
    [InlineData("GET", "/events/restSearch/json/null/null/null/ORG_D", null)]
    [InlineData("POST", "/attributes/restSearch", """{"org":"ORG_D","value":"198.51.100.7"}""")]
    [InlineData("POST", "/attributes/restSearch", """{"sharinggroup":"541946d3-ccce-4277-b174-71503609447e"}""")]
    [InlineData("POST", "/events/restSearch", """{"sharing_group_id":"1"}""")]
    [InlineData("POST", "/events/restSearch", """{"eventsExtendingUuid":"1bfc1897-b375-497c-9f02-b164e32bc94a"}""")]
    [InlineData("POST", "/events/index", """{"searchsharinggroup":"1"}""")]
    [InlineData("POST", "/events/index", """{"searchorg":"4"}""")]
    [InlineData("POST", "/events/index", """{"SearchOrg":"ORG_D"}""")]
    [InlineData("POST", "/events/index", """{"org":"ORG_D"}""")]
    [InlineData("POST", "/events/index", """{"searchemail":"analyst@org-d.test"}""")]
    [InlineData("GET", "/events/index/searchorg:4", null)]
    [InlineData("POST", "/events/index", """{"sort":"orgc_id","direction":"asc"}""")]
    [InlineData("GET", "/events/index/sort:user_id", null)]
    [InlineData("POST", "/events/index", """{"sort":"extends_uuid","direction":"desc"}""")]
    [InlineData("GET", "/events/index/sort:extends_uuid", null)]
    [InlineData("POST", "/events/index", """{"request":{"sort":"extends_uuid"}}""")]
    [InlineData("GET", "/events/index/sort:sharing_group_id", null)]
    [InlineData("POST", "/events/index", """{"sort":"locked"}""")]
    [InlineData("POST", "/sightings/restSearch", """{"org_id":"4"}""")]
    [InlineData("POST", "/sightings/restSearch/event", """{"id":"4","source":"passive-dns"}""")]
    [InlineData("POST", "/sightings/listSightings", """{"id":"5","context":"attribute","org_id":"4"}""")]
    [InlineData("GET", "/sightings/listSightings/5/attribute/4", null)]
    [InlineData("POST", "/galaxy_clusters/restSearch", """{"orgc_id":"4"}""")]
    [InlineData("POST", "/analyst_data/indexMinimal", """{"orgc_name":["ORG_D"]}""")]
    [InlineData("POST", "/analyst_data/indexMinimal", """{"orgc_name":"!ORG_C"}""")]
    public void SelectsBySource_AnOrganisationFilterOrOrder_True(string method, string path, string? body)
    {
        Assert.True(SourceSelection.SelectsBySource(RequestTestData.Model(method, path, body)!));
    }

    [Theory]
    [InlineData("POST", "/events/restSearch", """{"value":"198.51.100.7"}""")]
    [InlineData("POST", "/events/restSearch", """{"org":""}""")]
    [InlineData("POST", "/events/restSearch", """{"org":"0","eventinfo":"ORG_D"}""")]
    [InlineData("POST", "/events/restSearch", """{"order":"timestamp desc"}""")]
    [InlineData("GET", "/events/restSearch/json/ORG_D", null)]
    [InlineData("POST", "/events/index", """{"sort":"timestamp","direction":"desc"}""")]
    [InlineData("POST", "/events/index", """{"minimal":1,"published":1}""")]
    [InlineData("GET", "/sightings/listSightings/5/attribute", null)]
    [InlineData("POST", "/galaxy_clusters/restSearch", """{"tag_name":"misp-galaxy:threat-actor=\"X\""}""")]
    [InlineData("GET", "/events/view/4", null)]
    [InlineData("POST", "/analyst_data/indexMinimal", """{"orgc_name":[]}""")]
    public void SelectsBySource_NoOrganisationFilterOrOrder_False(string method, string path, string? body)
    {
        Assert.False(SourceSelection.SelectsBySource(RequestTestData.Model(method, path, body)!));
    }
}
