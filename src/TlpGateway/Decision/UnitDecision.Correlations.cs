using TlpGateway.Filtering;
using TlpGateway.Shapes;

namespace TlpGateway.Decision;

/// <summary>Correlations (SPEC section 3): kept only to related events the gateway confirmed.</summary>
internal sealed partial class UnitDecision
{
    /// <summary>
    /// Keeps only the correlations to related events the gateway confirmed the requester may
    /// receive, from which it removes nothing for the requester, and only while it removes nothing
    /// from this event either: a correlation can stem from a removed attribute, and would tell its
    /// value. Kept related events show the forwarder as source where either event's source is
    /// hidden. Returns the related events to look up first (and this event itself), or null once decided.
    /// </summary>
    private List<string>? JudgeCorrelations(Node evt, bool hide)
    {
        var related = List(evt, Key.RelatedEvent);
        if (related is null)
        {
            return null;
        }

        var known = _context.KnownEvents;

        // A MISP server computes correlations of its own from what it stores: none are looked up for it.
        var limit = known is not null && _removals.Count == 0 && !Requester.IsSyncIdentity
            ? Math.Min(related.Items.Length, _context.MaxCorrelationLookups)
            : 0;
        List<string>? lookups = null;
        for (var i = 0; i < limit; i++)
        {
            if (RelatedUuid(related.Items[i]) is { } uuid && _context.Known(uuid, related.Items[i].Child(Key.Event)!.Text(Key.Timestamp)) is null)
            {
                (lookups ??= []).Add(uuid);
            }
        }

        if (lookups is not null)
        {
            // Correlations are mutual: asked along, this event is known to the events after it in the answer that list it.
            if (evt.Text(Key.Uuid) is { } own && !known!.ContainsKey(own))
            {
                lookups.Add(own);
            }

            return lookups;
        }

        for (var i = 0; i < related.Items.Length; i++)
        {
            var item = related.Items[i];
            item.JudgedMark = _mark;
            if (i < limit && RelatedUuid(item) is { } uuid && known![uuid] is { Receivable: true, RemovedUuids.Length: 0 } access
                && item.Child(Key.Event) is { } relatedEvent && relatedEvent.Text(Key.Id) is { } id)
            {
                var hidden = hide || access.HidesSource;
                _keptCorrelations[id] = hidden;
                Deliver(item, MispShapes.Correlation, new ItemScope(evt.Scope.Level, null, null, hidden));
            }
            else
            {
                Remove(item, MispShapes.Correlation, "not-confirmed");
            }
        }

        _edits.RemoveMarked(related, _mark);
        return null;
    }

    /// <summary>The UUID of the event a correlation (an element of <c>RelatedEvent</c>) names.</summary>
    internal static string? RelatedUuid(Node item) => item.IsObject && item.Child(Key.Event) is { IsObject: true } relatedEvent ? relatedEvent.Text(Key.Uuid) : null;

    /// <summary>An attribute's correlations stay where they name (by local id) a related event kept in the event's list.</summary>
    private void DeliverAttributeCorrelations(Node correlations)
    {
        foreach (var correlation in correlations.Items)
        {
            if (correlation.IsArray)
            {
                // events/view's includeGranularCorrelations appends MISP's own rows of these correlations as one list,
                // before the entries JSONConverterTool writes for them: the entries are judged, the copy never leaves.
                correlation.RemovedMark = _mark;
                continue;
            }

            if (!correlation.IsObject)
            {
                throw new FilterException("a correlation is not an object");
            }

            if (correlation.Text(Key.EventId) is { } id && _keptCorrelations.TryGetValue(id, out var hidden))
            {
                Deliver(correlation, MispShapes.RelatedAttribute, new ItemScope(default, null, null, hidden));
            }
            else
            {
                correlation.RemovedMark = _mark;
            }
        }
    }
}
