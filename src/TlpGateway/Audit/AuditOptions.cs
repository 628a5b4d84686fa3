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

    /// <summary>
    /// At most how long a written record waits to be flushed to disk (fsync). Records reach the file
    /// (the operating system) as soon as they are written; a busy answer removes hundreds of items,
    /// and syncing each small batch cost a fifth of a core. <c>00:00:00</c> syncs every batch.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(1);
}
