using System.ComponentModel.DataAnnotations;

namespace TlpGateway.Ingress;

/// <summary><c>Gateway:Ingress</c>: bounds of what members write into the hub.</summary>
internal sealed class IngressOptions
{
    public const string SectionName = "Gateway:Ingress";

    /// <summary>The largest request body, after decoding gzip or br (413 beyond it).</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 64L * 1024 * 1024;
}
