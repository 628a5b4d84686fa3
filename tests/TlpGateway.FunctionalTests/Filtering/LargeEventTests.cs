using System.Net;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Filtering;

/// <summary>A held event of megabytes, end to end: released in slices, judged item by item as a small one is.</summary>
public sealed class LargeEventTests : IAsyncLifetime
{
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task EventView_LargeGreenEventForAGreenMember_EveryAttributeJudgedAndTheAnswerWhole()
    {
        // About 2.3 MB: many times the slice a released event leaves in, with removals all through it.
        var upstream = EventGenerator.View(seed: 11, attributes: 5_000, index: 1);
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/view/900", StringComparison.Ordinal)
            ? new RawResponse(200, "application/json", upstream)
            : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.GetAsync("/events/view/900");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var released = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Event"]!;
        Assert.Equal("tlp:green", (string?)released["Tag"]![0]!["name"]);
        Assert.Equal(ReceivableUuids(JsonNode.Parse(upstream)!["Event"]!), Uuids(released));
    }

    [Fact]
    public async Task EventView_LargeEventForItsSource_ByteIdenticalToMisp()
    {
        var upstream = EventGenerator.View(seed: 12, attributes: 5_000, index: 2);
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/view/901", StringComparison.Ordinal)
            ? new RawResponse(200, "application/json", upstream)
            : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/events/view/901");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(upstream, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>What a member allowed green receives of a green event: untagged attributes (they inherit green), clear and green ones.</summary>
    private static HashSet<string> ReceivableUuids(JsonNode evt) =>
        Attributes(evt).Where(a => a["Tag"] is not JsonArray tags || tags.All(t => (string?)t!["name"] is "tlp:clear" or "tlp:green"))
            .Select(a => (string)a["uuid"]!).ToHashSet();

    private static HashSet<string> Uuids(JsonNode evt) => Attributes(evt).Select(a => (string)a["uuid"]!).ToHashSet();

    private static IEnumerable<JsonNode> Attributes(JsonNode evt) =>
        evt["Attribute"]!.AsArray().Concat(evt["Object"]!.AsArray().SelectMany(o => o!["Attribute"]!.AsArray()))!;
}
