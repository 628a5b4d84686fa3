using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Sync;

/// <summary>
/// A member's own TLP:RED event through its own MISP server (positive-model class 12, SPEC section 6):
/// TLP:RED never leaves for a MISP server, but the server's push succeeds and its existence check
/// gets MISP's own answer, so the hub's copy stays current and the spoke counts nothing failed.
/// </summary>
public sealed class OwnRedEventSyncTests : IAsyncLifetime
{
    private const string OrgB = "699a69b5-3603-4906-bb08-7be821f84189";
    private const string OwnRed = "b0b0b0b0-0000-4000-8000-0000000000b1";
    private TestServers _servers = null!;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync();
        _servers.Simulator.PutEvent(RedEvent(OwnRed, "30"));
    }

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private static JsonObject RedEvent(string uuid, string id) => new()
    {
        ["id"] = id,
        ["uuid"] = uuid,
        ["info"] = "ORG_B's own TLP:RED case",
        ["distribution"] = "1",
        ["orgc_id"] = "2",
        ["org_id"] = "2",
        ["published"] = true,
        ["timestamp"] = "1795342000",
        ["Orgc"] = new JsonObject { ["id"] = "2", ["name"] = "ORG_B", ["uuid"] = OrgB },
        ["Org"] = new JsonObject { ["id"] = "2", ["name"] = "ORG_B", ["uuid"] = OrgB },
        ["Attribute"] = new JsonArray(new JsonObject { ["id"] = "300", ["uuid"] = "b0b0b0b0-0000-4000-8000-0000000003a1", ["type"] = "ip-dst", ["category"] = "Network activity", ["value"] = "192.0.2.250", ["distribution"] = "5" }),
        ["Tag"] = new JsonArray(new JsonObject { ["name"] = "tlp:red", ["colour"] = "#CC0033", ["exportable"] = true, ["local"] = false }),
    };

    private HttpClient SpokeB() => _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

    [Fact]
    public async Task Head_OwnRedEvent_AnswersMispsOwnStatusToTheOwnersServer()
    {
        using var spoke = SpokeB();
        using var other = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var own = await spoke.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/events/view/" + OwnRed));
        using var get = await spoke.GetAsync("/events/view/" + OwnRed);
        using var foreign = await other.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/events/view/" + OwnRed));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.DoesNotContain("192.0.2.250", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task EditPush_OwnRedEvent_StaysASuccessKeepingIdAndUuidOnly()
    {
        using var spoke = SpokeB();
        var pushed = new JsonObject { ["Event"] = RedEvent(OwnRed, "9") };
        pushed["Event"]!["info"] = "ORG_B's own TLP:RED case, updated";

        using var response = await spoke.PostAsync($"/events/edit/{OwnRed}/metadata:1", new StringContent(pushed.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Event"]!;
        Assert.Equal("30", (string?)echo["id"]);
        Assert.Equal(OwnRed, (string?)echo["uuid"]);
        Assert.DoesNotContain("192.0.2.250", echo.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("ORG_B's own TLP:RED case, updated", (string?)_servers.Simulator.FindEvent(OwnRed)!["info"]);
    }

    [Fact]
    public async Task EditPush_OwnEventRedByHubLocalTag_EchoKeepsIdAndUuidOnly()
    {
        // The hub marked ORG_B's TLP:GREEN event TLP:RED with a local tag. MISP answers a sync user's
        // edit without local tags (Event::fetchEvent's default), so the echo alone looks TLP:GREEN.
        const string uuid = "b0b0b0b0-0000-4000-8000-0000000000b3";
        var stored = RedEvent(uuid, "31");
        stored["Tag"] = new JsonArray(
            new JsonObject { ["name"] = "tlp:green", ["colour"] = "#33FF00", ["exportable"] = true, ["local"] = false },
            new JsonObject { ["name"] = "tlp:red", ["colour"] = "#CC0033", ["exportable"] = true, ["local"] = true });
        _servers.Simulator.PutEvent(stored);
        using var spoke = SpokeB();
        var pushed = RedEvent(uuid, "12");
        pushed["Tag"] = new JsonArray(new JsonObject { ["name"] = "tlp:green", ["colour"] = "#33FF00", ["exportable"] = true, ["local"] = false });
        pushed["info"] = "ORG_B's case, updated";

        using var response = await spoke.PostAsync($"/events/edit/{uuid}", new StringContent(new JsonObject { ["Event"] = pushed }.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Event"]!;
        Assert.Equal("31", (string?)echo["id"]);
        Assert.Equal(uuid, (string?)echo["uuid"]);
        Assert.DoesNotContain("192.0.2.250", echo.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("updated", echo.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPush_UuidOfAnotherOrganisationsRedEvent_AnsweredAsAnEventThatDoesNotExist()
    {
        // ORG_C's TLP:RED event: MISP answers a push of its UUID with 404 and its local id in Location.
        const string uuid = "b0b0b0b0-0000-4000-8000-0000000000c1";
        var stored = RedEvent(uuid, "32");
        stored["Orgc"] = new JsonObject { ["id"] = "3", ["name"] = "ORG_C", ["uuid"] = SimulatorOrgs.OrgC };
        stored["orgc_id"] = "3";
        _servers.Simulator.PutEvent(stored);
        using var spoke = SpokeB();
        var pushed = RedEvent(uuid, "13");
        pushed["Tag"] = new JsonArray(new JsonObject { ["name"] = "tlp:green", ["colour"] = "#33FF00", ["exportable"] = true, ["local"] = false });

        using var response = await spoke.PostAsync("/events/add/metadata:1", new StringContent(new JsonObject { ["Event"] = pushed }.ToJsonString(), Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadAsStringAsync();

        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain("32", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("already exists", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task View_HubLocalGalaxyCluster_LeftOutWhereLocalTagsAre()
    {
        // The hub attributed ORG_C's event to an actor with a local galaxy tag: MISP, asked to leave
        // local tags out, leaves out the cluster the tag attaches too.
        const string uuid = "b0b0b0b0-0000-4000-8000-0000000000c2";
        const string clusterUuid = "b0b0b0b0-0000-4000-8000-00000000c1c1";
        const string tagName = "misp-galaxy:threat-actor=\"Hub's own attribution\"";
        var stored = RedEvent(uuid, "33");
        stored["Orgc"] = new JsonObject { ["id"] = "3", ["name"] = "ORG_C", ["uuid"] = SimulatorOrgs.OrgC };
        stored["orgc_id"] = "3";
        stored["Tag"] = new JsonArray(
            new JsonObject { ["name"] = "tlp:clear", ["colour"] = "#FFFFFF", ["exportable"] = true, ["local"] = false },
            new JsonObject { ["name"] = tagName, ["colour"] = "#0088cc", ["exportable"] = true, ["local"] = true, ["is_galaxy"] = true });
        stored["Galaxy"] = new JsonArray(new JsonObject
        {
            ["id"] = "1", ["uuid"] = "c0c0c0c0-0000-4000-8000-000000000001", ["name"] = "Threat Actor", ["type"] = "threat-actor",
            ["GalaxyCluster"] = new JsonArray(new JsonObject
            {
                ["id"] = "9", ["uuid"] = clusterUuid, ["type"] = "threat-actor", ["value"] = "Hub's own attribution", ["tag_name"] = tagName,
                ["default"] = true, ["distribution"] = "3", ["local"] = true, ["relationship_type"] = null,
            }),
        });
        _servers.Simulator.PutEvent(stored);
        using var spoke = SpokeB();

        using var response = await spoke.GetAsync($"/events/view/{uuid}/excludeLocalTags:1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Hub's own attribution", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(clusterUuid, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPush_NewOwnRedEvent_StaysASuccessKeepingIdAndUuidOnly()
    {
        using var spoke = SpokeB();
        const string uuid = "b0b0b0b0-0000-4000-8000-0000000000b2";

        using var response = await spoke.PostAsync("/events/add/metadata:1", new StringContent(new JsonObject { ["Event"] = RedEvent(uuid, "11") }.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Event"]!;
        Assert.Equal(uuid, (string?)echo["uuid"]);
        Assert.NotNull((string?)echo["id"]);
        Assert.DoesNotContain("192.0.2.250", echo.ToJsonString(), StringComparison.Ordinal);
    }
}
