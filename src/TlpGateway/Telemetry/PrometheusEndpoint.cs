using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Health;

namespace TlpGateway.Telemetry;

/// <summary>
/// <c>/metrics</c>, served by the gateway itself like <c>/healthz</c>: to loopback and
/// <c>Gateway:HealthNetworks</c> only (anyone else, or everyone when <c>Gateway:Metrics:Prometheus</c>
/// is off, gets the 404 of a path that does not exist), and never proxied to MISP.
/// </summary>
internal static class PrometheusEndpoint
{
    public const string Path = "/metrics";

    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Prometheus)
        {
            endpoints.Map(Path, static context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }).WithOrder(-1);
            return endpoints;
        }

        var allowed = NetworkList.Parse(endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.HealthNetworks, "Gateway:HealthNetworks");
        endpoints.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(next => context =>
            {
                if (HealthEndpoints.IsOperator(context, allowed))
                {
                    return next(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }), optionsName: null)
            .WithOrder(-1);
        return endpoints;
    }
}
