using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Requests;

/// <summary>
/// The sighting reads that are no search (<c>/sightings/index</c>, <c>listSightings</c>, <c>view</c>) through the real
/// gateway, the simulator answering in MISP 2.5.1's shapes: what MISP receives of their bodies, and what leaves.
/// </summary>
public sealed class SightingReadTests : IAsyncLifetime
{
    // Event 4 is ORG_C's; its attribute 6 (login-portal.example) is TLP:RED, sighted by ORG_D as sighting 5.
    private const string RedAttributeId = "6";

    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private RecordedRequest? Received(string pathPrefix) =>
        _servers.Simulator.Requests.FirstOrDefault(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>ORG_D's GET of a list: the rows that left, once the answer is <c>200</c> with at least one.</summary>
    private async Task<JsonArray> ReleasedRowsAsync(string path)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = JsonNode.Parse(body)!.AsArray();
        Assert.NotEmpty(rows);
        return rows;
    }

    [Fact]
    public async Task ListSightings_BodyKeysMispDoesNotRead_NotForwardedAndTheRedAttributesSightingsWithheld()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        // Attribute 5 ORG_D may receive, so the list is asked of MISP, which answers the red attribute's sightings too.
        using var response = await client.PostAsync("/sightings/listSightings", new StringContent(
            $$"""{"id":"5|{{RedAttributeId}}","context":"attribute","includeEvent":1,"request":{"id":"7"},"Id":"19"}""", Encoding.UTF8, "application/json"));
        var rows = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(rows, row => (string?)row!["Sighting"]!["attribute_id"] == "5");
        Assert.DoesNotContain(rows, row => (string?)row!["Sighting"]!["attribute_id"] == RedAttributeId);
        Assert.Equal($$"""{"id":"5|{{RedAttributeId}}","context":"attribute"}""", Encoding.UTF8.GetString(Received("/sightings/listSightings")!.Body));
    }

    [Theory]
    [InlineData("/sightings/listSightings/" + RedAttributeId)]
    [InlineData("/sightings/listSightings/" + RedAttributeId + "/attribute")]
    [InlineData("/sightings/listSightings/0" + RedAttributeId + "/attribute")]
    [InlineData("/sightings/listSightings/8/event")]
    public async Task ListSightings_OfWithheldTargetsOnly_AnsweredAsMissingOnesWithoutAskingMisp(string path)
    {
        // ORG_D may not receive attribute 6 (TLP:RED) nor event 8 (TLP:RED); 999999 exists nowhere.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var withheld = await client.GetAsync(path);
        using var missing = await client.GetAsync("/sightings/listSightings/999999/attribute");

        var answer = JsonNode.Parse(await withheld.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.MethodNotAllowed, withheld.StatusCode);
        Assert.Equal(missing.StatusCode, withheld.StatusCode);
        Assert.Equal("Invalid object.", (string?)answer["message"]);
        Assert.Equal((string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["message"], (string?)answer["message"]);
        Assert.Null(Received(path));
    }

    [Theory]
    [InlineData("/sightings/listSightings/6abc/attribute")]
    [InlineData("/sightings/listSightings/%206/attribute")]
    [InlineData("/sightings/listSightings/5|6e0/attribute")]
    [InlineData("/sightings/listSightings/6/Attribute")]
    public async Task ListSightings_IdOrContextMispReadsOtherwise_RefusedWithoutAskingMisp(string path)
    {
        // MySQL reads '6abc' and ' 6' as 6, PHP's is_numeric keeps '6e0' in a list; MISP compares the context exactly.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, _servers.Simulator.CountRequests("/sightings/"));
    }

    [Fact]
    public async Task ListSightings_MispCannotTellWhatTheTargetIs_503WithoutAskingForTheList()
    {
        // The look-up of the attribute's event breaks off: the gateway cannot tell a withheld target from a released one.
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/attributes/view", StringComparison.OrdinalIgnoreCase) ? new RawResponse(200, null, []) { AbortConnection = true } : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.GetAsync("/sightings/listSightings/5/attribute");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(Received("/sightings/listSightings"));
    }

    [Fact]
    public async Task ListSightings_OfAReleasedAttribute_ReleasedWithTheOrganisationBesideEachSighting()
    {
        // Event 4's attribute 5 (198.51.100.23) is sighted by ORG_C and ORG_D; listSightings writes each
        // sighting's organisation beside it, which the filter judges as the sighting's own.
        var rows = await ReleasedRowsAsync("/sightings/listSightings/5/attribute");

        Assert.All(rows, row => Assert.Equal("5", (string?)row!["Sighting"]!["attribute_id"]));
        Assert.Contains(rows, row => row!["Organisation"] is not null);
    }

    [Fact]
    public async Task SightingsIndex_PyMispsOrgFilter_NoBodyKeyForwarded()
    {
        // PyMISP's sightings(org=...) POSTs org_id to the index, which reads none of its body.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/sightings/index/4", new StringContent("""{"org_id":"4"}""", Encoding.UTF8, "application/json"));

        Assert.Equal("{}", Encoding.UTF8.GetString(Received("/sightings/index/4")!.Body));
        Assert.DoesNotContain("login-portal.example", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SightingsIndex_OfAnEvent_ReleasesItsFlatRowsButTheRedAttributes()
    {
        // Sighting::attachToEvent writes the index's sightings flat; ORG_D may not receive attribute 6 (TLP:RED).
        var rows = await ReleasedRowsAsync("/sightings/index/4");

        Assert.All(rows, row => Assert.NotEqual(RedAttributeId, (string?)row!["attribute_id"]));
        Assert.Contains(rows, row => (string?)row!["attribute_id"] == "5");
    }

    [Fact]
    public async Task SightingView_OfTheRedAttribute_AnsweredAsAMissingSighting()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.GetAsync("/sightings/view/5");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Invalid sighting.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
