using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Filtering;

/// <summary>
/// Items MISP answers on their own, end to end (positive-model classes 4, 8, 15, 16): judged by the
/// event they concern, answered as MISP answers a missing one when withheld, never relayed unjudged.
/// </summary>
public sealed class ItemViewTests : IAsyncLifetime
{
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private HttpClient OrgD() => _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task AttributeView_RedAttributeOfAClearEvent_AnsweredAsMissing(string method)
    {
        using var client = OrgD();

        using var red = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/attributes/view/6"));
        using var clear = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/attributes/view/7"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, red.StatusCode);
        Assert.DoesNotContain("login-portal.example", await red.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        if (method == "GET")
        {
            Assert.Contains("\"Invalid attribute\"", await red.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains("owa/auth.php", await clear.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ObjectView_AttributesJudgedEachByTheirOwnMarking()
    {
        using var client = OrgD();

        using var response = await client.GetAsync("/objects/view/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var obj = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Object"]!;
        var kept = obj["Attribute"]!.AsArray().Select(a => (string?)a!["id"]).ToList();
        Assert.Equal(["13", "14", "16"], kept);
    }

    [Fact]
    public async Task ReportView_QuotingWhatTheRequesterMayNotReceive_AnsweredAsMissing()
    {
        using var orgD = OrgD();
        using var orgC = _servers.CreateClient(SimulatorKeys.OrgC);

        using var withheld = await orgD.GetAsync("/event_reports/view/1");
        using var owner = await orgC.GetAsync("/event_reports/view/1");

        Assert.Equal(HttpStatusCode.NotFound, withheld.StatusCode);
        Assert.Contains("Invalid report", await withheld.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Contains("update-check.example", await owner.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportView_RelationshipInboundBesideTheReport_ReleasedWithoutTheRelationshipOfAnotherEvent()
    {
        using var orgC = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await orgC.GetAsync("/event_reports/view/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var record = JsonNode.Parse(body)!;
        Assert.Equal("1", (string?)record["EventReport"]!["id"]);
        Assert.Empty(record["RelationshipInbound"]!.AsArray());
        Assert.DoesNotContain(SimulatorViews.RelationshipFromRedEvent, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GalaxyClusterView_CustomClusterJudgedAsAmber_DefaultClusterPublic()
    {
        using var orgD = OrgD();
        using var orgC = _servers.CreateClient(SimulatorKeys.OrgC);

        using var custom = await orgD.GetAsync("/galaxy_clusters/view/" + SimulatorViews.CustomClusterUuid);
        using var standard = await orgD.GetAsync("/galaxy_clusters/view/" + SimulatorViews.DefaultClusterUuid);
        using var own = await orgC.GetAsync("/galaxy_clusters/view/" + SimulatorViews.CustomClusterUuid);

        Assert.Equal(HttpStatusCode.NotFound, custom.StatusCode);
        Assert.Equal(HttpStatusCode.OK, standard.StatusCode);
        var released = await standard.Content.ReadAsStringAsync();
        Assert.Contains("APT-Example", released, StringComparison.Ordinal);

        // MISP's count of the events tagged with it counts the TLP:RED ones too.
        Assert.DoesNotContain("tag_count", released, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("ORG_C's actor", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalystDataIndex_OnlyNotesOnWhatTheRequesterReceives()
    {
        using var client = OrgD();

        using var response = await client.GetAsync("/analyst_data/index/Note");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notes = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(n => (string?)n!["Note"]!["uuid"]).ToList();
        Assert.Equal([SimulatorViews.NoteOnClearEvent], notes);
    }

    [Fact]
    public async Task AnalystDataMinimalIndex_SyncServerLearnsOnlyUuidsItMayReceive()
    {
        using var client = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await client.PostAsync("/analyst_data/indexMinimal", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(SimulatorViews.NoteOnClearEvent, text, StringComparison.Ordinal);
        Assert.DoesNotContain(SimulatorViews.NoteOnRedEvent, text, StringComparison.Ordinal);
        Assert.DoesNotContain(SimulatorViews.NoteOnRedAttribute, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithheldEvent_SameAnswerAsAMissingOne_HeadersIncluded()
    {
        using var client = OrgD();

        using var withheld = await client.GetAsync("/events/view/8");
        using var missing = await client.GetAsync("/events/view/999999");

        Assert.Equal(missing.StatusCode, withheld.StatusCode);
        Assert.Equal(
            (await missing.Content.ReadAsStringAsync()).Replace("999999", "8", StringComparison.Ordinal),
            await withheld.Content.ReadAsStringAsync());
        Assert.Equal(HeaderSet(missing), HeaderSet(withheld));
    }

    [Theory]
    [InlineData("/analyst_data/view/Note/", "NoteOnRedEvent", "")]
    [InlineData("/analyst_data/view/all/", "NoteOnRedEvent", "")]
    [InlineData("/event_reports/view/", "1", "")]
    [InlineData("/galaxy_clusters/view/", "CustomCluster", "")]
    [InlineData("/events/view/", "8", "/999/1")]
    [InlineData("/event_reports/view/", "1", "/1")]
    [InlineData("/analyst_data/view/Note/", "NoteOnRedEvent", "/extra")]
    [InlineData("/galaxy_clusters/view/", "CustomCluster", "/1/2")]
    public async Task ItemViewWithheld_SameAnswerAsAMissingOne(string view, string item, string extra)
    {
        // AnalystDataController::view: a missing note is "Invalid Note." (the type asked), or by UUID across all types "Invalid UUID".
        // Passed arguments beyond the action's reach no one: MISP reads /events/view/8/999 as /events/view/8, and is asked for that.
        const string Unknown = "a0a0a0a0-0000-4000-8000-00000000ffff";
        var id = item switch { "NoteOnRedEvent" => SimulatorViews.NoteOnRedEvent, "CustomCluster" => SimulatorViews.CustomClusterUuid, _ => item };
        var unknown = Guid.TryParse(id, out _) ? Unknown : "999999";
        using var client = OrgD();

        using var withheld = await client.GetAsync(view + id + extra);
        using var missing = await client.GetAsync(view + unknown);

        Assert.Equal(HttpStatusCode.NotFound, withheld.StatusCode);
        Assert.Equal(missing.StatusCode, withheld.StatusCode);
        Assert.Equal(
            (await missing.Content.ReadAsStringAsync()).Replace(unknown, id, StringComparison.Ordinal),
            await withheld.Content.ReadAsStringAsync());
        Assert.Equal(HeaderSet(missing), HeaderSet(withheld));
    }

    [Fact]
    public async Task EventView_PassedArgumentsBeyondTheAction_MispAskedWithoutThem()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/events/view/4/999/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var asked = _servers.Simulator.Requests.First(r => r.PathAndQuery.StartsWith("/events/view/", StringComparison.Ordinal)).PathAndQuery;
        Assert.Equal("/events/view/4", asked.Split("/excludeLocalTags:", 2)[0]);
    }

    [Theory]
    [InlineData("/events/view/", "8")]
    [InlineData("/event_reports/view/", "1")]
    [InlineData("/analyst_data/view/Note/", "NoteOnRedEvent")]
    [InlineData("/events/view/", "8/deleted[]:0/deleted[]:1/excludeGalaxy:1")]
    [InlineData("/events/view/", "8/info:caf%C3%A9%20%22x%22")]
    [InlineData("/events/view/", "8/x:a&b'c")]
    public async Task ViewWithheld_AskedWithAQuery_SameAnswerAsAMissingOne(string view, string item)
    {
        // CakeRequest::here(), the url of MISP's error bodies, carries the query MISP received: the gateway's answer for a withheld one must too.
        const string Query = "?probe=1&other=x";
        var id = item == "NoteOnRedEvent" ? SimulatorViews.NoteOnRedEvent : item.Split('/')[0];
        var rest = item.StartsWith(id, StringComparison.Ordinal) ? item[id.Length..] : string.Empty;
        var unknown = Guid.TryParse(id, out _) ? "a0a0a0a0-0000-4000-8000-00000000ffff" : "999999";
        using var client = OrgD();

        using var withheld = await client.GetAsync(view + id + rest + Query);
        using var missing = await client.GetAsync(view + unknown + rest + Query);

        Assert.Equal(HttpStatusCode.NotFound, withheld.StatusCode);
        Assert.Equal(
            (await missing.Content.ReadAsStringAsync()).Replace(unknown, id, StringComparison.Ordinal),
            await withheld.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MispRedirect_AnsweredWithItsStatusAndNoLocation()
    {
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/view/4", StringComparison.Ordinal)
            ? new RawResponse(302, "text/html", Encoding.UTF8.GetBytes("<html>login</html>")) { Location = "http://misp.internal/users/login" }
            : null;
        using var client = OrgD();

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Redirected", (string?)body["name"]);
    }

    [Fact]
    public async Task MispRedirectToAServedView_RelativeLocationKeptForTheClientToFollowThroughTheGateway()
    {
        // MISP's REST restore answers with a redirect to the attribute's view.
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/attributes/restore/7", StringComparison.Ordinal)
            ? new RawResponse(302, "text/html", []) { Location = "https://misp.internal/attributes/view/7" }
            : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/attributes/restore/7", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/attributes/view/7", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData(500, "")]
    [InlineData(500, "<html>An Internal Error Has Occurred.</html>")]
    [InlineData(404, "")]
    public async Task MispErrorWithoutReadableBody_KeepsMispsStatus(int status, string body)
    {
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/restSearch", StringComparison.Ordinal)
            ? new RawResponse(status, "text/html", Encoding.UTF8.GetBytes(body))
            : null;
        using var client = OrgD();

        using var response = await client.PostAsync("/events/restSearch", new StringContent("{\"returnFormat\":\"json\"}", Encoding.UTF8, "application/json"));

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(answer["message"]);
        Assert.DoesNotContain("Internal Error", answer.ToJsonString(), StringComparison.Ordinal);
    }

    private static List<string> HeaderSet(HttpResponseMessage response) =>
        [.. response.Headers.Concat(response.Content.Headers).Where(h => h.Key != "Date").Select(h => h.Key + ": " + string.Join(",", h.Value)).Order()];
}
