using System.Text;
using System.Text.Json;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Simulator;

/// <summary>The simulator's restSearch reads <c>uuid</c> and <c>eventid</c> (and attributes' <c>type</c>) as MISP's <c>convert_filters</c> does.</summary>
public sealed class SimulatorSearchTests : IAsyncLifetime
{
    private const string Event4 = "1bfc1897-b375-497c-9f02-b164e32bc94a";
    private const string Event6 = "93609343-d094-4903-bb82-4fba52a1838f";
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Theory]
    [InlineData($$"""{"returnFormat":"json","uuid":["{{Event4}}","{{Event6}}"]}""", "4,6")]
    [InlineData($$$"""{"request":{"returnFormat":"json","uuid":["{{{Event6}}}","{{{Event4}}}"]}}""", "4,6")]
    [InlineData("""{"returnFormat":"json","eventid":["4","6"]}""", "4,6")]
    [InlineData("""{"returnFormat":"json","eventid":[4,6]}""", "4,6")]
    [InlineData($$"""{"returnFormat":"json","uuid":"{{Event4}}&&{{Event6}}"}""", "4,6")]
    [InlineData("""{"returnFormat":"json","eventid":["4","6","!6"]}""", "4")]
    [InlineData("""{"returnFormat":"json","uuid":"1BFC1897-B375-497C-9F02-B164E32BC94A"}""", "4")]
    [InlineData("""{"returnFormat":"json","eventid":"6"}""", "6")]
    [InlineData($$"""{"returnFormat":"json","uuid":["{{Event4}}","{{Event6}}"],"eventid":"6"}""", "6")]
    [InlineData("""{"returnFormat":"json","uuid":["00000000-1111-4222-8333-444444444444"]}""", "")]
    public async Task RestSearch_UuidOrEventIdFilter_TheEventsMispWouldReturn(string body, string ids)
    {
        using var client = TestServers.CreateClient(_servers.SimulatorUrl);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/events/restSearch", new StringContent(body, Encoding.UTF8, "application/json"));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ids, string.Join(',', json.RootElement.GetProperty("response").EnumerateArray().Select(e => e.GetProperty("Event").GetProperty("id").GetString())));
    }

    [Theory]
    [InlineData("""{"returnFormat":"json","eventid":4}""", "4")]
    [InlineData("""{"request":{"returnFormat":"json","eventid":["4","6"]}}""", "4,6")]
    [InlineData("""{"returnFormat":"json","eventid":4,"type":"domain"}""", "4")]
    [InlineData($$"""{"returnFormat":"json","uuid":"{{Event6}}"}""", "6")]
    [InlineData($$"""{"returnFormat":"json","eventid":["4","6"],"uuid":"!{{Event6}}"}""", "4")]
    public async Task AttributesRestSearch_EventIdUuidOrTypeFilter_TheAttributesMispWouldReturn(string body, string eventIds)
    {
        using var client = TestServers.CreateClient(_servers.SimulatorUrl);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorKeys.OrgC);

        using var response = await client.PostAsync("/attributes/restSearch", new StringContent(body, Encoding.UTF8, "application/json"));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var rows = json.RootElement.GetProperty("response").GetProperty("Attribute").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.Equal(eventIds, string.Join(',', rows.Select(a => a.GetProperty("event_id").GetString()).Distinct()));
        if (body.Contains("\"type\"", StringComparison.Ordinal))
        {
            Assert.All(rows, a => Assert.Equal("domain", a.GetProperty("type").GetString()));
        }
    }
}
