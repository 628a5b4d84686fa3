using System.ComponentModel.DataAnnotations;

namespace TlpGateway;

/// <summary>The <c>Gateway</c> configuration section (SPEC section 10).</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>MISP base URL.</summary>
    [Required(ErrorMessage = "Gateway:Upstream is required: the MISP base URL, e.g. https://misp.example.org")]
    public Uri? Upstream { get; set; }

    /// <summary>Path of the members file (SPEC section 2).</summary>
    [Required(ErrorMessage = "Gateway:MembersFile is required: the path of the members file")]
    public string? MembersFile { get; set; }

    /// <summary>PEM file of the certificate or CA to trust for an https MISP with a private CA.</summary>
    public string? UpstreamCertificate { get; set; }

    /// <summary>Addresses or CIDRs whose <c>X-Forwarded-For</c> is believed.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Who may read <c>/healthz</c> and <c>/readyz</c> besides loopback.</summary>
    public List<string> HealthNetworks { get; set; } = [];

    /// <summary>How long MISP may take before the gateway answers 504.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(100);
}
