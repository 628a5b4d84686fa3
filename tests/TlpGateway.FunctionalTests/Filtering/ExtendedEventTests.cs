using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Filtering;

/// <summary>An event's <c>extends_uuid</c> names the extended event only to those the gateway confirmed may receive it, end to end.</summary>
public sealed class ExtendedEventTests : IAsyncLifetime
{
    // ORG_C's TLP:RED event 8, and its TLP:CLEAR event 4.
    private const string RedEventUuid = "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2";
    private const string ClearEventUuid = "1bfc1897-b375-497c-9f02-b164e32bc94a";
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private async Task<string> AddExtensionAsync(string extended)
    {
        var uuid = Guid.NewGuid().ToString();
        var body = new JsonObject
        {
            ["Event"] = new JsonObject
            {
                ["uuid"] = uuid,
                ["info"] = "ORG_C extends one of its events",
                ["distribution"] = "1",
                ["extends_uuid"] = extended.ToUpperInvariant(),
                ["Tag"] = new JsonArray(new JsonObject { ["name"] = "tlp:clear" }),
            },
        };
        using var owner = _servers.CreateClient(SimulatorKeys.OrgC);
        using var response = await owner.PostAsync("/events/add", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return uuid;
    }

    private async Task<string?> ExtendsUuidAsync(string key, string address, string uuid)
    {
        using var client = _servers.CreateClient(key, address);
        using var response = await client.GetAsync("/events/view/" + uuid);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        return (string?)JsonNode.Parse(text)!["Event"]!["extends_uuid"];
    }

    [Fact]
    public async Task View_ExtensionOfAnEventTheRequesterMayNotReceive_ExtendsNothing()
    {
        var uuid = await AddExtensionAsync(RedEventUuid);

        Assert.Equal(string.Empty, await ExtendsUuidAsync(SimulatorKeys.OrgD, "127.0.0.2", uuid));
        Assert.Equal(RedEventUuid, await ExtendsUuidAsync(SimulatorKeys.OrgC, "127.0.0.1", uuid));
    }

    [Fact]
    public async Task View_ExtensionOfAnEventTheRequesterReceives_NamesIt()
    {
        var uuid = await AddExtensionAsync(ClearEventUuid);

        Assert.Equal(ClearEventUuid, await ExtendsUuidAsync(SimulatorKeys.OrgD, "127.0.0.2", uuid));
    }
}
