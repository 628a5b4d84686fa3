using System.Net;
using System.Text;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Paging;

/// <summary>
/// <c>limit</c> and <c>page</c> through the real gateway: pages counted over what the requester receives, so that paging
/// tells nothing of what is withheld (SPEC section 3, "No side channels"), and neither reaches MISP.
/// </summary>
public sealed class PagingTests : IAsyncLifetime
{
    // ORG_C's TLP:RED event 8.
    private const string RedEventUuid = "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2";
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Theory]
    [InlineData("/events/restSearch", """{"returnFormat":"json","limit":LIMIT,"page":PAGE}""")]
    [InlineData("/events/restSearch", """{"request":{"returnFormat":"json","limit":"LIMIT","page":"PAGE"}}""")]
    [InlineData("/events/index", """{"limit":LIMIT,"page":PAGE}""")]
    [InlineData("/events/index/limit:LIMIT/page:PAGE", null)]
    public async Task Paging_ThroughEveryPage_TheRecordsReceivedWithoutPagingNoPageShortButTheLast(string path, string? template)
    {
        // ORG_D (max green) receives some of the seeded events, not ORG_C's TLP:RED ones, nor its amber ones.
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        var whole = await UuidsAsync(client, path.Replace("/limit:LIMIT/page:PAGE", string.Empty, StringComparison.Ordinal), template is null ? null : """{"returnFormat":"json"}""");
        Assert.InRange(whole.Count, 3, 100);
        Assert.DoesNotContain(RedEventUuid, whole);

        const int limit = 2;
        var joined = new List<string>();
        for (var page = 1; page <= (whole.Count / limit) + 1; page++)
        {
            string Fill(string text) => text.Replace("LIMIT", limit.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("PAGE", page.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var released = await UuidsAsync(client, Fill(path), template is null ? null : Fill(template));

            Assert.Equal(whole.Skip((page - 1) * limit).Take(limit), released);
            joined.AddRange(released);
        }

        Assert.Equal(whole, joined);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.Contains("limit", StringComparison.OrdinalIgnoreCase) || r.PathAndQuery.Contains("page:", StringComparison.OrdinalIgnoreCase)
            || Encoding.UTF8.GetString(r.Body).Contains("limit", StringComparison.Ordinal) || Encoding.UTF8.GetString(r.Body).Contains("\"page\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/events/restSearch", """{"returnFormat":"json","limit":"2abc"}""")]
    [InlineData("/events/restSearch", """{"returnFormat":"json","limit":-1}""")]
    [InlineData("/attributes/restSearch", """{"value":"x","limit":2,"page":[2]}""")]
    [InlineData("/events/index/page:x", """{"limit":2}""")]
    public async Task Paging_NotAWholeNumber_Refused400NothingForwarded(string path, string body)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must be a whole number", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => !r.PathAndQuery.StartsWith("/users/view/me", StringComparison.Ordinal));
    }

    /// <summary>The event UUIDs of an answer, in order: a restSearch's events or an index's rows.</summary>
    private static async Task<List<string>> UuidsAsync(HttpClient client, string path, string? body)
    {
        using var response = body is null ? await client.GetAsync(path) : await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return TlpGateway.Tests.Shared.ReleasedEvents.Uuids(await response.Content.ReadAsByteArrayAsync());
    }
}
