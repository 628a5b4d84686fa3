using System.Net;
using System.Text;
using System.Text.Json;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Filtering;

/// <summary>The TLP rules of SPEC sections 3-5, end to end through the real gateway and the simulator.</summary>
public sealed class EgressFilterTests : IAsyncLifetime
{
    private const string RedEventUuid = "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2";
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task View_RedEventOfAnotherOrganisation_Answers404AsMispDoes()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.GetAsync("/events/view/8");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var expected = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", "error_events_view_999999__orgC.json"));
        Assert.Equal(expected.Replace("999999", "8", StringComparison.Ordinal), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task View_RedEventToNamedRedRecipient_Released()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgDAnalyst, "127.0.0.2");

        using var response = await client.GetAsync("/events/view/8");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(RedEventUuid, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task View_RedEventToItsOwnOrganisation_Released()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/Events/View/8.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(RedEventUuid, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_RedEventOfAnotherOrganisation_Answers404()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/events/view/" + RedEventUuid));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task View_UntaggedEvent_GetsAmberAndChathamHouseTagsAndLosesRedAttribute()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/events/view/10");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var json = JsonDocument.Parse(bytes);
        var evt = json.RootElement.GetProperty("Event");
        var tags = evt.GetProperty("Tag").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(["tlp:amber", "tlp:ex:chr"], tags);
        var attributes = evt.GetProperty("Attribute").EnumerateArray().ToList();
        Assert.DoesNotContain(attributes, a => a.TryGetProperty("Tag", out var t) && t.EnumerateArray().Any(x => x.GetProperty("name").GetString() == "tlp:red"));
        Assert.Equal(attributes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), evt.GetProperty("attribute_count").GetString());
        Assert.Equal("private", response.Headers.CacheControl?.ToString());
        Assert.Contains("Authorization", response.Headers.Vary);
        Assert.True(response.Content.Headers.ContentLength is null || response.Content.Headers.ContentLength == bytes.Length, "MISP's Content-Length must not survive");
    }

    [Fact]
    public async Task View_EventToThirdParty_HidesEverySourceReference()
    {
        using var client = _servers.CreateClient(SimulatorKeys.ThirdParty, "127.0.0.4");

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("ORG_C", body, StringComparison.Ordinal);
        Assert.DoesNotContain(SimulatorOrgs.OrgC, body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("user@org-c.test", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ORG_D", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var orgc = json.RootElement.GetProperty("Event").GetProperty("Orgc");
        Assert.Equal("Demo community (forwarded)", orgc.GetProperty("name").GetString());
        Assert.Equal("00000000-0000-4000-8000-000000000002", orgc.GetProperty("uuid").GetString());
        Assert.Equal("0", json.RootElement.GetProperty("Event").GetProperty("orgc_id").GetString());
    }

    [Fact]
    public async Task View_ThirdPartyMaxGreen_AmberAndRedAttributesRemoved()
    {
        using var client = _servers.CreateClient(SimulatorKeys.ThirdParty, "127.0.0.4");

        using var response = await client.GetAsync("/events/view/4");

        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("login-portal.example\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hr-notice@mailer.example", body, StringComparison.Ordinal);
        Assert.Contains("198.51.100.23", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestSearch_MemberMaxGreen_ListsNoRedOrAmberEventOfOthers()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/events/restSearch", new StringContent("{\"returnFormat\":\"json\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var events = json.RootElement.GetProperty("response").EnumerateArray().Select(e => e.GetProperty("Event")).ToList();
        Assert.NotEmpty(events);
        Assert.DoesNotContain(events, e => e.GetProperty("uuid").GetString() == RedEventUuid);
        foreach (var evt in events.Where(e => e.GetProperty("Orgc").GetProperty("uuid").GetString() != SimulatorOrgs.OrgD))
        {
            var tags = evt.GetProperty("Tag").EnumerateArray().Select(t => t.GetProperty("name").GetString()!.ToLowerInvariant()).ToList();
            Assert.DoesNotContain(tags, t => t is "tlp:red" or "tlp:amber" or "tlp:amber+strict");
        }

        Assert.False(response.Headers.Contains("X-Result-Count"));
    }

    [Fact]
    public async Task IndexAndView_ClearEventWithRedAttributes_NeitherCountTellsOfTheWithheldOnes()
    {
        // Event 4 is ORG_C's TLP:CLEAR event; MISP counts its six attributes, some TLP:RED and TLP:AMBER.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var index = await client.PostAsync("/events/index", new StringContent("{\"eventid\":4}", Encoding.UTF8, "application/json"));
        using var view = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        using var rows = JsonDocument.Parse(await index.Content.ReadAsStringAsync());
        var row = rows.RootElement.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "4");
        Assert.False(row.TryGetProperty("attribute_count", out _), "the index row counts attributes the requester does not receive");
        using var json = JsonDocument.Parse(await view.Content.ReadAsStringAsync());
        var evt = json.RootElement.GetProperty("Event");
        var released = evt.GetProperty("Attribute").GetArrayLength() + evt.GetProperty("Object").EnumerateArray().Sum(o => o.GetProperty("Attribute").GetArrayLength());
        Assert.True(released < 6, "the requester receives fewer attributes than MISP counts");
        Assert.Equal(released.ToString(System.Globalization.CultureInfo.InvariantCulture), evt.GetProperty("attribute_count").GetString());
    }

    [Theory]
    [InlineData("/events/restSearch", "{\"org\":\"ORG_D\"}")]
    [InlineData("/events/restSearch", "{\"org\":[\"!ORG_C\"]}")]
    [InlineData("/events/index", "{\"searchorg\":\"4\"}")]
    [InlineData("/events/index", "{\"sort\":\"orgc_id\",\"direction\":\"desc\"}")]
    public async Task Search_ChosenOrOrderedBySource_LeavesOutTheEventsWhoseSourceIsHidden(string path, string body)
    {
        // Event 9 (2948b31a) is ORG_D's, under CHR: ORG_C receives it with the forwarder as source, but an answer
        // chosen (or ordered) by organisation would tell whose it is. (Correlations to it say nothing of that.)
        const string ChrEvent = "2948b31a-";
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var chosen = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        using var plain = await client.PostAsync(path, new StringContent("{\"published\":1}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        var listed = Listed(await chosen.Content.ReadAsStringAsync());
        Assert.DoesNotContain(listed, uuid => uuid.StartsWith(ChrEvent, StringComparison.Ordinal));
        Assert.Contains(listed, uuid => uuid.StartsWith("1bfc1897-", StringComparison.Ordinal));
        Assert.Contains(Listed(await plain.Content.ReadAsStringAsync()), uuid => uuid.StartsWith(ChrEvent, StringComparison.Ordinal));

        // The UUIDs of the events an answer lists: restSearch's response[].Event, or the index's rows.
        static List<string> Listed(string answer)
        {
            using var json = JsonDocument.Parse(answer);
            var rows = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement : json.RootElement.GetProperty("response");
            return [.. rows.EnumerateArray().Select(r => (r.TryGetProperty("Event", out var e) ? e : r).GetProperty("uuid").GetString()!)];
        }
    }

    [Theory]
    [InlineData("/events/restSearch", "{\"value\":\"198.51.100.23\"}")]
    [InlineData("/events/restSearch", "{\"tags\":[\"tlp:amber\"]}")]
    [InlineData("/events/index", "{\"searchall\":\"198.51.100\"}")]
    public async Task Search_ChosenByAttributeContent_LeavesOutTheEventsWithAttributesRemoved(string path, string body)
    {
        // Event 4 (ORG_C, TLP:CLEAR) holds TLP:AMBER attributes ORG_D (max green) does not receive: listed for a search
        // that matches attributes, it would tell that one of those matched.
        const string Event4 = "1bfc1897-";
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var chosen = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        using var plain = await client.PostAsync(path, new StringContent("{\"published\":1}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        Assert.DoesNotContain(Event4, await chosen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(Event4, await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_OtherOrganisationsEvents_RowsWithoutMispsAttributeCount()
    {
        // Event 4 (ORG_C, TLP:CLEAR) holds TLP:AMBER attributes ORG_D (max green) does not receive: its row's count would tell.
        using var orgD = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        using var orgC = _servers.CreateClient(SimulatorKeys.OrgC);

        using var toOther = JsonDocument.Parse(await orgD.GetStringAsync("/events/index"));
        using var toSource = JsonDocument.Parse(await orgC.GetStringAsync("/events/index"));

        var row = Assert.Single(toOther.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == "4");
        Assert.False(row.TryGetProperty("attribute_count", out _));
        var own = Assert.Single(toSource.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == "4");
        Assert.Equal(_servers.Simulator.FindEvent("4")!["attribute_count"]!.GetValue<string>(), own.GetProperty("attribute_count").GetString());
    }

    [Fact]
    public async Task MinimalIndex_SyncServer_ListsOnlyReceivableEventsInMinimalShape()
    {
        using var client = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await client.PostAsync("/events/index", new StringContent("{\"minimal\":1,\"published\":1}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(RedEventUuid, body, StringComparison.Ordinal);
        Assert.DoesNotContain("992f73a9-36c8-4819-9639-80da1f280c4c", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Equal(["id", "timestamp", "sighting_timestamp", "published", "uuid", "orgc_uuid"], row.EnumerateObject().Select(p => p.Name)));
        var forwarded = _servers.Simulator.Requests.Single(r => r.PathAndQuery.StartsWith("/events/index", StringComparison.Ordinal));
        Assert.DoesNotContain("minimal", Encoding.UTF8.GetString(forwarded.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task View_SyncServer_DistributionCappedByTlp()
    {
        using var client = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        // E3 (ORG_D, tlp:amber, distribution 3): a MISP server may keep it in its community only.
        using var response = await client.GetAsync("/events/view/6");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("1", json.RootElement.GetProperty("Event").GetProperty("distribution").GetString());
    }

    [Fact]
    public async Task View_SyncServer_NeverReceivesRedEventEvenItsOwn()
    {
        _servers.Simulator.PutEvent(System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"id":"90","orgc_id":"2","org_id":"2","info":"B's red","uuid":"0b0b0b0b-0000-4000-8000-000000000090","distribution":"3","protected":null,
             "Org":{"id":"2","name":"ORG_B","uuid":"{{SimulatorOrgs.OrgB}}"},"Orgc":{"id":"2","name":"ORG_B","uuid":"{{SimulatorOrgs.OrgB}}"},
             "Attribute":[],"Object":[],"Tag":[{"id":"1","name":"tlp:red","local":false}]}
            """)!.AsObject());
        using var client = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await client.GetAsync("/events/view/90");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task View_ExcludeLocalTags_LocalRedTagStillCounts()
    {
        _servers.Simulator.PutEvent(System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"id":"91","orgc_id":"3","org_id":"3","info":"locally red","uuid":"0c0c0c0c-0000-4000-8000-000000000091","distribution":"3","protected":null,
             "Org":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},"Orgc":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},
             "Attribute":[],"Object":[],"Tag":[{"id":"1","name":"tlp:clear","local":false},{"id":"2","name":"tlp:red","local":true}]}
            """)!.AsObject());
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.GetAsync("/events/view/91/excludeLocalTags:1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.Contains("excludeLocalTags", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("/events/restSearch", "{\"returnFormat\":\"stix\"}")]
    [InlineData("/events/restSearch/returnFormat:rpz", "{}")]
    [InlineData("/attributes/restSearch", "{\"returnFormat\":\"suricata\"}")]
    [InlineData("/events/restSearch/openioc", "{}")]
    public async Task RestSearch_NonJsonFormat_Refused406AndNotForwarded(string path, string body)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.Contains("restSearch", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task CheckUuid_AnyRequester_Refused403()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/events/checkuuid/" + RedEventUuid);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AttributesRestSearch_MemberMaxGreen_NoRedAttributesAndNoInheritedTags()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/attributes/restSearch", new StringContent("{\"returnFormat\":\"json\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var rows = json.RootElement.GetProperty("response").GetProperty("Attribute").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.DoesNotContain(rows, r => r.GetProperty("Event").GetProperty("uuid").GetString() == RedEventUuid);
        Assert.DoesNotContain(rows, r => r.TryGetProperty("Tag", out var tags) && tags.EnumerateArray().Any(t => t.TryGetProperty("inherited", out _)));
        var forwarded = _servers.Simulator.Requests.Single(r => r.PathAndQuery.StartsWith("/attributes/restSearch", StringComparison.Ordinal));
        // Written once, as the named parameter MISP reads last.
        Assert.Contains("/includeEventTags:1", forwarded.PathAndQuery, StringComparison.Ordinal);
        Assert.DoesNotContain("includeEventTags", Encoding.UTF8.GetString(forwarded.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProposalsIndex_ProposalOnRedAttributeWithheld_OthersReleasedAfterLookup()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.GetAsync("/shadow_attributes/index/all:1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var proposals = json.RootElement.EnumerateArray().Select(p => p.GetProperty("ShadowAttribute")).ToList();
        Assert.NotEmpty(proposals);

        // The edit proposal names E1's TLP:RED attribute (login-portal.example): ORG_D may not receive it.
        Assert.DoesNotContain("login-portal.example", body, StringComparison.Ordinal);
        Assert.Contains(_servers.Simulator.Requests, r => r.PathAndQuery == "/events/restSearch" && Encoding.UTF8.GetString(r.Body).Contains("1bfc1897", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SightingsRestSearch_Owner_ReleasedAfterLookup()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/sightings/restSearch/event", new StringContent("{\"returnFormat\":\"json\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotEmpty(json.RootElement.GetProperty("response").EnumerateArray());
    }

    [Fact]
    public async Task View_Correlations_OnlyRelatedEventsTheRequesterMayReceiveWithNothingRemoved()
    {
        // Event 13 (ORG_D) correlates with ORG_C's 4 and 5, whose amber and red attributes a green
        // member does not receive, and with ORG_D's own 6, which it receives whole.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.GetAsync("/events/view/13");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var related = json.RootElement.GetProperty("Event").GetProperty("RelatedEvent").EnumerateArray().Select(r => r.GetProperty("Event").GetProperty("id").GetString());
        Assert.Equal(["6"], related);
    }

    [Fact]
    public async Task View_CorrelationsUnderChathamHouse_RelatedEventShowsTheForwarder()
    {
        // Event 9 (ORG_D, tlp:ex:chr) correlates with ORG_C's own event 4: kept, but under CHR no source is shown.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/events/view/9");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var related = Assert.Single(json.RootElement.GetProperty("Event").GetProperty("RelatedEvent").EnumerateArray()).GetProperty("Event");
        Assert.Equal("4", related.GetProperty("id").GetString());
        Assert.Equal("00000000-0000-4000-8000-000000000001", related.GetProperty("Orgc").GetProperty("uuid").GetString());
        Assert.Equal("0", related.GetProperty("orgc_id").GetString());
    }

    [Fact]
    public async Task View_ClientAcceptsGzip_FilteredAnswerGzippedAndMispAskedPlain()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        var plain = await client.GetByteArrayAsync("/events/view/4");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/view/4");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(plain, await GunzipAsync(response));
        Assert.All(_servers.Simulator.Requests, r => Assert.Null(r.Header("Accept-Encoding")));
    }

    [Fact]
    public async Task View_WithheldEventToGzipClient_MispsOwn404Gzipped()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/view/8");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var expected = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", "error_events_view_999999__orgC.json"));
        Assert.Equal(expected.Replace("999999", "8", StringComparison.Ordinal), Encoding.UTF8.GetString(await GunzipAsync(response)));
    }

    private static async Task<byte[]> GunzipAsync(HttpResponseMessage response)
    {
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        using var gzip = new System.IO.Compression.GZipStream(await response.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain);
        return plain.ToArray();
    }
}
