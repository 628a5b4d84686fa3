namespace TlpGateway.Benchmarks;

/// <summary>
/// The gateway as it is built and configured, its proxy pipeline without the egress filter: for
/// the load harness's row that separates admission's and the request model's cost from the
/// filter's. Only this benchmark host can compose it (the seam is internal); the gateway's own
/// program always filters.
/// </summary>
internal static class PipelineWithoutFilter
{
    public static void Run(string[] configuration)
    {
        var app = GatewayApplication.Build(configuration, configure: null, GatewayApplication.UseRequestRules);
        app.Run();
    }
}
