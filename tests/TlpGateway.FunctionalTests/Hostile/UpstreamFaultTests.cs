using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Hostile;

/// <summary>
/// MISP's answers broken in every way the filter might meet: whatever happens, no byte of an event
/// the requester may not receive reaches it, it gets a clean error or a body that does not parse,
/// and the gateway serves the next request.
/// </summary>
public sealed class UpstreamFaultTests : IAsyncLifetime
{
    private const string RedUuid = "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2";
    private static readonly byte[] RestSearch = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", "events_restSearch_json__admin.json"));
    private TestServers _servers = null!;
    private string[] _secrets = [];

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync(c => c["Gateway:UpstreamTimeout"] = "00:00:02");

        // Event 8 is ORG_C's TLP:RED event: its UUID and attribute values must never reach ORG_D.
        var red = _servers.Simulator.FindEvent("8")!;
        _secrets = [RedUuid, .. red["Attribute"]!.AsArray().Select(a => (string)a!["value"]!).Where(v => v.Length >= 6)];
        Assert.NotEmpty(_secrets.Skip(1));
    }

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    public static TheoryData<int> TruncationPoints()
    {
        var data = new TheoryData<int>();
        var start = Encoding.UTF8.GetString(RestSearch).IndexOf(RedUuid, StringComparison.Ordinal) - 300;
        foreach (var point in new[] { 0, 1, 15, 200, start, start + 150, start + 400, start + 700, start + 1000, start + 1500, RestSearch.Length / 2, RestSearch.Length - 3, RestSearch.Length - 2 })
        {
            data.Add(point);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TruncationPoints))]
    public async Task TruncatedAnswer_AnyPosition_NoLeakAndBrokenOrError(int length)
    {
        Serve(new RawResponse(200, "application/json; charset=UTF-8", RestSearch[..length]));

        var (status, body, complete) = await FetchAsync("/events/restSearch");

        AssertNoSecret(body);
        Assert.True(status == HttpStatusCode.BadGateway || !complete || !Parses(body), $"a truncated answer passed as whole ({status})");
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("}")]
    [InlineData("\"")]
    [InlineData("]")]
    [InlineData("x")]
    [InlineData("\\")]
    public async Task CorruptedByteInsideWithheldEvent_NoLeak(string corruption)
    {
        var text = Encoding.UTF8.GetString(RestSearch);
        var at = text.IndexOf(RedUuid, StringComparison.Ordinal) + 500;
        Serve(new RawResponse(200, "application/json; charset=UTF-8", Encoding.UTF8.GetBytes(text[..at] + corruption + text[(at + 1)..])));

        var (_, body, _) = await FetchAsync("/events/restSearch");

        AssertNoSecret(body);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task SecondDocumentAfterTheAnswer_NoLeak()
    {
        // A harmless answer, then in the same write (small enough to arrive as one read) the TLP:RED event.
        var red = new System.Text.Json.Nodes.JsonObject { ["Event"] = _servers.Simulator.FindEvent("8")!.DeepClone() };
        Serve(new RawResponse(200, "application/json; charset=UTF-8", [.. "{\"response\":[]}\n"u8, .. JsonSerializer.SerializeToUtf8Bytes(red)]));

        var (status, body, complete) = await FetchAsync("/events/restSearch");

        AssertNoSecret(body);
        Assert.True(status == HttpStatusCode.BadGateway || !complete, $"an answer with a second document passed as whole ({status})");
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("/events/restSearch", """{"response":[],"sql_dump":{"log":[{"query":"SELECT `Event`.`id` FROM `events` WHERE `Event`.`uuid` = 'RED'","affected":1}]}}""")]
    [InlineData("/events/restSearch", """{"response":[],"count":1,"first":"RED"}""")]
    [InlineData("/events/restSearch", """{"response":["RED"]}""")]
    [InlineData("/events/restSearch", """{"response":[],"response":["RED"]}""")]
    [InlineData("/events/index", """["RED"]""")]
    [InlineData("/events/index", """[["RED"]]""")]
    [InlineData("/events/view/4", """{"sql_dump":{"log":[{"query":"SELECT `Event`.`id` FROM `events` WHERE `Event`.`uuid` = 'RED'","affected":1}]}}""")]
    [InlineData("/events/view/4", """{"Event":{"id":"4","uuid":"1bfc1897-b375-497c-9f02-b164e32bc94a","Orgc":{"uuid":"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390"},"Tag":[{"name":"tlp:clear"}]},"sql_dump":{"log":[{"query":"WHERE `Event`.`uuid` = 'RED'"}]}}""")]
    public async Task EnvelopeHoldingWhatIsNoRecord_NoLeak502(string path, string answer)
    {
        // MISP in debug mode appends its SQL log beside "response" (RestResponseComponent, named sql:1).
        Serve(new RawResponse(200, "application/json; charset=UTF-8", Encoding.UTF8.GetBytes(answer.Replace("RED", RedUuid, StringComparison.Ordinal))));

        var (status, body, _) = await FetchAsync(path);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        AssertNoSecret(body);
    }

    [Fact]
    public async Task DuplicateTagKey_HarmlessFirst_EventNeverReleased()
    {
        var text = Encoding.UTF8.GetString(RestSearch);
        var evt = text.IndexOf(RedUuid, StringComparison.Ordinal);
        var insertAt = text.IndexOf("\"Attribute\":", evt, StringComparison.Ordinal);
        var forged = text[..insertAt] + "\"Tag\":[{\"name\":\"tlp:clear\"}]," + text[insertAt..];
        Serve(new RawResponse(200, "application/json; charset=UTF-8", Encoding.UTF8.GetBytes(forged)));

        var (_, body, _) = await FetchAsync("/events/restSearch");

        AssertNoSecret(body);
    }

    [Theory]
    [InlineData("TLP:RED")]
    [InlineData("tlp:\\u0072ed")]
    [InlineData(" tlp:red ")]
    [InlineData("\\u0074lp:Red")]
    public async Task RedTagSpelledDifferently_StillWithheld(string spelling)
    {
        var forged = Encoding.UTF8.GetString(RestSearch).Replace("\"name\":\"tlp:red\"", $"\"name\":\"{spelling}\"", StringComparison.Ordinal);
        Serve(new RawResponse(200, "application/json; charset=UTF-8", Encoding.UTF8.GetBytes(forged)));

        var (status, body, _) = await FetchAsync("/events/restSearch");

        Assert.Equal(HttpStatusCode.OK, status);
        AssertNoSecret(body);
    }

    [Fact]
    public async Task JsonLabelledAsHtml_StillFiltered()
    {
        Serve(new RawResponse(200, "text/html; charset=UTF-8", RestSearch));

        var (_, body, _) = await FetchAsync("/events/restSearch");

        AssertNoSecret(body);
    }

    [Fact]
    public async Task HtmlLabelledAsJson_Refused502()
    {
        Serve(new RawResponse(200, "application/json", Encoding.UTF8.GetBytes("<html><body>MISP login</body></html>")));

        var (status, _, _) = await FetchAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.BadGateway, status);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("x-gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task CompressedAnswer_DecodedAndFilteredLikeAnyOther(string encoding)
    {
        // A MISP behind a compressing proxy (SPEC section 7): decoded, then judged event by event.
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/restSearch", StringComparison.Ordinal)
            ? new RawResponse(200, "application/json", Compress(RestSearch, encoding)) { ContentEncoding = encoding }
            : null;

        var (status, body, complete) = await FetchAsync("/events/restSearch");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(complete);
        AssertNoSecret(body);
        using var answer = JsonDocument.Parse(body);
        Assert.NotEmpty(answer.RootElement.GetProperty("response").EnumerateArray());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("compress")]
    public async Task CompressedAnswerBrokenOrUnknown_NoLeak502(string encoding)
    {
        // Cut inside the TLP:RED event, or in an encoding the gateway cannot decode: nothing of it leaves.
        var compressed = Compress(RestSearch, encoding is "compress" ? "gzip" : encoding);
        var body = encoding is "compress" ? compressed : compressed[..(compressed.Length / 2)];
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/restSearch", StringComparison.Ordinal)
            ? new RawResponse(200, "application/json", body) { ContentEncoding = encoding }
            : null;

        var (status, text, complete) = await FetchAsync("/events/restSearch");

        AssertNoSecret(text);
        Assert.True(status == HttpStatusCode.BadGateway || !complete || !Parses(text), $"a broken compressed answer passed as whole ({status})");
        await AssertStillServesAsync();
    }

    private static byte[] Compress(byte[] input, string encoding)
    {
        using var compressed = new MemoryStream();
        using (Stream codec = encoding switch
        {
            "br" => new BrotliStream(compressed, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true),
            _ => new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            codec.Write(input);
        }

        return compressed.ToArray();
    }

    [Fact]
    public async Task BodyShorterThanContentLength_NoLeakBrokenAnswer()
    {
        var cut = Encoding.UTF8.GetString(RestSearch).IndexOf(RedUuid, StringComparison.Ordinal) + 200;
        Serve(new RawResponse(200, "application/json", RestSearch[..cut]) { DeclaredLength = RestSearch.Length });

        var (status, body, complete) = await FetchAsync("/events/restSearch");

        AssertNoSecret(body);
        Assert.True(status != HttpStatusCode.OK || !complete || !Parses(body));
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task UpstreamStallsMidEvent_NoLeakAndGatewayRecovers()
    {
        var cut = Encoding.UTF8.GetString(RestSearch).IndexOf(RedUuid, StringComparison.Ordinal) + 200;
        Serve(new RawResponse(200, "application/json", RestSearch) { StallAfterBytes = cut });

        var (status, body, complete) = await FetchAsync("/events/restSearch");

        AssertNoSecret(body);
        Assert.True(status != HttpStatusCode.OK || !complete || !Parses(body));
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task DeeplyNestedJson_Refused()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + string.Concat(Enumerable.Repeat("}", 5000));
        Serve(new RawResponse(200, "application/json", Encoding.UTF8.GetBytes("{\"response\":[" + deep + "]}")));

        var (status, _, complete) = await FetchAsync("/events/restSearch");

        Assert.True(status == HttpStatusCode.BadGateway || !complete);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task HugeEventBeyondBound_Refused()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Filter:MaxEventBytes"] = "100000");
        var huge = "{\"response\":[{\"Event\":{\"uuid\":\"" + RedUuid + "\",\"info\":\"" + new string('A', 2_000_000) + "\",\"Tag\":[{\"name\":\"tlp:clear\"}]}}]}";
        servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/restSearch", StringComparison.Ordinal) ? new RawResponse(200, "application/json", Encoding.UTF8.GetBytes(huge)) : null;
        using var client = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync("/events/restSearch", new StringContent("""{"returnFormat":"json"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain(RedUuid, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamesNoMispShapeHolds_NamingTheSource_GoWhereItIsHiddenStayForTheOwner()
    {
        // MISP writes no such names: what they hold may name the source, so where it is hidden they go.
        var evt = _servers.Simulator.FindEvent("4")!;
        evt["x_source_org"] = "ORG_C";
        foreach (var attribute in evt["Attribute"]!.AsArray())
        {
            attribute!["x_reported_by"] = "user@org-c.test";
        }

        using var thirdParty = _servers.CreateClient(SimulatorKeys.ThirdParty, "127.0.0.4");
        using var owner = _servers.CreateClient(SimulatorKeys.OrgC, "127.0.0.1");

        var hidden = await thirdParty.GetStringAsync("/events/view/4");
        var shown = await owner.GetStringAsync("/events/view/4");

        using var released = JsonDocument.Parse(hidden);
        Assert.NotEmpty(released.RootElement.GetProperty("Event").GetProperty("Attribute").EnumerateArray());
        Assert.DoesNotContain("x_source_org", hidden, StringComparison.Ordinal);
        Assert.DoesNotContain("x_reported_by", hidden, StringComparison.Ordinal);
        Assert.DoesNotContain("ORG_C", hidden, StringComparison.Ordinal);
        using var owned = JsonDocument.Parse(shown);
        var ownEvent = owned.RootElement.GetProperty("Event");
        Assert.Equal("ORG_C", ownEvent.GetProperty("x_source_org").GetString());
        Assert.All(ownEvent.GetProperty("Attribute").EnumerateArray(), a => Assert.Equal("user@org-c.test", a.GetProperty("x_reported_by").GetString()));
    }

    private void Serve(RawResponse response) =>
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/", StringComparison.Ordinal) ? response : null;

    private async Task<(HttpStatusCode Status, byte[] Body, bool Complete)> FetchAsync(string path)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        using var request = new HttpRequestMessage(path.Contains("view", StringComparison.Ordinal) ? HttpMethod.Get : HttpMethod.Post, path);
        if (request.Method == HttpMethod.Post)
        {
            // A search MISP reads (it refuses a POST without data).
            request.Content = new StringContent("""{"returnFormat":"json"}""", Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (HttpRequestException)
        {
            // The gateway ended the connection before any answer: nothing was received.
            return (0, [], false);
        }

        using var _ = response;
        using var received = new MemoryStream();
        var complete = true;
        try
        {
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(received);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            complete = false;
        }

        return (response.StatusCode, received.ToArray(), complete);
    }

    private void AssertNoSecret(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        foreach (var secret in _secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    private static bool Parses(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task AssertStillServesAsync()
    {
        _servers.Simulator.Faults.Override = null;
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        using var response = await client.GetAsync("/events/view/4");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
