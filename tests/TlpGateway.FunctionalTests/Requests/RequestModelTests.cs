using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Requests;

/// <summary>
/// Issue "Release only what is understood", the request side, through the real gateway: MISP's request
/// semantics, the allowlist, HEAD, headers; each test asserts what the simulator (MISP) received.
/// </summary>
public sealed partial class RequestModelTests : IAsyncLifetime
{
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    /// <summary>The proxied request (the first: the gateway's own look-ups of related events come after MISP's answer).</summary>
    private RecordedRequest? Received(string pathPrefix) =>
        _servers.Simulator.Requests.FirstOrDefault(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The audit trail once it holds <paramref name="reason"/> (it is written in the background).</summary>
    private async Task<string> AuditAsync(string reason) =>
        string.Join('\n', await _servers.WaitForAuditLinesAsync(1, line => line.Contains(reason, StringComparison.Ordinal)));

    [Theory]
    [InlineData("GET", "/events/checkuuid/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2")]
    [InlineData("GET", "/users/index")]
    [InlineData("GET", "/admin/users/index")]
    [InlineData("GET", "/events/csv/download")]
    [InlineData("GET", "/Attributes/Text/download/all")]
    [InlineData("POST", "/events/upload_stix")]
    [InlineData("GET", "/servers/pull/1")]
    [InlineData("GET", "/users/view/5")]
    [InlineData("GET", "/users/view/ME")]
    [InlineData("GET", "/users/view/Me.json")]
    public async Task Route_NotOnTheAllowlist_Refused403ForEveryoneNothingForwarded(string method, string path)
    {
        foreach (var (key, source) in new[] { (SimulatorKeys.OrgC, "127.0.0.1"), (SimulatorKeys.OrgD, "127.0.0.2") })
        {
            using var client = _servers.CreateClient(key, source);
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

            var answer = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden && answer.Contains("not served through the gateway", StringComparison.Ordinal), $"{key[..4]}: {(int)response.StatusCode} {answer}");
        }

        Assert.DoesNotContain(_servers.Simulator.Requests, r => !r.PathAndQuery.StartsWith("/users/view/me", StringComparison.Ordinal));
        Assert.Contains("endpoint-not-served", await AuditAsync("endpoint-not-served"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TRACE")]
    [InlineData("TRACK")]
    [InlineData("OPTIONS")]
    [InlineData("PATCH")]
    public async Task Method_NotServed_Refused405NothingForwarded(string method)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/events/view/4"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Null(Received("/events/"));
    }

    [Theory]
    [InlineData("/servers/getVersion")]
    [InlineData("/servers/getPyMISPVersion.json")]
    [InlineData("/attributes/describeTypes.json")]
    [InlineData("/users/view/me")]
    public async Task PyMispStartUp_Served(string path)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC, userAgent: "PyMISP 2.5.1 - Python 3.11");

        using var response = await client.GetAsync(path);

        // Served, and MISP's answer released: PyMISP falls back to its own list of types where describeTypes fails.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_servers.Simulator.Requests, r => r.PathAndQuery.StartsWith(path.Replace(".json", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("""{"excludeLocalTags":1}""")]
    [InlineData("""{"request":{"excludeLocalTags":"1"}}""")]
    [InlineData("""{"ExcludeLocalTags":true}""")]
    public async Task RestSearch_ExcludeLocalTagsInAnySpelling_MispAskedForLocalTagsOnce(string body)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch/excludeLocalTags:1", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Received("/events/restSearch")!;
        Assert.EndsWith("/excludeLocalTags:0/returnFormat:json", received.PathAndQuery, StringComparison.Ordinal);
        Assert.DoesNotContain("excludeLocalTags", Encoding.UTF8.GetString(received.Body), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/events/restSearch", "{}", "/events/")]
    [InlineData("/events/restSearch/value:198.51.100.23", "[]", "/events/")]
    [InlineData("/attributes/restSearch", "  ", "/attributes/")]
    public async Task RestSearch_PostWithoutData_Refused400AsMispNothingForwarded(string path, string body, string controller)
    {
        // _harvestParameters refuses a POST whose data is empty before it reads the URL; the gateway's own
        // parameters would otherwise have made it a search of everything.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("POST a json with the filter parameters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(Received(controller));
    }

    [Theory]
    [InlineData("/events/restSearch/foo:bar", "/events/")]
    [InlineData("/events/restSearch/null/0/false", "/events/")]
    [InlineData("/attributes/restSearch/excludeLocalTags:0", "/attributes/")]
    [InlineData("/sightings/restSearch/null", "/sightings/")]
    public async Task RestSearch_GetWithoutAFilterMispHarvests_Refused400AsMispNothingForwarded(string path, string controller)
    {
        // restSearch refuses a GET whose URL gives none of the scope's filters; the gateway's own would make it a search of everything.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("GET and no parameters are not allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(Received(controller));
    }

    [Theory]
    [InlineData("/shadow_attributes/add/4?uuid=5f5f5f5f-0000-4000-8000-000000000001")]
    [InlineData("/shadow_attributes/delete/1?uuid%5B%5D=5f5f5f5f-0000-4000-8000-000000000001")]
    public async Task Proposal_QueryNamingAnotherProposal_Refused400NothingForwarded(string path)
    {
        // MISP would act on the proposal the query's uuid names (its id made the passed argument), in any event.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync(path, Json("""{"ShadowAttribute":{"type":"ip-dst","value":"192.0.2.1"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("query string", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(Received("/shadow_attributes/"));
    }

    [Fact]
    public async Task RestSearch_BodyNestedDeeperThanTheSerializersDefault_ForwardedAsRead()
    {
        // Read to 256 levels, the rewrite was written to 64: such a body ended as the gateway's 500.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);

        using var response = await client.PostAsync("/events/restSearch", Json("""{"eventid":"4","value":""" + nested + "}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(nested, Encoding.UTF8.GetString(Received("/events/restSearch")!.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestSearch_FormNestedDeeperThanJsonIsRead_Refused400NothingForwarded()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        var form = "eventid=4&value" + string.Concat(Enumerable.Repeat("%5Ba%5D", 300)) + "=x";

        using var response = await client.PostAsync("/events/restSearch", new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(Received("/events/"));
    }

    [Fact]
    public async Task RestSearch_PostWithAnEmptyRequestWrapper_ForwardedAsMispSearchesIt()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch", Json("""{"request":{}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(Received("/events/restSearch"));
    }

    [Fact]
    public async Task RestSearch_SyncIdentityWithoutTheParameter_MispStillAskedForLocalTags()
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.PostAsync("/events/restSearch", Json("""{"returnFormat":"json","published":1}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/excludeLocalTags:0", Received("/events/restSearch")!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/events/view/4?other=2")]
    [InlineData("/events/index?page=2&limit=5")]
    public async Task Query_TheGatewayDoesNotRead_NeverReachesMisp(string path)
    {
        // MISP's REST reads no query (a proposal's ?uuid= is refused before, MispRequest.QueryReplacesPassedArguments),
        // but writes the one it received into the url of its error bodies.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync(path);

        var forwarded = Assert.Single(_servers.Simulator.Requests, r => r.PathAndQuery.StartsWith(path.Split('?')[0], StringComparison.Ordinal));
        Assert.DoesNotContain('?', forwarded.PathAndQuery);
    }

    [Theory]
    [InlineData("/events/view/4/excludeLocalTags%3A1")]
    [InlineData("/events/view/4/EXCLUDELOCALTAGS:1")]
    [InlineData("/events/view/4?excludeLocalTags=1")]
    public async Task View_ExcludeLocalTagsInAnySpelling_NotForwarded(string path)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("excludelocaltags", Received("/events/view")!.PathAndQuery.ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/events/view/4/viewAs:1/disable_background_processing:1/deleted[]:0/deleted[]:1/foo:bar", "/events/view/4/deleted[]:0/deleted[]:1")]
    [InlineData("/events/index/searchemail:a@example.test/order:Event.user_id/searchinfo:x/sort:timestamp", "/events/index/sort:timestamp")]
    public async Task NonSearch_NamedParameterTheActionDoesNotReadOrTheGatewayDoesNotUnderstand_NeverReachesMisp(string path, string expected)
    {
        // Off the searches MISP is asked with only the named parameters the action reads and the gateway understands:
        // not AppController's disable_background_processing, a site admin's viewAs, the index's raw SQL order.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, Uri.UnescapeDataString(Received(path[..path.IndexOf('/', 8)])!.PathAndQuery));
    }

    [Theory]
    [InlineData("""{"Minimal":1,"published":1}""")]
    [InlineData("""{"request":{"searchminimal":1,"published":1}}""")]
    public async Task Index_MinimalInAnySpelling_RemovedFromWhatMispIsAsked(string body)
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.PostAsync("/events/index", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("minimal", Encoding.UTF8.GetString(Received("/events/index")!.Body), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AttributesRestSearch_ClientsIncludeEventTagsInTheRequestWrapper_WrittenOnceAsNamed()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/attributes/restSearch", Json("""{"request":{"includeEventTags":0,"returnFormat":"json"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Received("/attributes/restSearch")!;
        Assert.Contains("/includeEventTags:1", received.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("""{"request":{}}""", Encoding.UTF8.GetString(received.Body));
    }

    [Theory]
    [InlineData("POST", "/events/restSearch", """{"request":{"returnFormat":"xml"}}""", null)]
    [InlineData("POST", "/events/restSearch/openioc", "{}", null)]
    [InlineData("POST", "/events/restSearch/returnFormat:suricata", "{}", null)]
    [InlineData("POST", "/events/restSearch?returnFormat=csv", "{}", null)]
    [InlineData("GET", "/events/view/4.xml", null, null)]
    [InlineData("GET", "/events/index.csv", null, null)]
    [InlineData("GET", "/events/view/4", null, "application/xml")]
    [InlineData("GET", "/events/view/4", null, "text/html")]
    [InlineData("POST", "/attributes/restSearch", """{"returnFormat":"snort"}""", null)]
    public async Task Format_NonJsonAnywhereMispReadsOne_Refused406NothingForwarded(string method, string path, string? body, string? accept)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) };
        if (accept is not null)
        {
            request.Headers.Accept.Clear();
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Null(Received("/events/"));
        Assert.Null(Received("/attributes/"));
    }

    [Fact]
    public async Task SightingsRestSearchEvent_HowAMispServerPullsSightings_Forwarded()
    {
        using var server = _servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");

        using var response = await server.PostAsync("/sightings/restSearch/event", Json("""{"returnFormat":"json","last":0,"includeUuid":true,"uuid":["350ab53f-8177-46f1-9c4f-212fa799ee04"]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("/sightings/restSearch/context:event", Received("/sightings/restSearch")!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/events/index")]
    [InlineData("/attributes/view/5")]
    [InlineData("/shadow_attributes/index/all:1")]
    public async Task Head_OnAReadEndpoint_AskedAsGetAndAnsweredWithoutBody(string path)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        var received = Received("/" + path.Split('/')[1])!;
        Assert.Equal("GET", received.Method);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/events/view/8", "127.0.0.2", SimulatorKeys.OrgD)]
    [InlineData("/events/view/4", "127.0.0.1", SimulatorKeys.OrgC)]
    [InlineData("/events/index", "127.0.0.1", SimulatorKeys.OrgC)]
    [InlineData("/events/checkuuid/x", "127.0.0.1", SimulatorKeys.OrgC)]
    public async Task Head_OnTheWire_StatusAndHeadersOnlyNeverABody(string path, string source, string key)
    {
        // HttpClient never reads a HEAD answer's body: read what the gateway really sends.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(_servers.GatewayUrl.Host, _servers.GatewayUrl.Port);
        await using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HEAD {path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: {key}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"));
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await stream.CopyToAsync(received, timeout.Token);

        var answer = Encoding.ASCII.GetString(received.ToArray());
        var end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, answer);
        Assert.Equal(string.Empty, answer[(end + 4)..]);
    }

    [Fact]
    public async Task Answers_RelayedAndGatewayMade_NoServerNoPoweredByNoSetCookie()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var missing = await client.GetAsync("/events/view/999999");
        using var refused = await client.GetAsync("/events/checkuuid/x");
        using var released = await client.GetAsync("/events/view/4");

        foreach (var response in new[] { missing, refused, released })
        {
            Assert.False(response.Headers.Contains("Server"), $"{(int)response.StatusCode} carries Server");
            Assert.False(response.Headers.Contains("X-Powered-By"));
            Assert.False(response.Headers.Contains("Set-Cookie"), $"{(int)response.StatusCode} carries Set-Cookie");
        }

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ForwardingHeaders_FromTheClient_NotPassedToMisp()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/view/4");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "misp.internal");
        request.Headers.TryAddWithoutValidation("Forwarded", "host=misp.internal");
        request.Headers.TryAddWithoutValidation("X_Custom_Header", "x");

        using var response = await client.SendAsync(request);

        var received = Received("/events/view")!;
        Assert.Null(received.Header("X-Forwarded-Host"));
        Assert.Null(received.Header("Forwarded"));
        Assert.DoesNotContain(received.Headers, h => h.Key.Contains('_', StringComparison.Ordinal));
    }

    [Fact]
    public async Task HeadersTheGatewayDoesNotRead_NeverForwarded()
    {
        // Dotted names PHP registers as the underscored ones (If-None-Match's ETag oracle, MISP's client IP header,
        // its request decompression), a header MISP's CustomAuth plugin may be set to log users in by, and the rest.
        string[] unread = ["If.None.Match", "X.Forwarded.For", "Content.Encoding", "X-Pgp.Signature", "X-Remote-User", "X-Request-ID", "Sec-Fetch-Site", "X-Requested-With"];
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/view/4");
        foreach (var name in unread)
        {
            request.Headers.TryAddWithoutValidation(name, "1");
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Received("/events/view")!;
        Assert.All(unread, name => Assert.Null(received.Header(name)));
        Assert.Equal(SimulatorKeys.OrgC, received.Header("Authorization"));
        Assert.NotNull(received.Header("User-Agent"));
        Assert.DoesNotContain(received.Headers, h => h.Key.Contains('.', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("application/xml", "<Event><info>x</info></Event>", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/xml", "<Event/>", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", "{\"Event\":{\"info\":\"a\",\"info\":\"b\"}}", HttpStatusCode.BadRequest)]
    [InlineData("text/plain", "not json", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"Event\":{\"info\":\"a\\uD800\"}}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"Event\":{\"\\uDC00info\":\"a\"}}", HttpStatusCode.BadRequest)]
    [InlineData("application/x-www-form-urlencoded", "_method=DELETE", HttpStatusCode.Forbidden)]
    public async Task Body_TheGatewayCannotRead_RefusedNothingForwarded(string contentType, string body, HttpStatusCode status)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(status, response.StatusCode);
        Assert.Null(Received("/events/add"));
    }

    [Fact]
    public async Task Body_Form_ReadAsPhpDoesAndForwardedAsTheJsonJudged()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", new StringContent("data%5BEvent%5D%5Binfo%5D=from+a+form", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Received("/events/add")!;
        Assert.StartsWith("application/json", received.Header("Content-Type"), StringComparison.Ordinal);
        var evt = JsonNode.Parse(received.Body)!["Event"]!;
        Assert.Equal("from a form", (string?)evt["info"]);
        Assert.Contains("tlp:amber", evt["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }

    [Theory]
    [InlineData("GET", "/events/view/4/extended:1", null)]
    [InlineData("POST", "/events/view/4", """{"extended":1}""")]
    [InlineData("POST", "/events/restSearch", """{"request":{"extended":"1"}}""")]
    [InlineData("GET", "/events/view/4/extended:0/extended:0", null)]
    public async Task ExtendedView_MergingOtherEvents_Refused403NothingForwarded(string method, string path, string? body)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Received("/events/"));
    }

    [Theory]
    [InlineData("POST", "/events/restSearch", """{"eventid":"4","extensionList":1}""")]
    [InlineData("POST", "/events/restSearch", """{"request":{"eventid":"4","extensionList":"yes"}}""")]
    [InlineData("GET", "/events/restSearch/eventid:4/extensionList:1", null)]
    [InlineData("GET", "/events/restSearch/eventid:4/extensionList:0/extensionList:", null)]
    public async Task RestSearch_ExtensionListNamingEventsTheRequesterMayNotReceive_Refused403NothingForwarded(string method, string path, string? body)
    {
        // Event::fetchEvent lists every event that extends a result (id, uuid, info, source) as ExtendedBy.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("eventsExtendingUuid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(Received("/events/"));
    }

    [Theory]
    [InlineData("POST", "/events/restSearch", """{"eventid":"4","flatten":1}""")]
    [InlineData("POST", "/events/restSearch", """{"request":{"eventid":"4","Flatten":"true"}}""")]
    [InlineData("GET", "/events/restSearch/eventid:4/flatten:1", null)]
    public async Task RestSearch_FlattenedEventsWithoutTheirObjects_Refused403NothingForwarded(string method, string path, string? body)
    {
        // Event::fetchEvent with flatten lists objects' attributes at the top of the event and leaves the objects out:
        // their template, distribution and sharing group, which the member rules and the inheritance read, with them.
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Received("/events/"));
    }

    [Fact]
    public async Task RestSearch_FlattenOff_Served()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch", Json("""{"eventid":"4","flatten":0}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/events/view/8/sql:2", null)]
    [InlineData("GET", "/events/view/4/sql[]:1", null)]
    [InlineData("POST", "/events/restSearch/sql:1", """{"returnFormat":"json"}""")]
    [InlineData("GET", "/events/index/SQL:1", null)]
    [InlineData("GET", "/servers/getVersion/sql:1", null)]
    public async Task DebugSqlLog_AskedInThePath_Refused403NothingForwarded(string method, string path, string? body)
    {
        // RestResponseComponent appends (sql:1) or answers instead (sql:2) MISP's SQL log in debug mode: the queries of the unfiltered answer.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => !r.PathAndQuery.StartsWith("/users/view/me", StringComparison.Ordinal));
    }

    [Fact]
    public async Task View_PostedOptionsAsPyMispSendsThem_ForwardedAsTheJsonRead()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC, userAgent: "PyMISP 2.5.1 - Python 3.11");

        using var response = await client.PostAsync("/events/view/4", Json("""{"deleted":true,"excludeLocalTags":1}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // (The filter's own look-ups of related events are GETs.)
        var received = Assert.Single(_servers.Simulator.Requests, r => r.Method == "POST" && r.PathAndQuery.StartsWith("/events/view/4", StringComparison.Ordinal));
        Assert.Equal("""{"deleted":true}""", Encoding.UTF8.GetString(received.Body));
    }
}
