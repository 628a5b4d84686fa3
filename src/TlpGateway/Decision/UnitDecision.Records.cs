using TlpGateway.Filtering;
using TlpGateway.Provenance;
using TlpGateway.Shapes;
using TlpGateway.Tlp;

namespace TlpGateway.Decision;

/// <summary>Items MISP answers on their own (views, indexes, sighting and proposal lists): judged by the event they concern.</summary>
internal sealed partial class UnitDecision
{
    private static readonly KeySet EventCounts = KeySet.Of(Key.TagCount, Key.EventCount);

    /// <summary>
    /// An attribute, object, report, proposal, sighting or analyst data answered without its event:
    /// judged as part of the event it concerns (looked up through MISP with the requester's key,
    /// SPEC section 3), and withheld when that event may not be received, when the item (or what it
    /// names) was removed from it, or when the look-up failed.
    /// </summary>
    private UnitOutcome DecideItemRecord(Record record, Node unit)
    {
        var item = record.Item;
        var shape = record.Shape;

        // :: Step 2 — the event it concerns.
        if (ConcernedEvent(record) is not { } reference || _context.KnownEvents is not { } known)
        {
            return Withheld(record.Kind, shape.Name, "not-judgeable", null, null);
        }

        // A relationship on its own points at an item of its own: that item must be confirmed too.
        var related = record.Kind == RecordKind.AnalystData ? Reference(item.Text(Key.RelatedObjectType), item.Text(Key.RelatedObjectUuid)) : null;
        var unknown = new List<string>(2);
        foreach (var needed in related is null ? [reference] : new[] { reference, related })
        {
            if (!known.ContainsKey(needed))
            {
                unknown.Add(needed);
            }
        }

        if (unknown.Count > 0)
        {
            return new UnitOutcome(false, shape.Name, "needs-lookup", null, null, 0, false) { Lookups = unknown, Record = record.Kind };
        }

        var access = known[reference];
        if (related is not null && known[related] is { Receivable: true } relatedAccess)
        {
            _confirmed = item.Text(Key.RelatedObjectUuid);
            _confirmedHidesSource = relatedAccess.HidesSource;
        }

        _orgc = access.OrgcUuid;
        if (!access.Receivable)
        {
            return Withheld(record.Kind, shape.Name, "concerns-withheld-event", access.EventUuid, access.Tlp);
        }

        if (access.Removed(item, shape))
        {
            return Withheld(record.Kind, shape.Name, "concerns-withheld-item", access.EventUuid, access.Tlp);
        }

        if (SelectedBySource(access.HidesSource))
        {
            return Withheld(record.Kind, shape.Name, SelectedBySourceReason, access.EventUuid, access.Tlp);
        }

        // :: Steps 3-5 — the item judged as its event's part.
        var scope = new ItemScope(access.Tlp, access.Distribution, access.Distribution, access.HidesSource);
        var kept = shape.Kind == ItemKind.Object ? JudgeObject(item, scope) : Judge(item, shape, scope, out _);
        if (!kept)
        {
            return Withheld(record.Kind, shape.Name, item.RemovedMark == _mark ? "removed-from-event" : "not-judgeable", access.EventUuid, item.Scope.Level);
        }

        // The tag links MISP writes beside the item (AttributesController::add answers {"Attribute", "AttributeTag"})
        // are its own tags: they count for its marking as if they were in it.
        if (!ReferenceEquals(unit, item) && shape[Key.AttributeTag].Role == Role.TagLinks && unit.Child(Key.AttributeTag) is not null)
        {
            var beside = OwnLevel(Marking(unit, MispShapes.RecordTagLinks, out _, out _));
            if (beside > item.Scope.Level)
            {
                if (!EntitlementPolicy.MayReceive(beside, _orgc, Requester))
                {
                    return Withheld(record.Kind, shape.Name, TlpReasons[(int)beside], access.EventUuid, beside);
                }

                item.Scope = item.Scope with { Level = beside };
            }
        }

        // :: Step 6 — delivery, with the blocks beside it.
        Deliver(item, shape, item.Scope);
        DeliverRecordBlocks(unit, item, shape, item.Scope);
        return new UnitOutcome(true, shape.Name, null, access.EventUuid, item.Scope.Level, _removals.Attributes, _edits.Count > 0)
        {
            Record = record.Kind,
            OrgcUuid = _orgc,
            HidesSource = access.HidesSource,
            Removals = _removals.Describe(),
        };
    }

    /// <summary>
    /// How a standalone item names its event: by UUID where it can (<c>event_uuid</c>, the stub's
    /// <c>uuid</c>), else by local id. Analyst data names what it concerns by type and UUID: an event
    /// directly, anything else through that item's own view (<c>attribute/UUID</c>).
    /// </summary>
    private static string? ConcernedEvent(Record record)
    {
        var item = record.Item;
        if (record.Kind == RecordKind.AnalystData)
        {
            return Reference(item.Text(Key.ObjectType), item.Text(Key.ObjectUuid));
        }

        var stub = item.Child(Key.Event) is { IsObject: true } inner ? inner : record.EventStub is { IsObject: true } beside ? beside : null;
        return item.Text(Key.EventUuid) ?? stub?.Text(Key.Uuid) ?? item.Text(Key.EventId) ?? stub?.Text(Key.Id);
    }

