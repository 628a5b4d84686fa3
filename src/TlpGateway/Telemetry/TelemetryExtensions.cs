using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TlpGateway.Audit;

namespace TlpGateway.Telemetry;

/// <summary>
/// OpenTelemetry through <c>OpenTelemetry.Extensions.Hosting</c>: the ASP.NET Core, HttpClient and
/// runtime instrumentation and the gateway's own <c>tlpgateway.*</c> instruments and spans, exported
/// over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the standard
/// <c>OTEL_*</c> settings from any configuration source) and served as <c>/metrics</c> when
/// <c>Gateway:Metrics:Prometheus</c> is true. With neither, nothing is collected at all.
/// </summary>
internal static class TelemetryExtensions
{
    /// <summary>The gateway's own instruments (every <c>TlpGateway.*</c> meter).</summary>
    public const string GatewayMeters = "TlpGateway.*";

    // The instrumentation's attributes that carry the path: recorded as the audit trail records it.
    private const string UrlPath = "url.path";
    private const string UrlFull = "url.full";

    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.AddValidatedOptions<MetricsOptions>(configuration, MetricsOptions.SectionName);
        var prometheus = configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>()?.Prometheus ?? false;
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!prometheus && !otlp)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "tlpgateway"))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Yarp.ReverseProxy", "Polly", GatewayMeters);
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (otlp)
        {
            // Spans and logs have no scrape endpoint: they are collected only when they can leave.
            telemetry
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(options => options.EnrichWithHttpRequest = (activity, request) => activity.SetTag(UrlPath, RecordedPath.Of(request.Path.Value)))
                    .AddHttpClientInstrumentation(options => options.EnrichWithHttpRequestMessage = (activity, request) => activity.SetTag(UrlFull, RecordedUrl(request.RequestUri)))
                    .AddSource("Yarp.ReverseProxy", GatewayActivities.SourceName))
                .WithLogging()
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>MISP's URL as a span records it: no query (it can carry searched values too) and the path masked.</summary>
    private static string? RecordedUrl(Uri? uri) =>
        uri is { IsAbsoluteUri: true } ? uri.GetLeftPart(UriPartial.Authority) + RecordedPath.Of(uri.AbsolutePath) : null;
}
