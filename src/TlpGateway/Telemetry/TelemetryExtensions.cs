using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace TlpGateway.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics over OTLP, configured by the standard <c>OTEL_*</c> variables.
/// <c>OpenTelemetry.Extensions.Hosting</c> is not available here, so the providers are built with the
/// SDK and owned (and disposed, which flushes them) by the service container. Without
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> nothing is exported and nothing is started.
/// </summary>
internal static class TelemetryExtensions
{
    /// <summary>The gateway's own instruments and spans (every <c>TlpGateway.*</c> meter).</summary>
    public const string GatewaySources = "TlpGateway.*";

    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        if (!Uri.TryCreate(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"], UriKind.Absolute, out var endpoint))
        {
            return builder;
        }

        // The OTEL_* settings are read through configuration (environment variables included), so
        // they can also come from appsettings or the command line.
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        var interval = int.TryParse(configuration["OTEL_METRIC_EXPORT_INTERVAL"], out var milliseconds) ? milliseconds : 60_000;
        var resource = ResourceBuilder.CreateDefault().AddService(configuration["OTEL_SERVICE_NAME"] ?? "tlpgateway");
        void Exporter(OtlpExporterOptions options, string signal)
        {
            options.Protocol = protocol;
            options.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint, signal) : endpoint;
        }

        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource("Microsoft.AspNetCore", "System.Net.Http", "Yarp.ReverseProxy", GatewayActivities.SourceName)
            .AddOtlpExporter(options => Exporter(options, "v1/traces"))
            .Build());
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "Yarp.ReverseProxy", GatewaySources)
            .AddOtlpExporter((options, reader) =>
            {
                Exporter(options, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
            })
            .Build());
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(resource);
            logging.AddOtlpExporter(options => Exporter(options, "v1/logs"));
        });
        builder.Services.AddHostedService<TelemetryStarter>();
        return builder;
    }

    /// <summary>Resolves the providers at start so they listen from the first request on.</summary>
    private sealed class TelemetryStarter(TracerProvider tracing, MeterProvider metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(tracing);
            GC.KeepAlive(metrics);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracing.ForceFlush(5000);
            metrics.ForceFlush(5000);
            return Task.CompletedTask;
        }
    }
}