    /// <summary>How analyst data names what it concerns: an event by UUID, anything else through that item's own view.</summary>
    private static string? Reference(string? type, string? uuid) => (type, uuid) switch
    {
        (_, null) => null,
        ("Event", _) => uuid,
        ("Attribute" or "Object" or "EventReport", _) => type.ToLowerInvariant() + "/" + uuid,
        _ => null,
    };

    /// <summary>
    /// A galaxy cluster on its own belongs to no event: a default cluster (from MISP's galaxies) is
    /// public, TLP:CLEAR; a cluster an organisation made is judged like an untagged event — its own
    /// tags, else the community's default TLP, with its source hidden under the Chatham House Rule.
    /// </summary>
    private UnitOutcome DecideCluster(Record record, Node unit)
    {
        var cluster = record.Item;
        _orgc = Orgc(cluster);
        var marking = Marking(cluster, MispShapes.GalaxyCluster, out _, out _);
        cluster.JudgedMark = _mark;
        var isDefault = cluster.IsSet(Key.Default);
        var level = isDefault ? OwnLevel(marking) : marking.Effective(_context.DefaultTlp);
        var uuid = cluster.Text(Key.Uuid);
        if (!EntitlementPolicy.MayReceive(level, _orgc, Requester))
        {
            return Withheld(RecordKind.GalaxyCluster, "galaxy-cluster", TlpReasons[(int)level], null, level);
        }

        var hide = ClusterHidesSource(cluster, marking);
        if (SelectedBySource(hide))
        {
            return Withheld(RecordKind.GalaxyCluster, "galaxy-cluster", SelectedBySourceReason, null, level);
        }

        var scope = new ItemScope(level, null, null, hide);
        if (!Judge(cluster, MispShapes.GalaxyCluster, scope, out var reason))
        {
            return Withheld(RecordKind.GalaxyCluster, "galaxy-cluster", reason, null, level);
        }

        if (_context.MinimalClusters)
        {
            // What the judging edited lies inside what the minimal shape replaces.
            _edits.Clear();
            MinimalRow.ReplaceCluster(_edits, unit, cluster);
            return new UnitOutcome(true, "galaxy-cluster", null, null, level, 0, true) { Record = RecordKind.GalaxyCluster, OrgcUuid = _orgc, HidesSource = hide } with { EventUuid = uuid };
        }

        Deliver(cluster, MispShapes.GalaxyCluster, cluster.Scope);
        DeliverRecordBlocks(unit, cluster, MispShapes.GalaxyCluster, scope);

        // MISP's count of the events tagged with the cluster includes those the requester may not receive.
        _edits.RemoveProps(cluster, EventCounts);
        return new UnitOutcome(true, "galaxy-cluster", null, null, level, 0, _edits.Count > 0) { Record = RecordKind.GalaxyCluster, OrgcUuid = _orgc, HidesSource = hide } with { EventUuid = uuid };
    }

    /// <summary>
    /// Whether a cluster's own source is hidden from the requester: a cluster an organisation made
    /// (not <c>default</c>) falls under CHR like an untagged event, on its own and wherever an event
    /// or an index row carries it; a default cluster is hidden only from a third party.
    /// </summary>
    private bool ClusterHidesSource(Node cluster, TlpMarking marking) =>
        SourcePolicy.HidesSource(Requester, Orgc(cluster), !cluster.IsSet(Key.Default) && SourcePolicy.ChathamHouseApplies(marking, _context.Community));

    /// <summary>
    /// <c>/analyst_data/indexMinimal</c> names analyst data by UUID only: each entry is looked up and
    /// kept only when the requester may receive it, so a server never learns the UUIDs of notes on
    /// events it may not receive.
    /// </summary>
    private UnitOutcome DecideAnalystIndex(Node unit)
    {
        var known = _context.KnownEvents;
        List<string>? lookups = null;
        if (unit.HasUnrecorded)
        {
            throw new FilterException("the analyst data index holds something other than analyst data");
        }

        foreach (var group in unit.Props)
        {
            // MISP writes a group only for a kind that has entries: notes, opinions, relationships, nothing else.
            if (group.Key is not (Key.Note or Key.Opinion or Key.Relationship) || unit.ChildOf(group) is not { IsObject: true } entries)
            {
                throw new FilterException("the analyst data index holds something other than analyst data");
            }

            foreach (var entry in entries.Props)
            {
                var key = "analyst/" + EntryUuid(unit, entry);
                if (known is not null && !known.ContainsKey(key))
                {
                    (lookups ??= []).Add(key);
                }
            }
        }

        if (lookups is not null)
        {
            return new UnitOutcome(false, "analyst-data", "needs-lookup", null, null, 0, false) { Lookups = lookups, Record = RecordKind.AnalystDataIndex };
        }

        var removed = 0;
        foreach (var group in unit.Props)
        {
            var entries = unit.ChildOf(group)!;
            var drop = new List<int>();
            for (var i = 0; i < entries.Props.Length; i++)
            {
                if (known is null || !known.TryGetValue("analyst/" + EntryUuid(unit, entries.Props[i]), out var access) || !access.Receivable || SelectedBySource(access.HidesSource))
                {
                    drop.Add(i);
                }
            }

            removed += drop.Count;
            _edits.RemovePropsAt(entries, drop);
        }

        return new UnitOutcome(true, "analyst-data", null, null, null, 0, removed > 0) { Record = RecordKind.AnalystDataIndex };
    }

    private static string EntryUuid(Node unit, in Prop entry) => System.Text.Encoding.UTF8.GetString(unit.RawName(entry));
}
