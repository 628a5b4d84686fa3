using System.ComponentModel.DataAnnotations;

namespace TlpGateway;

/// <summary>The <c>Gateway</c> configuration section (docs/configuration.md).</summary>
internal sealed class GatewayOptions : IValidatableObject
{
    public const string SectionName = "Gateway";

    /// <summary>MISP base URL.</summary>
    [Required(ErrorMessage = "Gateway:Upstream is required: the MISP base URL, e.g. https://misp.example.org")]
    public Uri? Upstream { get; set; }

    /// <summary>Path of the members file (docs/members.md); relative paths resolve against the current directory.</summary>
    [Required(ErrorMessage = "Gateway:MembersFile is required: the path of the members file")]
    public string? MembersFile { get; set; }

    /// <summary>PEM file of the certificate or CA to trust for an https MISP with a private CA.</summary>
    public string? UpstreamCertificate { get; set; }

    /// <summary>Addresses or CIDRs whose <c>X-Forwarded-For</c> is believed.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Who may read <c>/healthz</c> and <c>/readyz</c> besides loopback.</summary>
    public List<string> HealthNetworks { get; set; } = [];

    /// <summary>How long MISP may take before the gateway answers 504.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(100);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Upstream is { } upstream && (!upstream.IsAbsoluteUri || upstream.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult($"Gateway:Upstream '{upstream.OriginalString}' is not an absolute http or https URL (e.g. https://misp.example.org)", [nameof(Upstream)]);
        }

        if (UpstreamTimeout <= TimeSpan.Zero || UpstreamTimeout > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult($"Gateway:UpstreamTimeout {UpstreamTimeout} must be more than zero and at most 01:00:00", [nameof(UpstreamTimeout)]);
        }
    }
}
