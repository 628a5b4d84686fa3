using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Ingress;

/// <summary>SPEC sections 5 ("into MISP") and 6, asserting what MISP received (or that it received nothing).</summary>
public sealed class IngressTests : IAsyncLifetime
{
    // Writes whose body carries ids and flags alone: ORG_D's event 13; ORG_C's events 4 (TLP:CLEAR) and 5 (with object 1);
    // ORG_A's TLP:RED event 1 and its attribute 1.
    private const string OrgDEventUuid = "3697faaf-020a-43d5-b704-3d9d2872d4d0";
    private const string OrgARedAttributeUuid = "831cb749-579a-4681-87d5-641faddecde0";

    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private RecordedRequest? Forwarded(string pathPrefix) =>
        _servers.Simulator.Requests.LastOrDefault(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task AddEvent_WithoutTlp_ReachesMispWithAmberAndChathamHouse()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", Json("""{"Event":{"info":"untagged","Attribute":[{"type":"ip-dst","value":"203.0.113.9"}]}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonNode.Parse(Forwarded("/events/add")!.Body)!["Event"]!;
        Assert.Equal(["tlp:amber", "tlp:ex:chr"], sent["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }

    [Fact]
    public async Task AddEvent_Tagged_ForwardedWithoutAddedTags()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", Json("""{"Event":{"info":"green","Tag":[{"name":"tlp:green"}]}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["tlp:green"], JsonNode.Parse(Forwarded("/events/add")!.Body)!["Event"]!["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }

    [Fact]
    public async Task AddEvent_ClaimingAnotherSource_EntersWithRequesterAsSource()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", Json($$$"""{"Event":{"info":"relayed","Orgc":{"name":"ORG_D","uuid":"{{{SimulatorOrgs.OrgD}}}"},"orgc_id":"4","Tag":[{"name":"tlp:green"}]}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonNode.Parse(Forwarded("/events/add")!.Body)!["Event"]!;
        Assert.Equal(SimulatorOrgs.OrgC, (string?)sent["Orgc"]!["uuid"]);
        Assert.Null(sent["orgc_id"]);
    }

    [Fact]
    public async Task AddEvent_MispRefusesIt_ClientReceivesMispsValidationErrors()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", Json("""{"Event":{"info":"","Tag":[{"name":"tlp:green"}]}}"""));

        // MISP's own 403 and messages reach the client (and a pushing server's log), not the gateway's 502.
        Assert.NotNull(Forwarded("/events/add"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False((bool)answer["saved"]!);
        Assert.Equal("Info cannot be empty.", (string?)answer["errors"]!["Event"]!["info"]![0]);
    }

    [Fact]
    public async Task AddEvent_ProtectedWithoutTlp_Refused403SaveFailureNothingForwarded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", Json("""{"Event":{"info":"signed","protected":true}}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False((bool)answer["saved"]!);
        Assert.Null(Forwarded("/events/add"));
    }

    [Fact]
    public async Task AddEvent_TooManyLooseIocsOfOneType_Refused403AskingForObjects()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        var attributes = string.Join(",", Enumerable.Range(0, 51).Select(i => $$"""{"type":"ip-dst","value":"198.51.100.{{i}}"}"""));

        using var response = await client.PostAsync("/events/add", Json($$$"""{"Event":{"info":"dump","Tag":[{"name":"tlp:green"}],"Attribute":[{{{attributes}}}]}}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("group them into objects", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(Forwarded("/events/add"));
    }

    [Fact]
    public async Task AddAttributes_ValuesAsAJsonObject_CountedAsTheAttributesMispCreatesRefused403()
    {
        // PHP decodes the object to an array: AttributesController::add makes one attribute of each of its values.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        var values = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"k{i}\":\"198.51.100.{i}\""));

        using var response = await client.PostAsync("/attributes/add/4", Json("""{"Attribute":{"type":"ip-dst","value":{""" + values + "}}}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("group them into objects", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(Forwarded("/attributes/add"));
    }

    [Fact]
    public async Task AddAttribute_OwnEvent_MispsAnswerWithTheTagLinksBesideTheAttributeReleased()
    {
        // A real MISP 2.5.1 answers one added attribute as {"Attribute": {...}, "AttributeTag": [...]}: PyMISP's add_attribute.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/attributes/add/4", Json("""{"type":"ip-dst","value":"198.51.100.77","Tag":[{"name":"tlp:green"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("198.51.100.77", (string?)answer["Attribute"]!["value"]);
        Assert.Equal("tlp:green", (string?)answer["AttributeTag"]![0]!["Tag"]!["name"]);
    }

    [Fact]
    public async Task AddAttributes_SeveralAtOnce_MispsListOfTheAddedAttributesReleased()
    {
        // A real MISP 2.5.1 answers several added attributes as {"Attribute": [...]}, each with its tags in it: PyMISP's
        // add_attribute with a list. Each is judged as an attribute row of its event, looked up.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/attributes/add/4", Json("""[{"type":"ip-dst","value":"198.51.100.78","Tag":[{"name":"tlp:green"}]},{"type":"domain","value":"two.example"}]"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var added = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Attribute"]!.AsArray();
        Assert.Equal(["198.51.100.78", "two.example"], added.Select(a => (string?)a!["value"]));
        Assert.Equal("tlp:green", (string?)added[0]!["Tag"]![0]!["name"]);
    }

    [Fact]
    public async Task AddEvent_GzipBody_DecodedAndForwardedDecoded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        var content = new ByteArrayContent(Gzip("""{"Event":{"info":"compressed","Tag":[{"name":"tlp:clear"}]}}"""));
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await client.PostAsync("/events/add", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Forwarded("/events/add")!;
        Assert.Null(forwarded.Header("Content-Encoding"));
        Assert.Equal("compressed", (string?)JsonNode.Parse(forwarded.Body)!["Event"]!["info"]);
    }

    [Fact]
    public async Task AddEvent_GzipBombBeyondBound_Refused413NothingForwarded()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Ingress:MaxBodyBytes"] = "100000");
        using var client = servers.CreateClient(SimulatorKeys.OrgC);
        var content = new ByteArrayContent(Gzip("{\"Event\":{\"info\":\"" + new string('A', 5_000_000) + "\"}}"));
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await client.PostAsync("/events/add", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(servers.Simulator.Requests, r => r.PathAndQuery.StartsWith("/events/add", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EditEvent_OfAnotherOrganisationItMayReceive_Refused403NamingProposals()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/events/edit/4", Json("""{"Event":{"info":"hijacked"}}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var message = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"];
        Assert.Contains("/shadow_attributes/add/4", message, StringComparison.Ordinal);
        Assert.Null(Forwarded("/events/edit"));
    }

    [Fact]
    public async Task DeleteAttribute_OfEventItMayNotReceive_Answers404NothingForwarded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        // Attribute 17 belongs to ORG_C's TLP:RED event 8.
        using var response = await client.PostAsync("/attributes/delete/" + RedAttributeId(), Json("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(Forwarded("/attributes/delete"));
    }

    [Fact]
    public async Task EditEvent_Own_Forwarded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/edit/4", Json("""{"Event":{"info":"updated by its source","Tag":[{"name":"tlp:clear"}]}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(Forwarded("/events/edit/4"));
    }

    [Fact]
    public async Task Proposal_OnEventItMayReceive_Forwarded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/shadow_attributes/add/4", Json("""{"ShadowAttribute":{"type":"ip-dst","value":"192.0.2.1"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(Forwarded("/shadow_attributes/add/4"));
    }

    [Fact]
    public async Task Publish_ArgumentsAndBodyThePublishDoesNotRead_ForwardedWithoutThem()
    {
        // EventsController::publish($id) reads its one argument and none of its body: neither names event 8.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/publish/4/8", Json("""{"id":"8","Event":{"id":"8"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Forwarded("/events/publish")!;
        Assert.Equal("/events/publish/4", received.PathAndQuery);
        Assert.Equal("{}", Encoding.UTF8.GetString(received.Body));
    }

    [Fact]
    public async Task RemoveTag_TheUnwrappedEventsOwnEventIdOfAnotherOrganisation_Refused403NothingForwarded()
    {
        // With a passed id that is no number (a UUID), removeTag acts on Event.id of what RequestRearrangeTool left: ORG_C's event 4.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync($"/events/removeTag/{OrgDEventUuid}/1", Json("""{"Event":{"Event":{"id":"4"}}}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Forwarded("/events/removeTag"));
    }

    [Fact]
    public async Task RemoveTag_KeysTheActionDoesNotRead_ForwardedWithout()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/events/removeTag", Json("""{"request":{"Event":{"id":"13","tag":"tlp:green","local":1}},"id":"4"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"request":{"Event":{"id":"13","tag":"tlp:green"}}}""", Encoding.UTF8.GetString(Forwarded("/events/removeTag")!.Body));
    }

    [Theory]
    [InlineData(OrgARedAttributeUuid)] // ORG_A's TLP:RED event 1: withheld from ORG_C
    [InlineData("f061180e-4103-4406-bc20-db79e1ab1244")] // the TLP:RED attribute of ORG_A's untagged event 10, which ORG_C receives without it
    public async Task ObjectReferenceAdd_PointingAtAnAttributeItMayNotReceive_Answers404NothingForwarded(string referenced)
    {
        // ObjectReference::getReferencedInfo finds the attribute by referenced_uuid.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/object_references/add/1", Json($$"""{"referenced_uuid":"{{referenced}}","relationship_type":"related-to"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(Forwarded("/object_references/add"));
    }

    [Fact]
    public async Task GetVersion_AdvertisesOnlyInspectableRequestEncodings()
    {
        using var client = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await client.GetAsync("/servers/getVersion");

        var version = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.All(version["request_encoding"]!.AsArray(), e => Assert.Contains((string?)e, new[] { "gzip", "br" }));
        Assert.Equal("2.5.1", (string?)version["version"]);
    }

    private string RedAttributeId() =>
        (string)_servers.Simulator.FindEvent("8")!["Attribute"]![0]!["id"]!;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }
}
