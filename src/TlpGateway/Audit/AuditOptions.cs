using System.ComponentModel.DataAnnotations;

namespace TlpGateway.Audit;

/// <summary><c>Gateway:Audit</c>: where the audit trail is written.</summary>
internal sealed class AuditOptions
{
    public const string SectionName = "Gateway:Audit";

    /// <summary>The JSON-lines file; relative paths resolve against the current directory.</summary>
    [Required]
    public string Path { get; set; } = "audit/tlpgateway-audit.jsonl";

    /// <summary>Size at which the file is rotated (renamed with a time stamp) and a new one begun.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;
}
