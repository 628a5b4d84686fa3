using System.Net;
using System.Text;
using System.Text.Json;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Filtering;

/// <summary>A cold answer's correlations are confirmed with one MISP search per event that needs look-ups, never event by event.</summary>
public sealed class CorrelationLookupTests : IAsyncLifetime
{
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task RestSearch_ColdCorrelationsOfSeveralEvents_OneSearchPerRoundAndTheSameCorrelationsKept()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        var related = await RelatedEventsAsync(client);

        // What the gateway kept when it looked each related event up through its own view.
        Assert.Equal(
            "2:;3:;4:5,6,9,13;5:4,6,13;6:4,5,11,13;8:;9:4;10:;11:6;12:;13:4,5,6;14:4,5,6,13",
            related);

        // ORG_C's own restSearch, then one search for each event whose related events were not known
        // yet: 4, 6 and 11 (each asked along with its related events, so 5, which lists 4, 6 and 13,
        // needs none); no view of any event.
        Assert.Equal(0, _servers.Simulator.CountRequests("/events/view"));
        Assert.Equal(4, _servers.Simulator.CountRequests("/events/restSearch"));
    }

    [Fact]
    public async Task RestSearch_CorrelationsOfAMemberWithRemovals_TheSameCorrelationsKept()
    {
        // ORG_D (max green) loses parts of ORG_C's events: only related events it receives whole stay.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        var related = await RelatedEventsAsync(client);

        Assert.Equal("3:;4:;5:;6:11,13;7:11;9:;11:6,7;13:6;14:", related);
        Assert.Equal(0, _servers.Simulator.CountRequests("/events/view"));
    }

    [Fact]
    public async Task RestSearch_CorrelationsAgain_AnsweredFromTheCache()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        var cold = await RelatedEventsAsync(client);
        _servers.Simulator.ClearRequests();

        var warm = await RelatedEventsAsync(client);

        Assert.Equal(cold, warm);
        Assert.Equal(1, _servers.Simulator.CountRequests("/events/restSearch"));
    }

    [Fact]
    public async Task RestSearch_LookupSearchFailsOnce_RetriedAndTheSameCorrelationsKept()
    {
        var failed = 0;
        _servers.Simulator.Faults.Override = r => IsLookupSearch(r) && Interlocked.Increment(ref failed) == 1 ? new RawResponse(503, "text/html", "busy"u8.ToArray()) : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        var related = await RelatedEventsAsync(client);

        Assert.Equal("2:;3:;4:5,6,9,13;5:4,6,13;6:4,5,11,13;8:;9:4;10:;11:6;12:;13:4,5,6;14:4,5,6,13", related);
        Assert.True(failed > 1);
    }

    [Fact]
    public async Task RestSearch_LookupSearchesFail_CorrelationsRemovedAndNothingCached()
    {
        _servers.Simulator.Faults.Override = r => IsLookupSearch(r) ? new RawResponse(403, "application/json", "{\"name\":\"Forbidden\",\"message\":\"Forbidden\"}"u8.ToArray()) : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        var failed = await RelatedEventsAsync(client);
        _servers.Simulator.Faults.Override = null;
        var later = await RelatedEventsAsync(client);

        Assert.Equal("2:;3:;4:;5:;6:;8:;9:;10:;11:;12:;13:;14:", failed);
        Assert.Equal("2:;3:;4:5,6,9,13;5:4,6,13;6:4,5,11,13;8:;9:4;10:;11:6;12:;13:4,5,6;14:4,5,6,13", later);
    }

    /// <summary>A search the gateway makes of its own (its look-ups name themselves in the User-Agent), not the client's.</summary>
    private static bool IsLookupSearch(RecordedRequest request) =>
        request.PathAndQuery == "/events/restSearch" && request.Header("User-Agent")?.StartsWith("TlpGateway/", StringComparison.Ordinal) == true;

    /// <summary>Each event of a restSearch with the ids of the related events kept: <c>id:related,...;...</c>.</summary>
    private static async Task<string> RelatedEventsAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/events/restSearch", new StringContent("{\"returnFormat\":\"json\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return string.Join(';', json.RootElement.GetProperty("response").EnumerateArray().Select(e => e.GetProperty("Event")).Select(e =>
            e.GetProperty("id").GetString() + ":" + string.Join(',', e.TryGetProperty("RelatedEvent", out var list) ? list.EnumerateArray().Select(r => r.GetProperty("Event").GetProperty("id").GetString()) : [])));
    }
}
