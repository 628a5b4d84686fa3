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
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        var receiver = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]).Build();
        receiver.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path, body.ToArray()));
        });
        await receiver.StartAsync();
        try
        {
            await using var servers = await TestServers.StartAsync(c =>
            {
                c["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Urls.First() + "/";
                c["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                c["OTEL_METRIC_EXPORT_INTERVAL"] = "200";
            });
            using var client = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
            (await client.GetAsync("/events/view/8")).Dispose();

            // An export may fall between admission and the filter's decision: wait for one after both.
            byte[][] names = [Encoding.UTF8.GetBytes("tlpgateway.admission.decisions"), Encoding.UTF8.GetBytes("tlpgateway.filter.units")];
            bool Exported(byte[] name) => received.Any(r => r.Path == "/v1/metrics" && r.Body.AsSpan().IndexOf(name) >= 0);
            for (var i = 0; i < 100 && !names.All(Exported); i++)
            {
                await Task.Delay(100);
            }

            Assert.All(names, name => Assert.True(Exported(name), Encoding.UTF8.GetString(name) + " was not exported"));
        }
        finally
        {
            await receiver.DisposeAsync();
        }
    }

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
}
