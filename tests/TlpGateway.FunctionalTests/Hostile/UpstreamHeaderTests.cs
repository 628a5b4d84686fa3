using System.Net;
using System.Text;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Hostile;

/// <summary>
/// What surrounds the items in MISP's answers: its headers, its status and its Content-Type. Only what
/// the gateway understands leaves; nothing about MISP's unfiltered answer, or about MISP itself, does.
/// </summary>
public sealed class UpstreamHeaderTests : IAsyncLifetime
{
    private const string SignedUuid = "5e1f0a55-0000-4000-8000-00000000000a";

    // What MISP (or a proxy in front of it) may write about its own answer: sizes, ranges, digests,
    // versions, links and addresses of MISP, a session, the user's log name.
    private static readonly KeyValuePair<string, string>[] AboutMispsAnswer =
    [
        new("Content-Range", "bytes 0-10/99999"), new("Accept-Ranges", "bytes"), new("Content-Location", "https://misp.internal:8443/events/view/8"),
        new("Link", "<https://misp.internal:8443/events/index/page:2>; rel=next"), new("Refresh", "0; url=https://misp.internal:8443/"),
        new("Digest", "sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="), new("Content-MD5", "Q2hlY2sgSW50ZWdyaXR5IQ=="), new("X-Result-Count", "99"),
        new("ETag", "\"b0e058cd44c298af138b6e1ca7660c64ac372fa9\""), new("Last-Modified", "Sun, 22 Nov 2026 10:16:01 GMT"), new("X-Username", "user@org-d.test/API/3"),
        new("X-Misp-Unknown", "anything"), new("Access-Control-Allow-Origin", "*"), new("Content-Language", "en"),
    ];

