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
