using System.Net;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;
using TlpGateway.Requests;

namespace TlpGateway.FunctionalTests.Requests;

/// <summary>
/// The path MISP is asked for decodes, as MISP's PHP decodes it (<c>urldecode</c>: <c>+</c> is a space), to
/// exactly what the gateway read and judged. Asserted on the target the simulator received, as sent.
/// </summary>
public sealed class PathEncodingTests : IAsyncLifetime
{
    private const string OrgCGreenEventUuid = "4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa";
    private const string BlockedTag = "internal use";
    private TestServers _servers = null!;

    public async Task InitializeAsync()
    {
        var members = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json")))!;
        members["members"]!.AsArray().OfType<JsonObject>().Single(m => (string?)m["id"] == "org-c")["blockedTags"] = new JsonArray(BlockedTag);
        _servers = await TestServers.StartAsync(membersJson: members.ToJsonString());
    }

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private static string AsMispReadsIt(RecordedRequest request)
    {
        var path = request.RawTarget.Split('?')[0];
        Assert.True(MispRoute.TryUrlDecode(path, out var decoded));
        return decoded;
    }

    [Fact]
    public async Task AttachTag_PlusSignEncodedInTheName_MispReadsThePlusTheGatewayJudgedNotASpace()
    {
        // The client's %2B is a '+' to the gateway, which does not block "internal+use"; a '+' forwarded as it
        // stands would be a space to MISP, which would attach the blocked "internal use".
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync($"/tags/attachTagToObject/{OrgCGreenEventUuid}/internal%2Buse", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = _servers.Simulator.Requests.Last(r => r.PathAndQuery.StartsWith("/tags/attachTagToObject", StringComparison.Ordinal));
        Assert.Equal($"/tags/attachTagToObject/{OrgCGreenEventUuid}/internal+use", AsMispReadsIt(forwarded));
    }

    [Fact]
    public async Task AttachTag_SpaceWrittenAsPlus_ReadAsTheBlockedTagMispWouldAttach()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync($"/tags/attachTagToObject/{OrgCGreenEventUuid}/internal+use", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("blockedTags", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.StartsWith("/tags/attachTagToObject", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RestSearch_PlusSignEncodedInANamedValue_MispSearchesThePlus()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/attributes/restSearch/value:a%2Bb");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = _servers.Simulator.Requests.First(r => r.PathAndQuery.StartsWith("/attributes/restSearch", StringComparison.Ordinal));
        Assert.StartsWith("/attributes/restSearch/value:a+b/", AsMispReadsIt(forwarded), StringComparison.Ordinal);
    }
}