    // What MISP says about the requester's own key: MISP servers and scripts read it.
    private static readonly KeyValuePair<string, string>[] AboutTheRequester =
    [
        new("X-Auth-Key-Expiration", "2027-01-01T00:00:00+00:00"), new("X-Rate-Limit-Limit", "100"), new("X-Rate-Limit-Remaining", "99"),
        new("X-Rate-Limit-Reset", "60"), new("X-Deprecation-Warning", "Deprecated parameter"),
    ];

    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Theory]
    [InlineData("GET", "/events/view/4")]
    [InlineData("GET", "/events/view/8")]
    [InlineData("HEAD", "/events/view/4")]
    [InlineData("POST", "/events/restSearch")]
    [InlineData("GET", "/events/index")]
    [InlineData("GET", "/servers/getVersion")]
    public async Task Answer_HeadersAboutMispsAnswer_NeverLeaveAndRequestersOwnDo(string method, string path)
    {
        _servers.Simulator.Faults.ExtraHeaders = r => r.PathAndQuery.StartsWith("/users/", StringComparison.Ordinal) ? null : [.. AboutMispsAnswer, .. AboutTheRequester];

        using var response = await SendAsync(SimulatorKeys.OrgD, "127.0.0.2", method, path);

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{(int)response.StatusCode}");
        foreach (var (name, _) in AboutMispsAnswer)
        {
            Assert.False(response.Headers.NonValidated.Contains(name) || response.Content.Headers.NonValidated.Contains(name), $"{name} left with a {(int)response.StatusCode}");
        }

        foreach (var (name, value) in AboutTheRequester)
        {
            Assert.Equal(value, Assert.Single(response.Headers.GetValues(name)));
        }
    }

    [Fact]
    public async Task View_ProtectedEventReleasedUnchanged_KeepsMispsSignature()
    {
        ServeSigned(withRedAttribute: false);

        using var response = await SendAsync(SimulatorKeys.OrgC, "127.0.0.1", "GET", "/events/view/" + SignedUuid);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SignedEvent(withRedAttribute: false), await response.Content.ReadAsStringAsync());
        Assert.Equal("c2lnbmF0dXJl", Assert.Single(response.Headers.GetValues("x-pgp-signature")));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task View_ProtectedEventWithheld_AnsweredWithoutItsSignatureAsAMissingOne(string method)
    {
        // ORG_D may not receive the TLP:RED attribute, so the signed event cannot leave unchanged: withheld.
        ServeSigned(withRedAttribute: true);

        using var withheld = await SendAsync(SimulatorKeys.OrgD, "127.0.0.2", method, "/events/view/" + SignedUuid);
        _servers.Simulator.Faults.Override = null;
        using var missing = await SendAsync(SimulatorKeys.OrgD, "127.0.0.2", method, "/events/view/999999");

        Assert.Equal(HttpStatusCode.NotFound, withheld.StatusCode);
        Assert.Equal(HeaderNames(missing), HeaderNames(withheld));
        Assert.False(withheld.Headers.Contains("x-pgp-signature"));
    }

    [Theory]
    [InlineData("text/html; charset=UTF-8")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=ISO-8859-1")]
    [InlineData(null)]
    public async Task Answer_JsonLabelledOtherwiseOrNot_LeavesLabelledAsTheUtf8JsonItIs(string? contentType)
    {
        // An event's info holding markup: labelled text/html, a browser would run it on the gateway's origin.
        var body = Encoding.UTF8.GetBytes($$$"""{"response":[{"Event":{"id":"4","uuid":"{{{SignedUuid}}}","info":"<script>alert(1)</script>","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{SimulatorOrgs.OrgC}}}"},"Tag":[{"name":"tlp:clear"}]}}]}""");
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/restSearch", StringComparison.Ordinal) ? new RawResponse(200, contentType, body) : null;

        using var response = await SendAsync(SimulatorKeys.OrgD, "127.0.0.2", "POST", "/events/restSearch");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains(SignedUuid, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, "https://misp.internal:8443/events/8", "/events/8")]
    [InlineData(302, "https://misp.internal:8443/attributes/view/12", "/attributes/view/12")]
    [InlineData(200, "https://misp.internal:8443/events/8", "/events/8")]
    [InlineData(404, "https://misp.internal:8443/users/login", null)]
    [InlineData(302, "https://misp.internal:8443/users/login", null)]
    [InlineData(404, "//misp.internal:8443/events/8", null)]
    public async Task Answer_MispsLocation_LeavesOnlyAsAPathTheGatewayServes(int status, string location, string? expected)
    {
        // MISP writes its own base URL into the Location of an event that already exists (EventsController::add).
        var body = Encoding.UTF8.GetBytes("""{"name":"Event already exists, if you would like to edit it, use the url in the location header.","message":"Event already exists, if you would like to edit it, use the url in the location header.","url":"\/events\/add"}""");
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/add", StringComparison.Ordinal) ? new RawResponse(status, "application/json; charset=UTF-8", body) { Location = location } : null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/add", new StringContent("""{"Event":{"info":"pushed","uuid":"5e1f0a55-0000-4000-8000-00000000000c","Tag":[{"name":"tlp:green"}]}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
        Assert.DoesNotContain("misp.internal", string.Join("\n", response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value)), StringComparison.Ordinal);
    }

    private void ServeSigned(bool withRedAttribute)
    {
        var body = Encoding.UTF8.GetBytes(SignedEvent(withRedAttribute));
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/view/" + SignedUuid, StringComparison.Ordinal)
            ? new RawResponse(200, "application/json; charset=UTF-8", body)
            : null;
        _servers.Simulator.Faults.ExtraHeaders = r => r.PathAndQuery.StartsWith("/events/view/" + SignedUuid, StringComparison.Ordinal) ? [new("x-pgp-signature", "c2lnbmF0dXJl")] : null;
    }

    private static string SignedEvent(bool withRedAttribute)
    {
        var org = $$"""{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"}""";
        var attributeTags = withRedAttribute ? ""","Tag":[{"name":"tlp:red"}]""" : "";
        var attribute = $$"""{"id":"901","type":"ip-dst","value":"198.51.100.77","uuid":"5e1f0a55-0000-4000-8000-00000000000b","distribution":"5"{{attributeTags}}""" + "}";
        return $$$"""{"Event":{"id":"77","orgc_id":"3","org_id":"3","info":"signed","uuid":"{{{SignedUuid}}}","protected":true,"distribution":"1","Attribute":[{{{attribute}}}],"Org":{{{org}}},"Orgc":{{{org}}},"Tag":[{"name":"tlp:clear"}]}}""";
    }

    private static string[] HeaderNames(HttpResponseMessage response) =>
        [.. response.Headers.Concat(response.Content.Headers).Select(h => h.Key.ToLowerInvariant()).Where(h => h is not ("date" or "content-length" or "transfer-encoding")).Order(StringComparer.Ordinal)];

    private async Task<HttpResponseMessage> SendAsync(string key, string source, string method, string path)
    {
        using var client = _servers.CreateClient(key, source);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("""{"returnFormat":"json"}""", Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
