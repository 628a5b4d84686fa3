using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Telemetry;

/// <summary>Traces and metrics leave over OTLP, and the gateway's own spans say who was judged and how.</summary>
public sealed class OpenTelemetryTests
{
    [Fact]
    public async Task OtlpExport_ToReceiver_CarriesGatewayMetricNames()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var servers = await TestServers.StartAsync(receiver.Configure);
        using var client = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        (await client.GetAsync("/events/view/8")).Dispose();

        // An export may fall between admission and the filter's decision: wait for one after both.
        byte[][] names = [Encoding.UTF8.GetBytes("tlpgateway.admission.decisions"), Encoding.UTF8.GetBytes("tlpgateway.filter.units")];
        await receiver.WaitForAsync("/v1/metrics", names);

        Assert.All(names, name => Assert.True(receiver.Exported("/v1/metrics", name), Encoding.UTF8.GetString(name) + " was not exported"));
    }

    [Fact]
    public async Task OtlpExportAndAuditTrail_SearchValuesAndKeysInTheUrl_NeitherRecordsThem()
    {
        // What a member searches for is intelligence, and MISP reads it from the path as well as the body.
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var servers = await TestServers.StartAsync(receiver.Configure);
        using var client = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        (await client.GetAsync("/attributes/restSearch/value:searched-ioc.example/type:domain/json?searchall=searched-in-query")).Dispose();
        (await client.GetAsync("/events/view/searched-positional.example")).Dispose();
        (await client.GetAsync("/events/restSearch/apikey:" + SimulatorKeys.OrgC + "/value:searched-with-key")).Dispose();

        // An ordered parameter is a searched value too, digits (a phone, card or IMEI number) as much as a name.
        (await client.GetAsync("/attributes/restSearch/json/" + SearchedNumber)).Dispose();
        using (var outsider = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.9"))
        {
            (await outsider.GetAsync("/events/restSearch/value:searched-refused.example")).Dispose();
            (await outsider.GetAsync("/events/restSearch/json/" + SearchedNumber)).Dispose();
        }

        // Both spans of each request (the gateway's server span, its client span to MISP) name the endpoint.
        await receiver.WaitForAsync("/v1/traces", [Encoding.UTF8.GetBytes("/attributes/restSearch/value:"), Encoding.UTF8.GetBytes("/events/view/")]);
        var audit = string.Join('\n', await servers.WaitForAuditLinesAsync(1, line => line.Contains("address-not-allowed", StringComparison.Ordinal) && line.Contains("/events/restSearch/*", StringComparison.Ordinal)));

        Assert.True(receiver.Exported("/v1/traces", Encoding.UTF8.GetBytes("/attributes/restSearch/value:*/type:*/*")), "the span names the endpoint and the parameters' names");
        Assert.False(receiver.Exported(null, Encoding.UTF8.GetBytes("searched-")), "a searched value was exported");
        Assert.False(receiver.Exported(null, Encoding.UTF8.GetBytes(SimulatorKeys.OrgC)), "a key was exported");
        Assert.Contains("/events/restSearch/value:*", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("searched-", audit, StringComparison.Ordinal);
        Assert.False(receiver.Exported(null, Encoding.UTF8.GetBytes(SearchedNumber)), "a searched number was exported");
        Assert.Contains("/events/restSearch/*/*", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(SearchedNumber, audit, StringComparison.Ordinal);
    }

    private const string SearchedNumber = "490154203237518";

    [Fact]
    public async Task AdmissionAndFilterSpans_TaggedWithMemberAndDecision()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "TlpGateway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var servers = await TestServers.StartAsync();
        using var client = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        (await client.GetAsync("/events/view/8")).Dispose();

        Assert.Contains(spans, s => s.OperationName == "tlpgateway.admission" && (string?)s.GetTagItem("tlpgateway.member") == "org-d" && (string?)s.GetTagItem("tlpgateway.decision") == "admitted");
        Assert.Contains(spans, s => s.OperationName == "tlpgateway.filter" && (string?)s.GetTagItem("tlpgateway.member") == "org-d" && (string?)s.GetTagItem("tlpgateway.decision") == "withheld");
    }

    /// <summary>An OTLP/HTTP receiver on a free port that keeps what it was sent (protobuf, whose strings are their UTF-8 bytes).</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
        private readonly WebApplication _app;

        private OtlpReceiver(WebApplication app) => _app = app;

        public static async Task<OtlpReceiver> StartAsync()
        {
            var app = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]).Build();
            var receiver = new OtlpReceiver(app);
            app.Run(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver._received.Enqueue((context.Request.Path, body.ToArray()));
            });
            await app.StartAsync();
            return receiver;
        }

        public void Configure(IDictionary<string, string?> configuration)
        {
            configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = _app.Urls.First() + "/";
            configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            configuration["OTEL_METRIC_EXPORT_INTERVAL"] = "200";
            configuration["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        }

        /// <summary>Whether anything sent to <paramref name="path"/> (any path when null) holds <paramref name="bytes"/>.</summary>
        public bool Exported(string? path, byte[] bytes) => _received.Any(r => (path is null || r.Path == path) && r.Body.AsSpan().IndexOf(bytes) >= 0);

        public async Task WaitForAsync(string path, byte[][] all)
        {
            for (var i = 0; i < 100 && !all.All(bytes => Exported(path, bytes)); i++)
            {
                await Task.Delay(100);
            }
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
