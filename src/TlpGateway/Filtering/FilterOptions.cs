using System.ComponentModel.DataAnnotations;

namespace TlpGateway.Filtering;

/// <summary><c>Gateway:Filter</c>: bounds of the egress filter.</summary>
internal sealed class FilterOptions
{
    public const string SectionName = "Gateway:Filter";

    /// <summary>The largest single event (or row) the filter holds; a larger one ends the response as an error.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxEventBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long what a look-up found about an event (owner, whether the requester may receive it) is trusted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LookupCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many related events of one event the gateway looks up (cached like any look-up) to confirm
    /// the correlations it lets through; correlations beyond it, or all of them with 0, are removed.
    /// </summary>
    [Range(0, 1000)]
    public int MaxCorrelationLookups { get; set; } = 25;

    /// <summary>
    /// From how many bytes a held record (an event of megabytes) is large: large records are held
    /// at most <see cref="LargeRecordsAtOnce"/> at a time across all answers, so the gateway's memory
    /// is bounded by that number, not by how many clients ask for large events at once.
    /// </summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int LargeRecordBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many large records are scanned and decided at once (a turn ends when its record is
    /// decided; writing it out needs only its bytes). Each costs about three times its bytes while
    /// it is decided; deciding one keeps a core busy, so more than the cores gain nothing.
    /// </summary>
    [Range(1, 1024)]
    public int LargeRecordsAtOnce { get; set; } = 1;

    /// <summary>How long an answer whose record has grown large waits for its turn; longer, and it ends as an error.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LargeRecordWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many more events an event's look-up search asks along, found by reading the answer ahead:
    /// the related events the events after it list, and those events (each as it is looked up when
    /// it pauses, cached the same), so that a cold answer costs one search; 0 asks only the event's own.
    /// </summary>
    [Range(0, 5000)]
    public int MaxCorrelationLookAhead { get; set; } = 100;

    /// <summary>
    /// How far past an event that waits for look-ups the filter reads MISP's answer (holding it, with
    /// the event within <see cref="MaxEventBytes"/> and below <see cref="LargeRecordBytes"/>) before
    /// it asks, to find what the events after it need; 0 looks only at what has arrived already.
    /// </summary>
    [Range(0, 256 * 1024 * 1024)]
    public int CorrelationLookAheadBytes { get; set; } = 1024 * 1024;
}
