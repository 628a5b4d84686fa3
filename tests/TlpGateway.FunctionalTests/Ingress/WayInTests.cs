using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Ingress;

/// <summary>
/// Issue "Accept only what is understood", through the real gateway: every write judged as MISP
/// would read it, asserting what MISP received (or that it received nothing).
/// </summary>
public sealed class WayInTests : IAsyncLifetime
{
    // ORG_C's events (ORG_D, max green, receives 4 and 5 only): 4 TLP:CLEAR, 5 TLP:GREEN (objects 1-2, report 1), 8 TLP:RED, 12 TLP:AMBER.
    private const string OrgCGreenEventUuid = "4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa";
    private const string OrgCAmberEventUuid = "6b6a22b1-cd28-4cfc-b415-4d2809314afa";
    private const string OrgCGreenAttributeId = "11";
    private const string OrgBRedEventUuid = "0b0b0b0b-0000-4000-8000-0000000000b1";

    private TestServers _servers = null!;

    public async Task InitializeAsync()
    {
        // Site admins are people too: the demo file's accepted-terms requirement would keep the admin out.
        var members = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json"))).Replace("\"requireAcceptedTerms\": true", "\"requireAcceptedTerms\": false", StringComparison.Ordinal);
        _servers = await TestServers.StartAsync(membersJson: members);
        _servers.Simulator.PutEvent(JsonNode.Parse($$"""
            {"id":"95","orgc_id":"2","org_id":"2","info":"ORG_B's own red","uuid":"{{OrgBRedEventUuid}}","distribution":"1","timestamp":"1","published":true,
             "Org":{"id":"2","name":"ORG_B","uuid":"{{SimulatorOrgs.OrgB}}"},"Orgc":{"id":"2","name":"ORG_B","uuid":"{{SimulatorOrgs.OrgB}}"},
             "Attribute":[],"Object":[],"Tag":[{"id":"9","name":"tlp:red","local":false}]}
            """)!.AsObject());
    }

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private RecordedRequest? Received(string pathPrefix) =>
        _servers.Simulator.Requests.LastOrDefault(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));

    private JsonNode ReceivedEvent(string pathPrefix) => JsonNode.Parse(Received(pathPrefix)!.Body)!["Event"]!;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static List<string?> TagNames(JsonNode evt) => [.. evt["Tag"]!.AsArray().Select(t => (string?)t!["name"])];

    [Theory]
    [InlineData("""{"Event":{"info":"x","Tag":{"name":"tlp:red"}}}""", "tlp:red")]
    [InlineData("""{"Event":{"info":"x","Tag":{"0":{"name":"tlp:amber+strict"}}}}""", "tlp:amber+strict")]
    [InlineData("""{"Event":{"info":"x","EventTag":[{"Tag":{"name":"tlp:clear"}}]}}""", "tlp:clear")]
    [InlineData("""{"Event":{"info":"x","EventTag":{"id":"1","Tag":{"name":"tlp:red"}}}}""", "tlp:red")]
    public async Task AddEvent_SourcesMarkingInAnyTagShape_StoredAsItsOnlyMarking(string body, string marking)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var evt = ReceivedEvent("/events/add");
        Assert.Equal([marking], TagNames(evt));
        Assert.Null(evt["EventTag"]);
    }

    [Theory]
    [InlineData("""{"request":{"Event":{"info":"real"}}}""")]
    [InlineData("""{"response":{"Event":{"info":"real"}}}""")]
    [InlineData("""{"Event":{"info":"decoy","Tag":[{"name":"tlp:clear"}]},"request":{"Event":{"info":"real"}}}""")]
    [InlineData("""{"info":"real"}""")]
    public async Task AddEvent_WrappedAsMispUnwraps_TheEventMispStoresIsJudgedAndSentAlone(string body)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = JsonNode.Parse(Received("/events/add")!.Body)!.AsObject();
        Assert.Equal(["Event"], received.Select(p => p.Key));
        Assert.Equal("real", (string?)received["Event"]!["info"]);
        Assert.Equal(["tlp:amber", "tlp:ex:chr"], TagNames(received["Event"]!));
    }

    [Theory]
    [InlineData("""{"Event":{"info":"x","Tag":[{"name":"tlp:green"}],"Orgc":"ORG_D"}}""")]
    [InlineData("""{"Event":{"info":"x","Tag":[{"name":"tlp:green"}],"orgc":{"name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"}}}""")]
    [InlineData("""{"Event":{"info":"x","Tag":[{"name":"tlp:green"}],"Orgc":{"name":"ORG_D"}}}""")]
    [InlineData("""{"request":{"Event":{"info":"x","Tag":[{"name":"tlp:green"}],"Orgc":{"name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"}}}}""")]
    public async Task Push_AnySourceClaimed_EntersWithTheForwardingMemberAsSource(string body)
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.PostAsync("/events/add/metadata:1", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var evt = ReceivedEvent("/events/add");
        Assert.Equal(SimulatorOrgs.OrgB, (string?)evt["Orgc"]!["uuid"]);
        Assert.Null(evt["orgc"]);
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("2")]
    [InlineData("\"false\"")]
    public async Task AddEvent_ProtectedByPhpTruthinessWithoutTlp_Refused403NothingForwarded(string value)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", Json("""{"Event":{"info":"signed","protected":VALUE}}""".Replace("VALUE", value, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False((bool)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["saved"]!);
        Assert.Null(Received("/events/add"));
    }

    [Fact]
    public async Task AddEvent_SignedAndTaggedAsItsOwn_ForwardedByteForByte()
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");
        var body = """{"Event":{"info":"signed","protected":true,"Orgc":{"id":"9","name":"ORG_B","uuid":"ORGB"},"Tag":{"name":"tlp:green"}}}""".Replace("ORGB", SimulatorOrgs.OrgB, StringComparison.Ordinal);

        using var response = await server.PostAsync("/events/add", Json(body));

        Assert.Equal(body, Encoding.UTF8.GetString(Received("/events/add")!.Body));
    }

    [Theory]
    [InlineData("/attributes/add/4", """{"type":"ip-dst","value":[IPS]}""")]
    [InlineData("/attributes/add/4", """{"Attribute":{"type":"ip-dst","batch_import":1,"value":"LINES"}}""")]
    [InlineData("/attributes/add/4", """{"Attribute":{OBJECTFORLIST}}""")]
    [InlineData("/events/freeTextImport/4", """{"Attribute":{"value":"LINES"}}""")]
    [InlineData("/events/add", """{"Event":{"info":"dump","Tag":[{"name":"tlp:green"}],"Attribute":{OBJECTFORLIST}}}""")]
    public async Task Curation_LooseIocsOverTheLimitOnEveryWritePath_Refused403NothingForwarded(string path, string template)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        var values = Enumerable.Range(0, 51).Select(i => $"198.51.100.{i}").ToList();
        var body = template
            .Replace("IPS", string.Join(',', values.Select(v => $"\"{v}\"")), StringComparison.Ordinal)
            .Replace("LINES", string.Join("\\n", values), StringComparison.Ordinal)
            .Replace("OBJECTFORLIST", string.Join(',', values.Select((v, i) => $"\"{i}\":{{\"type\":\"ip-dst\",\"value\":\"{v}\"}}")), StringComparison.Ordinal);

        using var response = await client.PostAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("group them into objects", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(Received(path));
    }

    [Theory]
    [InlineData("POST", "/events/delete", """{"id":"5"}""")]
    [InlineData("POST", "/events/delete", """{"id":["5"]}""")]
    [InlineData("DELETE", "/events/5", null)]
    [InlineData("POST", "/events/addTag", """{"event":"5","tag":"tlp:clear"}""")]
    [InlineData("POST", "/events/removeTag", """{"request":{"Event":{"id":"5","tag":"1"}}}""")]
    [InlineData("POST", "/events/publish/5", "{}")]
    [InlineData("POST", "/events/populate/5", """{"Event":{"Attribute":[{"type":"ip-dst","value":"192.0.2.1"}]}}""")]
    [InlineData("POST", "/events/freeTextImport/5", """{"value":"192.0.2.1"}""")]
    [InlineData("GET", "/attributes/restore/" + OrgCGreenAttributeId, null)]
    [InlineData("POST", "/attributes/removeTag/" + OrgCGreenAttributeId + "/1", "{}")]
    [InlineData("POST", "/attributes/deleteSelected", """{"id":[OrgCGreenAttributeId]}""")]
    [InlineData("POST", "/eventReports/edit/1", """{"EventReport":{"content":"x"}}""")]
    [InlineData("POST", "/event_reports/delete/1", "{}")]
    [InlineData("POST", "/objects/edit/1", """{"Object":{"Attribute":[]}}""")]
    [InlineData("POST", "/tags/removeTagFromObject", """{"uuid":"OrgCGreenEventUuid","tag":"tlp:green"}""")]
    [InlineData("POST", "/tags/attachTagToObject", """{"uuid":"OrgCGreenEventUuid","tag":"tlp:clear"}""")]
    [InlineData("POST", "/galaxies/attachCluster/5/event", """{"Galaxy":{"target_id":"1"}}""")]
    [InlineData("POST", "/events/edit/5", """{"Event":{"info":"hijacked"}}""")]
    public async Task ChangeToAnotherOrganisationsEvent_AnyPathAnyPlaceItIsNamed_Refused403NamingProposalsNothingForwarded(string method, string path, string? body)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        var content = body?.Replace("OrgCGreenAttributeId", $"\"{OrgCGreenAttributeId}\"", StringComparison.Ordinal).Replace("OrgCGreenEventUuid", OrgCGreenEventUuid, StringComparison.Ordinal);
        _servers.Simulator.ClearRequests();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = content is null ? null : Json(content) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("shadow_attributes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => !r.Method.Equals("GET", StringComparison.Ordinal) || !r.PathAndQuery.Contains("/view/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("d05dc85c-e448-4fc6-9a3a-68fc247d1b3d", HttpStatusCode.Forbidden)]
    [InlineData("c0c0c0c0-0000-4000-8000-0000000000e1", HttpStatusCode.NotFound)]
    [InlineData("d0d0d0d0-0000-4000-8000-0000000000e9", HttpStatusCode.OK)]
    public async Task EditOwnEvent_WithAReportOfAnotherEventByUuid_RefusedAsAChangeToThatEvent(string reportUuid, HttpStatusCode expected)
    {
        // EventReport::editReport (fromPull) updates the report with that uuid wherever it is, and moves it into the edited event.
        _servers.Simulator.PutEvent(JsonNode.Parse($$"""
            {"id":"98","orgc_id":"3","org_id":"3","info":"ORG_C's red report","uuid":"c0c0c0c0-0000-4000-8000-0000000000e0","distribution":"3","timestamp":"1","published":true,
             "Org":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},"Orgc":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},
             "Attribute":[],"Object":[],"EventReport":[{"id":"980","event_id":"98","uuid":"c0c0c0c0-0000-4000-8000-0000000000e1","name":"victims","content":"secret","distribution":"5","deleted":false}],
             "Tag":[{"id":"1","name":"tlp:red","local":false}]}
            """)!.AsObject());
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        _servers.Simulator.ClearRequests();

        using var response = await client.PostAsync("/events/edit/6", Json($$$"""{"Event":{"Tag":[{"name":"tlp:green"}],"EventReport":[{"uuid":"{{{reportUuid}}}","timestamp":"9999999999"}]}}"""));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK, Received("/events/edit") is not null);
    }

    [Theory]
    [InlineData("/analyst_data/pushAnalystData", """{"Note":{"uuid":"NOTE","object_uuid":"93609343-d094-4903-bb82-4fba52a1838f","object_type":"Event","note":"x","modified":"2099-01-01 00:00:00"}}""")]
    [InlineData("/events/edit/6", """{"Event":{"Tag":[{"name":"tlp:green"}],"Note":[{"uuid":"NOTE","modified":"2099-01-01 00:00:00"}]}}""")]
    [InlineData("/attributes/add/6", """{"type":"ip-dst","value":"198.51.100.9","Note":[{"uuid":"NOTE"}]}""")]
    public async Task WriteCarryingAnalystDataOfAnEventTheRequesterMayNotReceive_Refused404NothingForwarded(string path, string body)
    {
        // AnalystData::captureAnalystData updates the item with that uuid wherever it is, pointing it at the writer's object.
        // ORG_B's MISP server pushes analyst data; ORG_D writes to its own event 6. Neither receives ORG_C's TLP:RED event 8.
        var push = path.StartsWith("/analyst_data", StringComparison.Ordinal);
        using var client = push ? _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", userAgent: "MISP 2.5.1") : _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        _servers.Simulator.ClearRequests();

        using var response = await client.PostAsync(path, Json(body.Replace("NOTE", SimulatorViews.NoteOnRedEvent, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(Received(path));
    }

    [Fact]
    public async Task EventEdit_AnalystDataNestedInItsNoteConcerningAnEventTheRequesterMayNotReceive_Refused404NothingForwarded()
    {
        // Event::captureAnalystData points the event's notes at the event; the opinions nested in them keep their own object_uuid.
        var red = (string)_servers.Simulator.FindEvent("8")!["uuid"]!;
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        _servers.Simulator.ClearRequests();

        using var response = await client.PostAsync("/events/edit/6", Json($$$"""
            {"Event":{"Tag":[{"name":"tlp:green"}],"Note":[{"uuid":"b0b0b0b0-0000-4000-8000-0000000a0003","note":"x",
             "Opinion":[{"uuid":"b0b0b0b0-0000-4000-8000-0000000a0004","object_uuid":"{{{red}}}","object_type":"Event","opinion":"50"}]}]}}
            """));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(Received("/events/edit"));
    }

    [Fact]
    public async Task PushAnalystData_InAnotherMembersName_ReachesMispInThePushersName()
    {
        // ORG_B's MISP server pushes a note on ORG_C's event 6 claiming ORG_C wrote it: MISP would honour that for a sync user.
        using var client = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", userAgent: "MISP 2.5.1");
        _servers.Simulator.ClearRequests();

        using var response = await client.PostAsync("/analyst_data/pushAnalystData", Json("""
            {"Note":{"uuid":"b0b0b0b0-0000-4000-8000-0000000a0005","object_uuid":"93609343-d094-4903-bb82-4fba52a1838f","object_type":"Event","note":"x","modified":"2099-01-01 00:00:00",
             "orgc_uuid":"ORGC","Orgc":{"uuid":"ORGC","name":"ORG_C"}}}
            """.Replace("ORGC", SimulatorOrgs.OrgC, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var note = JsonNode.Parse(Received("/analyst_data/pushAnalystData")!.Body)!["Note"]!;
        Assert.Equal("x", (string?)note["note"]);
        Assert.Null(note["orgc_uuid"]);
        Assert.Null(note["Orgc"]);
    }

    [Theory]
    [InlineData("Opinion", "Event", "RED")]
    [InlineData("Note", "Event", "RED")]
    [InlineData("Opinion", "Note", "PARENT")]
    public async Task PushAnalystData_ChildConcerningAnotherObject_JudgedByWhatItConcerns(string childType, string objectType, string target)
    {
        // AnalystData::captureAnalystData saves each nested item on the object its own object_uuid names.
        var red = (string)_servers.Simulator.FindEvent("8")!["uuid"]!;
        const string parent = "b0b0b0b0-0000-4000-8000-0000000a0001";
        var concerned = target == "RED" ? red : parent;
        using var client = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", userAgent: "MISP 2.5.1");
        _servers.Simulator.ClearRequests();

        using var response = await client.PostAsync("/analyst_data/pushAnalystData", Json($$$"""
            {"Note":{"uuid":"{{{parent}}}","object_uuid":"93609343-d094-4903-bb82-4fba52a1838f","object_type":"Event","note":"x","modified":"2099-01-01 00:00:00",
             "{{{childType}}}":[{"uuid":"b0b0b0b0-0000-4000-8000-0000000a0002","object_uuid":"{{{concerned}}}","object_type":"{{{objectType}}}","note":"y","opinion":"50","modified":"2099-01-01 00:00:00"}]}}
            """));

        Assert.Equal(target == "RED", response.StatusCode == HttpStatusCode.NotFound);
        Assert.Equal(target != "RED", Received("/analyst_data/pushAnalystData") is not null);
    }

    [Theory]
    [InlineData("11", false)]
    [InlineData("0", true)]
    public async Task AcceptProposal_OnItsOwnEventEditingAnAttributeOfAnotherOrganisation_Refused403NamingProposals(string oldId, bool accepted)
    {
        // ShadowAttribute::acceptProposal edits the attribute with the proposal's uuid, in whatever event it is, when old_id is not 0.
        const string OrgCAttributeUuid = "c0c0c0c0-0000-4000-8000-0000000000c7";
        _servers.Simulator.PutEvent(JsonNode.Parse($$"""
            {"id":"97","orgc_id":"3","org_id":"3","info":"ORG_C's green","uuid":"c0c0c0c0-0000-4000-8000-0000000000c1","distribution":"3","timestamp":"1","published":true,
             "Org":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},"Orgc":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},
             "Attribute":[{"id":"970","event_id":"97","uuid":"{{OrgCAttributeUuid}}","type":"ip-dst","category":"Network activity","value":"198.51.100.7","distribution":"5","Tag":[]}],
             "Object":[],"Tag":[{"id":"3","name":"tlp:green","local":false}]}
            """)!.AsObject());
        _servers.Simulator.PutEvent(JsonNode.Parse($$"""
            {"id":"96","orgc_id":"4","org_id":"4","info":"ORG_D's own","uuid":"d0d0d0d0-0000-4000-8000-0000000000d1","distribution":"3","timestamp":"1","published":true,
             "Org":{"id":"4","name":"ORG_D","uuid":"{{SimulatorOrgs.OrgD}}"},"Orgc":{"id":"4","name":"ORG_D","uuid":"{{SimulatorOrgs.OrgD}}"},
             "Attribute":[],"Object":[],"Tag":[{"id":"3","name":"tlp:green","local":false}],
             "ShadowAttribute":[{"id":"960","old_id":"{{oldId}}","event_id":"96","uuid":"{{OrgCAttributeUuid}}","type":"ip-dst","category":"Network activity","value":"203.0.113.9","org_id":"4"}]}
            """)!.AsObject());
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        _servers.Simulator.ClearRequests();

        using var response = await client.PostAsync("/shadow_attributes/accept/960", Json("{}"));

        Assert.Equal(accepted, Received("/shadow_attributes/accept") is not null);
        if (!accepted)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("shadow_attributes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/events/delete", """{"id":"OrgCAmberEventUuid"}""")]
    [InlineData("/tags/removeTagFromObject", """{"uuid":"OrgCAmberEventUuid","tag":"tlp:amber"}""")]
    [InlineData("/events/edit/OrgCAmberEventUuid", """{"Event":{"info":"x"}}""")]
    public async Task ChangeToAnEventTheRequesterMayNotReceive_MispsOwn404NothingForwarded(string path, string body)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        _servers.Simulator.ClearRequests();

        using var response = await client.PostAsync(path.Replace("OrgCAmberEventUuid", OrgCAmberEventUuid, StringComparison.Ordinal), Json(body.Replace("OrgCAmberEventUuid", OrgCAmberEventUuid, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Invalid event", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => !r.PathAndQuery.Contains("/view/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SiteAdmin_ChangingAnotherOrganisationsEvent_NotExempt()
    {
        using var admin = _servers.CreateClient(SimulatorKeys.Admin, "127.0.0.5");

        using var response = await admin.PostAsync("/events/removeTag/5/1", Json("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Received("/events/removeTag"));
    }

    [Fact]
    public async Task EditOwnEvent_BodyNamingAnotherOrganisationsEvent_Refused()
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.PostAsync("/events/edit/" + OrgBRedEventUuid, Json("""{"Event":{"uuid":"OTHER","info":"hijacked","Tag":[{"name":"tlp:green"}]}}""".Replace("OTHER", OrgCGreenEventUuid, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Received("/events/edit"));
    }

    [Theory]
    [InlineData("POST", "/events/delete/4", "{}")]
    [InlineData("POST", "/attributes/restore/5", null)]
    [InlineData("POST", "/event_reports/edit/1", """{"EventReport":{"name":"renamed"}}""")]
    [InlineData("POST", "/tags/attachTagToObject", """{"uuid":"4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa","tag":"tlp:amber"}""")]
    [InlineData("POST", "/objects/delete/1", "{}")]
    public async Task ChangeToOwnEvent_Forwarded(string method, string path, string? body)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(Received(path.Split('/')[1] is "tags" ? "/tags/" : "/" + string.Join('/', path.Split('/')[1..3])));
    }

    [Fact]
    public async Task OwnersServer_EditsItsOwnRedEvent_ForwardedRatherThanNotReceivable()
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.PostAsync($"/events/edit/{OrgBRedEventUuid}/metadata:1", Json("""{"Event":{"uuid":"OWN","info":"edited on B","timestamp":"2","Tag":[{"name":"tlp:red"}],"Orgc":{"name":"ORG_B","uuid":"ORGB"}}}""".Replace("OWN", OrgBRedEventUuid, StringComparison.Ordinal).Replace("ORGB", SimulatorOrgs.OrgB, StringComparison.Ordinal)));

        // (What the echo of a TLP:RED push may show a MISP server is the egress filter's decision.)
        Assert.Equal("edited on B", (string?)ReceivedEvent("/events/edit")["info"]);
    }

    [Theory]
    [InlineData("/shadow_attributes/add/5", """{"ShadowAttribute":{"type":"ip-dst","value":"192.0.2.1"}}""")]
    [InlineData("/sightings/add/" + OrgCGreenAttributeId, "{}")]
    [InlineData("/sightings/add", """{"uuid":"f8469bbb-0000-0000-0000-000000000000"}""")]
    public async Task Contribution_OnAnEventTheRequesterMayReceive_Forwarded(string path, string body)
    {
        var attributeUuid = (string?)_servers.Simulator.FindEvent("5")!["Attribute"]![0]!["uuid"];
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync(path, Json(body.Replace("f8469bbb-0000-0000-0000-000000000000", attributeUuid, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(Received(string.Join('/', path.Split('/')[..3])));
    }

    [Fact]
    public async Task SightingByValue_AcrossEvents_Refused403NothingForwarded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/sightings/add", Json("""{"value":"198.51.100.23"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Received("/sightings/add"));
    }

    [Theory]
    [InlineData("/galaxies/pushCluster", """[{"GalaxyCluster":{"uuid":"c1","distribution":"3"}}]""")]
    [InlineData("/analyst_data/filterAnalystDataForPush", """{"Note":[]}""")]
    public async Task SyncPush_ClustersAndAnalystDataNegotiation_Forwarded(string path, string body)
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.PostAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(Received(path));
    }

    [Fact]
    public async Task TagShapeMispWouldMisread_Refused400NothingForwarded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", Json("""{"Event":{"info":"x","Tag":"tlp:red"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(Received("/events/add"));
    }
}
