using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;
using TlpGateway.Tests.Redis;

namespace TlpGateway.FunctionalTests.Telemetry;

/// <summary>
/// The shipped dashboard, tested for real: a real Prometheus scrapes a real gateway's <c>/metrics</c>
/// after it served traffic of every kind the panels show, and every PromQL query of
/// <c>deploy/grafana/dashboards/*.json</c> returns data.
/// </summary>
/// <remarks>
/// Alone in its collection: a metrics provider listens to every meter of its name in the process,
/// and the other tests' gateways, started and disposed beside it, would add their measurements and
/// then, disposing their meters, end the streams it shares with them. In production a process holds
/// one gateway.
/// </remarks>
[Collection(nameof(DashboardQueryTests))]
[CollectionDefinition(nameof(DashboardQueryTests), DisableParallelization = true)]
public sealed class DashboardQueryTests
{
    private const string BrokenKey = "brokenlookupbrokenlookupbrokenlookupbrok";

    public static IEnumerable<(string Dashboard, string Panel, string Expr)> Queries() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "deploy", "grafana", "dashboards"), "*.json")
            .SelectMany(file => JsonNode.Parse(File.ReadAllText(file))!["panels"]!.AsArray()
                .SelectMany(panel => panel!["targets"]!.AsArray().Select(target => (Path.GetFileName(file), (string)panel["title"]!, (string)target!["expr"]!))));

    [Fact]
    public async Task Dashboard_EveryQuery_ReturnsDataFromPrometheusScrapingTheGateway()
    {
        var queries = Queries().ToList();
        Assert.NotEmpty(queries);
        using var redis = new RedisServer();
        await using var servers = await TestServers.StartAsync(c =>
        {
            c["Gateway:Metrics:Prometheus"] = "true";
            c["Gateway:Redis"] = redis.Endpoint;
            c["Gateway:RedisOptions:ConnectTimeout"] = "00:00:10";

            // An audit trail that cannot be written: its failures are a panel too.
            c["Gateway:Audit:Path"] = "/proc/tlpgateway-cannot-write/audit.jsonl";
        });
        using var prometheus = new PrometheusServer(servers.GatewayUrl, "/metrics");

        await ServeEveryKindOfTrafficAsync(servers, redis);
        GC.Collect();
        await prometheus.WaitForScrapeAsync(TimeSpan.FromSeconds(60));

        // Generous: rates need two scrapes after a series appears, and the machine is shared.
        var empty = queries.ToList();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (empty.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var query in empty.ToList())
            {
                if (await prometheus.QueryAsync(query.Expr) is { Count: > 0 })
                {
                    empty.Remove(query);
                }
            }

            if (empty.Count > 0)
            {
                await Task.Delay(500);
            }
        }

        Assert.True(empty.Count == 0, $"queries without data (last scrape: {await prometheus.LastScrapeAsync()}): " + string.Join("; ", empty.Select(q => $"{q.Dashboard} '{q.Panel}': {q.Expr}")));
    }

    /// <summary>Admissions and refusals, released, removed and rewritten events, a write, a broken MISP answer, look-ups that fail and are retried, a members file reload, and Redis going away.</summary>
    private static async Task ServeEveryKindOfTrafficAsync(TestServers servers, RedisServer redis)
    {
        servers.Simulator.PutEvent(JsonNode.Parse($$"""
            {"id":"95","orgc_id":"3","org_id":"3","info":"clear, one red attribute","uuid":"0d0d0d0d-0000-4000-8000-000000000095","distribution":"3","protected":null,"timestamp":"1700000000",
             "Org":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},"Orgc":{"id":"3","name":"ORG_C","uuid":"{{SimulatorOrgs.OrgC}}"},
             "Attribute":[
               {"id":"950","type":"ip-dst","category":"Network activity","value":"198.51.100.77","uuid":"0d0d0d0d-0000-4000-8000-000000000950","distribution":"5","to_ids":true,"Tag":[{"id":"5","name":"tlp:red","local":false}]},
               {"id":"951","type":"ip-dst","category":"Network activity","value":"198.51.100.78","uuid":"0d0d0d0d-0000-4000-8000-000000000951","distribution":"5","to_ids":true}],
             "Object":[],"Tag":[{"id":"1","name":"tlp:clear","local":false}]}
            """)!.AsObject());
        servers.Simulator.Faults.Override = request =>
            request.PathAndQuery.StartsWith("/events/index", StringComparison.OrdinalIgnoreCase) ? new RawResponse(200, "application/json", "[{\"Event\":{\"id\":\"1\",\"uuid\":"u8.ToArray())
            : request.Header("Authorization") == BrokenKey ? new RawResponse(500, "application/json", "{\"name\":\"Internal error\"}"u8.ToArray())
            : null;

        using (var outsider = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.9"))
        using (var member = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2"))
        using (var owner = servers.CreateClient(SimulatorKeys.OrgC))
        using (var unknown = servers.CreateClient("unknownkeyunknownkeyunknownkeyunknownkey"))
        {
            await SendAsync(outsider, HttpMethod.Get, "/events/view/4");
            await SendAsync(member, HttpMethod.Get, "/events/view/8");
            await SendAsync(member, HttpMethod.Get, "/events/view/4");
            await SendAsync(member, HttpMethod.Get, "/events/view/95");
            await SendAsync(member, HttpMethod.Get, "/events/index");
            await SendAsync(owner, HttpMethod.Post, "/events/add", """{"Event":{"info":"untagged","Attribute":[{"type":"ip-dst","value":"203.0.113.9"}]}}""");
            await SendAsync(unknown, HttpMethod.Get, "/events/view/4");
        }

        var members = JsonNode.Parse(await File.ReadAllTextAsync(servers.MembersFile))!;
        members["members"]![0]!["name"] = "renamed to make the gateway reload its members file";
        var edited = servers.MembersFile + ".tmp";
        await File.WriteAllTextAsync(edited, members.ToJsonString());
        File.Move(edited, servers.MembersFile, overwrite: true);

        // Last, so its failures do not open the look-up circuit for the traffic above.
        using (var broken = servers.CreateClient(BrokenKey))
        {
            await SendAsync(broken, HttpMethod.Get, "/events/view/4");
        }

        redis.Stop();
        using (var member = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2"))
        {
            await SendAsync(member, HttpMethod.Get, "/events/view/4");
        }
    }

    private static async Task SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
    }
}
