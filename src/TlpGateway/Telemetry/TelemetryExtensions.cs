using OpenTelemetry;
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

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return services;
        }

        var resource = ResourceBuilder.CreateDefault().AddService(configuration["OTEL_SERVICE_NAME"] ?? "tlpgateway");
        services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource("Microsoft.AspNetCore", "System.Net.Http", "Yarp.ReverseProxy", GatewaySources)
            .AddOtlpExporter()
            .Build());
        services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "Yarp.ReverseProxy", GatewaySources)
            .AddOtlpExporter()
            .Build());
        services.AddHostedService<TelemetryStarter>();
        return services;
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
