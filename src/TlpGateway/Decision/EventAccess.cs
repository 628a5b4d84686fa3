using TlpGateway.Filtering;
using TlpGateway.Shapes;
using TlpGateway.Tlp;

namespace TlpGateway.Decision;

/// <summary>
/// What the gateway knows of an event (or an item) for one requester, from a look-up judged by the
/// same decision: whether it may receive it, whose it is, whether its source is hidden from it, its
/// marking and distribution, and which of its parts it may not receive.
/// </summary>
/// <param name="Receivable">Whether the requester may receive it.</param>
/// <param name="OrgcUuid">Its source, also when withheld (an owner's own event withheld from its MISP server is still its own).</param>
/// <param name="EventId">Its local id.</param>
/// <param name="HidesSource">Whether its source is hidden from the requester.</param>
/// <param name="RemovedUuids">The UUIDs of its parts removed for the requester.</param>
internal sealed record EventAccess(bool Receivable, string? OrgcUuid, string? EventId, bool HidesSource, string[] RemovedUuids)
{
    public static readonly EventAccess Withheld = new(false, null, null, false, []);

    public string? EventUuid { get; init; }

    /// <summary>The event's <c>timestamp</c> when it was judged (MISP moves it on every change, a tag added included).</summary>
    public long? Timestamp { get; init; }

    /// <summary>
    /// Whether this access holds as of the version <paramref name="named"/> (an event's <c>timestamp</c>
    /// an answer gives, none: any): what was withheld is not released by being older, so only a
    /// confirmed event must have been judged at that version or later.
    /// </summary>
    public bool IsOfVersion(long? named) => named is null || !Receivable || Timestamp >= named;

    /// <summary>An event's <c>timestamp</c> text as a version (digits only), or null.</summary>
    public static long? Version(string? timestamp) =>
        long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : null;

    /// <summary>Its effective TLP, which its parts inherit.</summary>
    public TlpLevel Tlp { get; init; }

    /// <summary>Its distribution as the requester receives it (capped for a MISP server), which its parts inherit.</summary>
    public int? Distribution { get; init; }

    /// <summary>The local ids of its attributes removed for the requester (proposals and sightings name attributes by id).</summary>
    public string[] RemovedAttributeIds { get; init; } = [];

    /// <summary>Whether <paramref name="item"/>, or what it names, is a part removed from this event.</summary>
    public bool Removed(Node item, ItemShape shape)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(shape);
        if (RemovedUuids.Length == 0 && RemovedAttributeIds.Length == 0)
        {
            return false;
        }

        if (item.Text(Key.Uuid) is { } uuid && RemovedUuids.Contains(uuid, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        if (shape.Kind is ItemKind.Attribute or ItemKind.AttributeRow && item.Text(Key.Id) is { } id && RemovedAttributeIds.Contains(id, StringComparer.Ordinal))
        {
            return true;
        }

        foreach (var prop in item.Props)
        {
            if (shape.NamesUuid.Contains(prop.Key) && item.TextAt(item.IndexOf(prop.Key)) is { } named && RemovedUuids.Contains(named, StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }

            if (shape.NamesAttributeId.Contains(prop.Key) && item.TextAt(item.IndexOf(prop.Key)) is { } attributeId and not "0" && RemovedAttributeIds.Contains(attributeId, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What a judged event's outcome says of it, for the cache.</summary>
    public static EventAccess From(UnitOutcome outcome)
    {
        var removals = outcome.Removals;
        // A removed correlation names another event, not a part of this one.
        var parts = removals.Where(r => r.Kind != MispShapes.Correlation.Name).Select(r => r.Uuid).OfType<string>();
        return new EventAccess(outcome.Released, outcome.OrgcUuid, outcome.EventId, outcome.HidesSource, [.. parts])
        {
            EventUuid = outcome.EventUuid,
            Timestamp = Version(outcome.EventTimestamp),
            Tlp = outcome.Tlp ?? TlpLevel.Red,
            Distribution = outcome.Distribution,
            RemovedAttributeIds = [.. removals.Where(r => r.Kind == MispShapes.Attribute.Name && r.Id is not null).Select(r => r.Id!)],
        };
    }
}
