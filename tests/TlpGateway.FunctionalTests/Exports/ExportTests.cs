using System.Net;
using System.Text;
using System.Text.Json;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Exports;

/// <summary>
/// The csv, text and stix2 exports of SPEC section 7 through the real gateway and the simulator:
/// rendered from the filtered JSON, for a member, a third party, a TLP:RED recipient and a MISP server.
/// </summary>
public sealed class ExportTests : IAsyncLifetime
{
    // ORG_C's TLP:RED event 8 (E5), withheld from ORG_D's ordinary users and from every MISP server.
    private const string RedEventUuid = "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2";
    private const string RedEventValue = "victim-corp.example";
    private const string RedEventAttribute = "ce94195e-04c5-4ca1-b177-f8885699564b";

    // An attribute tagged tlp:amber+strict in ORG_C's TLP:GREEN event 5 (E2): removed for ORG_D (max green), the event released.
    private const string StrictValue = "update-check.example";
    private const string StrictAttribute = "a0602aae-4410-4a69-b0b6-84f98fcf0812";
    private const string GreenEventUuid = "4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa";

    private static readonly string[] Formats = ["csv", "text", "stix2"];

    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task Csv_Member_MispsHeaderColumnsAndHeadersFromTheFilteredJson()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch", Json("""{"returnFormat":"csv"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("attachment; filename=\"misp.event.list.csv\"", response.Content.Headers.ContentDisposition!.ToString());
        Assert.False(response.Headers.Contains("X-Result-Count"));
        var csv = await response.Content.ReadAsStringAsync();
        var lines = csv.Split('\n');
        Assert.Equal("uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,object_uuid,object_name,object_meta_category", lines[0]);
        Assert.Contains("\"a0602aae-4410-4a69-b0b6-84f98fcf0812\",5,\"Network activity\",\"domain\",\"update-check.example\",\"\",1,1795342533,\"domain\",\"tlp:amber+strict\",\"94f4ee0b-e045-4db2-b342-9f37e9739e59\",\"domain-ip\",\"network\"", lines);
        Assert.EndsWith("\n\n", csv, StringComparison.Ordinal);

        // MISP was asked for JSON with the same filters, plus the exports' to_ids 1 and published 1 (behaviour section 7).
        var forwarded = Forwarded("/events/restSearch");
        Assert.Contains("/returnFormat:json", forwarded.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("/to_ids:1", forwarded.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("/published:1", forwarded.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("""{"returnFormat":"json"}""", Encoding.UTF8.GetString(forwarded.Body));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("text")]
    [InlineData("stix2")]
    public async Task Export_MemberMaxGreen_WithheldEventAndRemovedAttributeAbsentReleasedPartPresent(string format)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/events/restSearch", Json($$"""{"returnFormat":"{{format}}"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        foreach (var absent in new[] { RedEventUuid, RedEventValue, RedEventAttribute, StrictValue, StrictAttribute })
        {
            Assert.DoesNotContain(absent, body, StringComparison.OrdinalIgnoreCase);
        }

        // The rest of the green event is there: its md5 (tlp:green) in the file object.
        Assert.Contains("0cc175b9c0f1b6a831c399e269772661", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_ValueHoldingALineBreak_LeftOutAndAuditedByUuidNeverSplit()
    {
        // A released value on two lines would be two blocklist entries: it is left out, and the audit trail says which.
        var evt = _servers.Simulator.FindEvent("5")!;
        var attribute = evt["Attribute"]!.AsArray().First(a => (string?)a!["uuid"] != StrictAttribute)!;
        attribute["value"] = "kept.example\nsplit-off.example";
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch", Json("""{"returnFormat":"text"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("kept.example", text, StringComparison.Ordinal);
        Assert.DoesNotContain("split-off.example", text, StringComparison.Ordinal);
        Assert.Contains("0cc175b9c0f1b6a831c399e269772661\n", text, StringComparison.Ordinal);
        var lines = await _servers.WaitForAuditLinesAsync(1, l => l.Contains("export-value-breaks-line", StringComparison.Ordinal));
        var record = JsonDocument.Parse(Assert.Single(lines, l => l.Contains("export-value-breaks-line", StringComparison.Ordinal))).RootElement;
        Assert.Equal("org-c", record.GetProperty("member").GetString());
        Assert.Equal(GreenEventUuid, record.GetProperty("eventUuid").GetString());
        Assert.Equal((string?)attribute["uuid"], record.GetProperty("itemUuid").GetString());
        Assert.DoesNotContain("split-off.example", string.Join('\n', lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stix2_ThirdParty_BundleNamesOnlyTheForwarderNeverTheSource()
    {
        using var client = _servers.CreateClient(SimulatorKeys.ThirdParty, "127.0.0.4");

        using var response = await client.PostAsync("/events/restSearch/returnFormat:stix2", Json("""{"returnFormat":"stix2"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("attachment; filename=\"misp.event.list.json\"", response.Content.Headers.ContentDisposition!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        foreach (var source in new[] { "ORG_A", "ORG_B", "ORG_C", "ORG_D", SimulatorOrgs.OrgA, SimulatorOrgs.OrgB, SimulatorOrgs.OrgC, SimulatorOrgs.OrgD, "org-c.test", "org-d.test" })
        {
            Assert.DoesNotContain(source, text, StringComparison.OrdinalIgnoreCase);
        }

        using var bundle = JsonDocument.Parse(text);
        var objects = bundle.RootElement.GetProperty("objects").EnumerateArray().ToList();
        var identity = Assert.Single(objects, o => o.GetProperty("type").GetString() == "identity");
        Assert.Equal("identity--00000000-0000-4000-8000-000000000002", identity.GetProperty("id").GetString());
        Assert.Equal("Demo community (forwarded)", identity.GetProperty("name").GetString());
        var indicators = objects.Where(o => o.GetProperty("type").GetString() == "indicator").ToList();
        Assert.NotEmpty(indicators);
        Assert.All(indicators, i => Assert.Equal("identity--00000000-0000-4000-8000-000000000002", i.GetProperty("created_by_ref").GetString()));
        Assert.Contains(objects, o => o.GetProperty("id").GetString() == "report--" + GreenEventUuid);
        Assert.Contains(objects, o => o.GetProperty("id").GetString() == "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
    }

    [Fact]
    public async Task Csv_ThirdParty_SourceNameAndUuidNowhereEvenInContextColumns()
    {
        using var client = _servers.CreateClient(SimulatorKeys.ThirdParty, "127.0.0.4");

        using var response = await client.PostAsync("/events/restSearch", Json("""{"returnFormat":"csv","includeContext":1}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csv = await response.Content.ReadAsStringAsync();
        Assert.EndsWith(",event_info,event_member_org,event_source_org,event_distribution,event_threat_level_id,event_analysis,event_date,event_tag,event_timestamp", csv.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("\"Demo community (forwarded)\",\"Demo community (forwarded)\"", csv, StringComparison.Ordinal);
        foreach (var source in new[] { "ORG_C", "ORG_D", SimulatorOrgs.OrgC, SimulatorOrgs.OrgD })
        {
            Assert.DoesNotContain(source, csv, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(SimulatorKeys.OrgC, "127.0.0.1", "ORG_C")]
    [InlineData(SimulatorKeys.ThirdParty, "127.0.0.4", "Demo community (forwarded)")]
    public async Task Csv_AttributeRowsNamingEventColumns_WrittenFromTheEventAsMispWritesThem(string key, string address, string source)
    {
        // CsvExport::modify_params contains the event with every attribute: its columns, asked by name, are written
        // without includeContext, from the event the gateway asks MISP for (the source hidden as anywhere else).
        using var client = _servers.CreateClient(key, address);

        using var response = await client.PostAsync("/attributes/restSearch", Json("""{"returnFormat":"csv","requested_attributes":["uuid","event_source_org","event_date"]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = (await response.Content.ReadAsStringAsync()).Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Matches("^\"[0-9]{4}-[0-9]{2}-[0-9]{2}\"$", r[2]));
        Assert.Contains(rows, r => r[1] == "\"" + source + "\"");
        Assert.All(rows, r => Assert.NotEqual("\"\"", r[1]));
    }

    [Fact]
    public async Task Text_RedRecipient_RedEventsValuesOnlyForTheNamedAnalyst()
    {
        using var analyst = _servers.CreateClient(SimulatorKeys.OrgDAnalyst, "127.0.0.2");
        using var colleague = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var released = await analyst.PostAsync("/attributes/restSearch", Json("""{"request":{"returnFormat":"text"}}"""));
        using var withheld = await colleague.PostAsync("/attributes/restSearch", Json("""{"request":{"returnFormat":"text"}}"""));

        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", released.Content.Headers.ContentType!.ToString());
        Assert.Null(released.Content.Headers.ContentDisposition);
        var values = (await released.Content.ReadAsStringAsync()).Split('\n');
        Assert.Contains(RedEventValue, values);
        Assert.Equal(values.Length, values.Distinct().Count());
        Assert.DoesNotContain(RedEventValue, (await withheld.Content.ReadAsStringAsync()).Split('\n'));

        // The text export is restrictive in MISP: the search asks for IDS values of published events, as MISP would.
        var forwarded = Forwarded("/attributes/restSearch");
        Assert.Contains("/returnFormat:json", forwarded.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("/to_ids:1", forwarded.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("/published:1", forwarded.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_RequestSetsToIds_ItsOwnValueKeptNoDefaultAdded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch/returnFormat:text", Json("""{"to_ids":0}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Forwarded("/events/restSearch");
        Assert.DoesNotContain("to_ids:1", forwarded.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("/published:1", forwarded.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("""{"to_ids":0}""", Encoding.UTF8.GetString(forwarded.Body));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("text")]
    [InlineData("stix2")]
    public async Task Export_SyncIdentity_NoRedEventEvenItsOwnersOnes(string format)
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.PostAsync("/events/restSearch", Json($$"""{"returnFormat":"{{format}}"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(RedEventValue, body, StringComparison.Ordinal);
        Assert.DoesNotContain(RedEventUuid, body, StringComparison.Ordinal);
        Assert.DoesNotContain("tlp:red", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Stix2_ExcludeLocalTagsOnALocallyRedAttribute_IndicatorStillMarkedRed()
    {
        // The hub marked one attribute of ORG_C's green event TLP:RED with a local tag; ORG_C receives it, without the tag it asked MISP to leave out.
        _servers.Simulator.PutEvent(System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"id":"93","orgc_id":"3","org_id":"3","info":"green, one part locally red","uuid":"0d0d0d0d-0000-4000-8000-000000000093","distribution":"3","published":true,"timestamp":"1795342533","publish_timestamp":"1795342533","protected":null,
             "Org":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},"Orgc":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},
             "Attribute":[{"id":"930","uuid":"0d0d0d0d-0000-4000-8000-000000000930","event_id":"93","type":"domain","category":"Network activity","value":"locally-red.example","to_ids":true,"distribution":"5","timestamp":"1795342533",
               "Tag":[{"id":"2","name":"tlp:red","local":true}]}],
             "Object":[],"Tag":[{"id":"1","name":"tlp:green","local":false}]}
            """)!.AsObject());
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch", Json("""{"returnFormat":"stix2","eventid":"93","excludeLocalTags":1}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var indicator = Assert.Single(bundle.RootElement.GetProperty("objects").EnumerateArray(), o => o.GetProperty("id").GetString() == "indicator--0d0d0d0d-0000-4000-8000-000000000930");
        Assert.Equal("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Assert.Single(indicator.GetProperty("object_marking_refs").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("/events/restSearch", """{"returnFormat":"csv","eventid":"5"}""")]
    [InlineData("/events/restSearch/returnFormat:csv", """{"eventid":"5"}""")]
    [InlineData("/events/restSearch/csv/null/null", """{"eventid":"5"}""")]
    [InlineData("/events/restSearch", """{"request":{"returnFormat":"csv","eventid":"5"}}""")]
    public async Task Csv_PyMispShapedRequests_SameCsvWhereverTheFormatIsSpelled(string path, string body)
    {
        // As PyMISP's search(return_format='csv') sends it: a JSON body, its user agent, Accept: application/json.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC, "127.0.0.1", "PyMISP 2.5.1 - Python 3.11.2");

        using var response = await client.PostAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csv = await response.Content.ReadAsStringAsync();
        var (fields, rows) = (csv.Split('\n', 2)[0].Split(','), csv.Split('\n').Skip(1).Where(l => l.Length > 0).ToList());
        Assert.Equal("uuid", fields[0]);
        Assert.Equal(8, rows.Count);
        Assert.All(rows, r => Assert.Equal(",5,", r[38..41]));
        Assert.Equal("attachment; filename=\"misp.event.5.csv\"", response.Content.Headers.ContentDisposition!.ToString());
    }

    [Fact]
    public async Task Stix2_PyMispShapedRequest_OneJsonObjectPyMispReturnsAsIs()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC, "127.0.0.1", "PyMISP 2.5.1 - Python 3.11.2");

        using var response = await client.PostAsync("/attributes/restSearch", Json("""{"returnFormat":"stix2","type":"domain"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("bundle", bundle.RootElement.GetProperty("type").GetString());
        Assert.False(bundle.RootElement.TryGetProperty("response", out _));
        Assert.Contains(bundle.RootElement.GetProperty("objects").EnumerateArray(), o => o.GetProperty("id").GetString() == "indicator--" + StrictAttribute);
    }

    [Theory]
    [InlineData("/events/restSearch/returnFormat:json", """{"returnFormat":"csv"}""")]
    [InlineData("/events/restSearch/returnFormat:csv", """{"returnFormat":"stix2"}""")]
    [InlineData("/events/restSearch?returnFormat=text", "{}")]
    [InlineData("/events/restSearch", """{"ReturnFormat":"csv"}""")]
    [InlineData("/sightings/restSearch", """{"returnFormat":"csv"}""")]
    [InlineData("/events/restSearch", """{"returnFormat":"stix"}""")]
    public async Task Export_SpellingsMispWouldReadOtherwise_Refused406NothingForwarded(string path, string body)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.Contains("restSearch", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Csv_RequestedAttributesNotAList_Refused400()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch", Json("""{"returnFormat":"csv","requested_attributes":{"a":"value"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("requested_attributes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_MispAnswersWithAnError_MispsJsonErrorAndStatusNoExport()
    {
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/restSearch", StringComparison.Ordinal)
            ? new RawResponse(400, "application/json; charset=UTF-8", """{"name":"Either specify the search terms in the url, or POST a json with the filter parameters.","message":"Either specify the search terms in the url, or POST a json with the filter parameters.","url":"\/events\/restSearch"}"""u8.ToArray())
            : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch", Json("""{"returnFormat":"csv"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Null(response.Content.Headers.ContentDisposition);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("Either specify", error.RootElement.GetProperty("name").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/csv; charset=UTF-8", "uuid,event_id,category,type,value\n\"aaaaaaaa-0000-4000-8000-000000000001\",8,\"Network activity\",\"domain\",\"victim-corp.example\"\n")]
    [InlineData("application/json; charset=UTF-8", "{\"response\": [{\"Event\": {\"uuid\": ")]
    public async Task Export_MispAnswersWhatTheFilterCannotRead_502NothingOfItRelayed(string contentType, string body)
    {
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/restSearch", StringComparison.Ordinal)
            ? new RawResponse(200, contentType, Encoding.UTF8.GetBytes(body))
            : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/events/restSearch", Json("""{"returnFormat":"csv"}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentDisposition);
        Assert.DoesNotContain("victim-corp", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // The gateway's own look-ups search too (as TlpGateway/1.0): the client's request is the one forwarded.
    private RecordedRequest Forwarded(string prefix) =>
        _servers.Simulator.Requests.Last(r => r.PathAndQuery.StartsWith(prefix, StringComparison.Ordinal) && r.Header("User-Agent")?.StartsWith("TlpGateway/", StringComparison.Ordinal) != true);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
