using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Filtering;

/// <summary>
/// A cold answer's correlations are confirmed with one MISP search, never event by event: the event
/// that pauses first asks along what the events after it in the answer need (read ahead).
/// </summary>
public sealed class CorrelationLookupTests : IAsyncLifetime
{
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task RestSearch_ColdCorrelationsOfSeveralEvents_OneLookupSearchAndTheSameCorrelationsKept()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        var related = await RelatedEventsAsync(client);

        // What the gateway kept when it looked each related event up through its own view.
        Assert.Equal(
            "2:;3:;4:5,6,9,13;5:4,6,13;6:4,5,11,13;8:;9:4;10:;11:6;12:;13:4,5,6;14:4,5,6,13",
            related);

        // ORG_C's own restSearch, then one search when event 4 pauses, asking along what 6 and 11
        // (which would pause after it) list; no view of any event.
        Assert.Equal(0, _servers.Simulator.CountRequests("/events/view"));
        Assert.Equal(2, _servers.Simulator.CountRequests("/events/restSearch"));
    }

    [Fact]
    public async Task RestSearch_ColdEventsListingEachOther_OneLookupSearch()
    {
        SeedData.AddCorrelatedEvents(_servers.Simulator, 20);
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        var related = await RelatedEventsAsync(client);

        Assert.Equal(1, LookupSearches());
        Assert.Equal(0, _servers.Simulator.CountRequests("/events/view"));
        foreach (var id in Enumerable.Range(1001, 20))
        {
            Assert.Contains($";{id}:{string.Join(',', Enumerable.Range(1001, 20).Where(other => other != id))}", ";" + related, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("MaxCorrelationLookAhead", "0")]
    [InlineData("CorrelationLookAheadBytes", "0")]
    [InlineData("CorrelationLookAheadBytes", "2048")]
    public async Task RestSearch_LookAheadOffOrBoundedTighter_MoreLookupSearchesAndByteIdenticalAnswers(string option, string value)
    {
        await using var other = await TestServers.StartAsync(settings => settings["Gateway:Filter:" + option] = value);
        SeedData.AddCorrelatedEvents(_servers.Simulator, 20);
        SeedData.AddCorrelatedEvents(other.Simulator, 20);

        foreach (var (key, source) in new[] { (SimulatorKeys.OrgC, "127.0.0.1"), (SimulatorKeys.OrgD, "127.0.0.2"), (SimulatorKeys.SyncB, "127.0.0.3"), (SimulatorKeys.ThirdParty, "127.0.0.4") })
        {
            using var client = _servers.CreateClient(key, source);
            using var otherClient = other.CreateClient(key, source);

            Assert.Equal(await RestSearchAsync(otherClient), await RestSearchAsync(client));
        }

        Assert.True(LookupSearches(other.Simulator) > LookupSearches(), $"{LookupSearches(other.Simulator)} look-up searches with {option} {value}, {LookupSearches()} without");
    }

    [Theory]
    [InlineData("MaxEventBytes")]
    [InlineData("LargeRecordBytes")]
    public async Task RestSearch_ReadingAheadWouldHoldMoreThanTheBound_LookedUpFirstAndTheSameAnswer(string bound)
    {
        // The 256 KB answer arrives in chunks: past 64 KB held, the paused event's look-ups go before the next one.
        await using var bounded = await TestServers.StartAsync(settings => settings["Gateway:Filter:" + bound] = "65536");
        SeedData.AddCorrelatedEvents(_servers.Simulator, 20);
        SeedData.AddCorrelatedEvents(bounded.Simulator, 20);
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using var boundedClient = bounded.CreateClient(SimulatorKeys.OrgC);

        Assert.Equal(await RestSearchAsync(client), await RestSearchAsync(boundedClient));
    }

    [Fact]
    public async Task RestSearch_RelatedEventTheRequesterMayNotReceive_NeverNamed()
    {
        // ORG_D's event 1003 becomes TLP:RED: the 19 events that list it are read ahead, and it is asked along.
        SeedData.AddCorrelatedEvents(_servers.Simulator, 20);
        var red = _servers.Simulator.FindEvent("1003")!;
        red["Tag"] = new JsonArray(new JsonObject { ["id"] = "99", ["name"] = "tlp:red", ["colour"] = "#FF2B2B", ["exportable"] = true, ["local"] = false });
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        var body = await RestSearchAsync(client);
        var related = await RelatedEventsAsync(client);

        Assert.Equal(1, LookupSearches());
        Assert.DoesNotContain((string)red["uuid"]!, Encoding.UTF8.GetString(body), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(";1003:", ";" + related, StringComparison.Ordinal);
        Assert.Contains(";1004:" + string.Join(',', Enumerable.Range(1001, 20).Where(id => id is not 1003 and not 1004)) + ";", ";" + related + ";", StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestSearch_RelatedEventRaisedToRedAfterItWasConfirmed_NoLongerNamedWhileTheConfirmationIsCached()
    {
        SeedData.AddCorrelatedEvents(_servers.Simulator, 20);
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        Assert.Contains(";1004:1001,1002,1003,", ";" + await RelatedEventsAsync(client), StringComparison.Ordinal);

        // ORG_D raises event 1003 to TLP:RED: MISP moves its timestamp, which the stubs naming it show.
        var red = _servers.Simulator.FindEvent("1003")!;
        red["Tag"] = new JsonArray(new JsonObject { ["id"] = "99", ["name"] = "tlp:red", ["colour"] = "#FF2B2B", ["exportable"] = true, ["local"] = false });
        red["timestamp"] = (long.Parse((string)red["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture) + 60).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _servers.Simulator.ClearRequests();

        var body = await RestSearchAsync(client);
        var related = await RelatedEventsAsync(client);

        Assert.DoesNotContain((string)red["uuid"]!, Encoding.UTF8.GetString(body), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(";1003:", ";" + related, StringComparison.Ordinal);
        Assert.Contains(";1004:1001,1002,1005,", ";" + related, StringComparison.Ordinal);

        // The other related events' confirmations are of their current versions and still serve: only 1003 is asked again, once.
        Assert.Equal(1, LookupSearches());
    }

    [Fact]
    public async Task RestSearch_LookAheadSearchRefused_EachEventAsksItsOwnAndTheSameCorrelationsKept()
    {
        // A search asking more than one paused event's related events and itself (at most five here) is refused.
        _servers.Simulator.Faults.Override = r => IsLookupSearch(r) && JsonNode.Parse(r.Body)!["uuid"]!.AsArray().Count > 5
            ? new RawResponse(403, "application/json", "{\"name\":\"Forbidden\",\"message\":\"Forbidden\"}"u8.ToArray())
            : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        var related = await RelatedEventsAsync(client);

        Assert.Equal("2:;3:;4:5,6,9,13;5:4,6,13;6:4,5,11,13;8:;9:4;10:;11:6;12:;13:4,5,6;14:4,5,6,13", related);

        // The refused one, event 4's own again, then 6 and 11 each their own.
        Assert.Equal(4, LookupSearches());
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

    private static async Task<byte[]> RestSearchAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/events/restSearch", new StringContent("{\"returnFormat\":\"json\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private int LookupSearches(SimulatorState? simulator = null) => (simulator ?? _servers.Simulator).Requests.Count(IsLookupSearch);

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
