namespace TlpGateway.Telemetry;

/// <summary>The metrics the gateway serves itself: <c>Gateway:Metrics</c>.</summary>
internal sealed class MetricsOptions
{
    public const string SectionName = "Gateway:Metrics";

    /// <summary>Serve <c>/metrics</c> for Prometheus to scrape (to loopback and <c>Gateway:HealthNetworks</c> only).</summary>
    public bool Prometheus { get; set; }
}
