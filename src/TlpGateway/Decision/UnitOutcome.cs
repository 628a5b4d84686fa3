using TlpGateway.Shapes;
using TlpGateway.Tlp;

namespace TlpGateway.Decision;

/// <summary>Where a unit stands in the answer, which is all the filter knows of it before its content.</summary>
internal enum UnitPlace : byte
{
    /// <summary>An object standing for one record: the whole answer, or an element of a list of records.</summary>
    Record,

    /// <summary>An element of <c>response.Attribute</c> (<c>/attributes/restSearch</c>).</summary>
    AttributeRow,

    /// <summary>A string, number or literal element of a list: it carries no MISP data.</summary>
    Scalar,
}

/// <summary>One part removed from a released record, for the audit trail, the metrics and the maintainers' preview.</summary>
/// <param name="Kind">The part's kind, as <see cref="ItemShape.Name"/> names it.</param>
/// <param name="Uuid">Its UUID, when it has one.</param>
/// <param name="Id">Its local id (attributes are named by id in proposals and sightings).</param>
/// <param name="Reason">Why: <c>tlp-red</c>, <c>rule-blockedTags</c>, <c>object-emptied</c>, <c>source-hidden</c>...</param>
internal readonly record struct Removal(string Kind, string? Uuid, string? Id, string Reason);

/// <summary>What became of one record (an event, a row, an item) of a response.</summary>
/// <param name="Released">Whether any of it leaves.</param>
/// <param name="Kind">What it is (<see cref="ItemShape.Name"/>).</param>
/// <param name="Reason">Why it was withheld, or null.</param>
/// <param name="EventUuid">The event it is or concerns, where known.</param>
/// <param name="Tlp">Its effective TLP, where judged.</param>
/// <param name="AttributesRemoved">How many attributes were removed from it (or it was, for an attribute row).</param>
/// <param name="Rewritten">Whether anything of it was changed.</param>
internal readonly record struct UnitOutcome(bool Released, string Kind, string? Reason, string? EventUuid, TlpLevel? Tlp, int AttributesRemoved, bool Rewritten)
{
    public static UnitOutcome PassedThrough => new(true, "other", null, null, null, 0, false);

    /// <summary>What kind of record it was, so a withheld single record is answered as MISP answers a missing one.</summary>
    public RecordKind Record { get; init; } = RecordKind.NoData;

    /// <summary>The event's source organisation, where the record named one.</summary>
    public string? OrgcUuid { get; init; }

    /// <summary>The event's <c>timestamp</c>, where the record is a released event described for a look-up.</summary>
    public string? EventTimestamp { get; init; }

    /// <summary>The event's local id, where the record named one.</summary>
    public string? EventId { get; init; }

    /// <summary>Whether the event's source was hidden from the requester.</summary>
    public bool HidesSource { get; init; }

    /// <summary>The event's distribution as the requester receives it (capped for a MISP server), where it has one.</summary>
    public int? Distribution { get; init; }

    /// <summary>The parts removed from the record, each with its reason; empty when nothing was.</summary>
    public IReadOnlyList<Removal> Removals { get; init; } = [];

    /// <summary>
    /// A released event's judged TLP of each attribute it leaves with, in the order it lists them (its
    /// own, then each object's); only where the record goes to a sink (an export marks each with it,
    /// as the tags that decided it may not leave: a stripped local tag).
    /// </summary>
    public IReadOnlyList<TlpLevel>? AttributeLevels { get; init; }

    /// <summary>The tags the gateway added (the default marking), or none.</summary>
    public IReadOnlyList<string> AddedTags { get; init; } = [];

    /// <summary>The events (or items) the filter must look up before it can decide the record.</summary>
    public IReadOnlyList<string>? Lookups { get; init; }
}
