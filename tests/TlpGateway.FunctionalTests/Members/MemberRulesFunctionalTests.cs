using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Members;

/// <summary>Per-member rules on top of TLP, through the real gateway, edited in the members file while it runs.</summary>
public sealed class MemberRulesFunctionalTests : IAsyncLifetime
{
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task BlockedTagAddedToFile_TakesEffectWithoutRestart()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/events/view/5")).StatusCode);

        // E2 carries malware_classification:malware-category="Ransomware".
        await EditMemberAsync("org-c", member => member["blockedTags"] = new JsonArray("malware_classification:malware-category=\"Ransomware\""));

        var status = HttpStatusCode.OK;
        for (var i = 0; i < 60 && status == HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            using var response = await client.GetAsync("/events/view/5");
            status = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Push_BreakingMemberRule_Refused403NamingRuleNothingForwarded()
    {
        await EditMemberAsync("org-b", member => member["blockedAttributeTypes"] = new JsonArray("email-src"));
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        HttpResponseMessage? response = null;
        for (var i = 0; i < 60; i++)
        {
            response?.Dispose();
            await Task.Delay(100);
            response = await server.PostAsync("/events/add/metadata:1", new StringContent("""{"Event":{"info":"push","Tag":[{"name":"tlp:green"}],"Attribute":[{"type":"email-src","value":"a@b.example"}]}}""", Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                break;
            }
        }

        Assert.Equal(HttpStatusCode.Forbidden, response!.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False((bool)body["saved"]!);
        Assert.Contains("blockedAttributeTypes", body["message"]!.ToString(), StringComparison.Ordinal);
        response.Dispose();
    }

    [Theory]
    [InlineData("/users/index")]
    [InlineData("/admin/users/index")]
    [InlineData("/events/checkuuid/x")]
    [InlineData("/tags/index")]
    public async Task SyncIdentity_OutsideSyncEndpoints_Refused403(string path)
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.StartsWith(path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MinimalClusterSearch_ClusterBlockedByDistributionRule_UuidNotListed()
    {
        // A MISP server's cluster pull asks for uuid and version only, which say nothing of the distribution the rule judges.
        await EditMemberAsync("org-b", member => member["blockedDistributionLevels"] = new JsonArray(3));
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");
        using var full = new StringContent("""{"published":1,"custom":1}""", Encoding.UTF8, "application/json");
        for (var i = 0; i < 60 && (await (await server.PostAsync("/galaxy_clusters/restSearch", full)).Content.ReadAsStringAsync()).Contains(SimulatorViews.CustomClusterUuid, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        using var response = await server.PostAsync("/galaxy_clusters/restSearch", new StringContent("""{"published":1,"minimal":1,"custom":1}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(SimulatorViews.CustomClusterUuid, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MinimalClusterSearch_ReleasedCluster_AnsweredAsUuidAndVersionOnly()
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.PostAsync("/galaxy_clusters/restSearch", new StringContent("""{"published":1,"minimal":1,"custom":1}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cluster = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!.AsArray().Single()!.AsObject();
        Assert.Equal("""{"GalaxyCluster":{"uuid":"UUID","version":"1"}}""".Replace("UUID", SimulatorViews.CustomClusterUuid, StringComparison.Ordinal), cluster.ToJsonString());
    }

    private async Task EditMemberAsync(string id, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(await File.ReadAllTextAsync(_servers.MembersFile))!.AsObject();
        edit(root["members"]!.AsArray().OfType<JsonObject>().Single(m => (string?)m["id"] == id));
        var temporary = _servers.MembersFile + ".tmp";
        await File.WriteAllTextAsync(temporary, root.ToJsonString());
        File.Move(temporary, _servers.MembersFile, overwrite: true);
    }
}
