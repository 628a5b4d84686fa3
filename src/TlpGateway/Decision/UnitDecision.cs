using System.Buffers;
using System.Text.Json;
using TlpGateway.Defaults;
using TlpGateway.Filtering;
using TlpGateway.Provenance;
using TlpGateway.Shapes;
using TlpGateway.Tlp;

namespace TlpGateway.Decision;

/// <summary>
/// The decision over one record of an answer (SPEC sections 3-5): what it is, what it concerns,
/// whether it may leave, and what must change in it. Every kind of item is decided by the same
/// steps; what differs between kinds is read from their <see cref="ItemShape"/>. It writes no bytes
/// itself: its changes are <see cref="Edits"/> to the record's input, applied by <see cref="Emit"/>.
/// </summary>
/// <remarks>
/// The decision of a record:
/// <list type="number">
/// <item>Recognise: which record it is (<see cref="Records"/>), and its item's shape.</item>
/// <item>Concern: the event it belongs to — itself, the stub beside it, or an event looked up through MISP.</item>
/// <item>Marking: its tags (local tags included, every tag shape) give its effective TLP, the more
/// restrictive of its own and its event's; an event without a TLP level has the community's default.</item>
/// <item>Entitlement: the requester may receive that TLP from that source (<see cref="EntitlementPolicy"/>),
/// and it breaks no member rule (<see cref="Rules.MemberRules"/>); otherwise it is withheld.</item>
/// <item>Parts: attributes, objects and reports are judged the same way against their event; then what
/// depends on them (references, proposals, sightings, analyst data, correlations) — what names a removed
/// part goes with it.</item>
/// <item>Delivery: sources hidden (<see cref="SourceHiding"/>), distribution capped for a MISP server
/// (<see cref="DistributionCap"/>), local or inherited tags stripped as asked, the default marking
/// added (<see cref="DefaultTags"/>), counts recomputed.</item>
/// <item>Signature: a protected event that would change is withheld.</item>
/// </list>
/// It runs for every record of every answer, so deciding allocates little once warm: strings are
/// compared as the input's bytes and removed parts are remembered as nodes.
/// </remarks>
internal sealed partial class UnitDecision
{
    private static readonly KeySet CountKey = KeySet.Of(Key.AttributeCount);

    private static readonly string[] TlpReasons = [.. Enum.GetValues<TlpLevel>().Select(level => "tlp-" + TlpMarking.Name(level))];

    private readonly FilterContext _context;
    private readonly bool _attributeLevels;
    private readonly Edits _edits = new();
    private readonly Removals _removals = new();
    private readonly SourceHiding _hiding;
    private readonly Dictionary<string, bool> _keptCorrelations = [];
    private readonly List<string> _names = [];
    private readonly List<(byte[] Utf8, string Text)> _texts = [];
    private byte[]? _orgId;
    private int _mark;
    private string? _orgc;

    // The event being decided, and (read when a relationship asks) the UUIDs of its parts that stay.
    private Node? _event;
    private HashSet<string>? _parts;

    // An item a look-up confirmed the requester receives (what a relationship on its own points at),
    // and whether its event hides its source: the relationship embeds that item with that source.
    private string? _confirmed;
    private bool _confirmedHidesSource;

    /// <param name="context">Who the answer is filtered for.</param>
    /// <param name="attributeLevels">Whether a released event's outcome lists its attributes' judged levels (<see cref="UnitOutcome.AttributeLevels"/>).</param>
    public UnitDecision(FilterContext context, bool attributeLevels = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _attributeLevels = attributeLevels;
        _hiding = new SourceHiding(context.Forwarder);
    }

    private Admission.Requester Requester => _context.Requester;

    /// <summary>Decides one record; <see cref="Emit"/> then writes it if released.</summary>
    public UnitOutcome Decide(Node unit, UnitPlace place)
    {
        ArgumentNullException.ThrowIfNull(unit);
        _edits.Clear();
        _removals.Clear();
        _keptCorrelations.Clear();
        _orgc = null;
        _event = null;
        _parts = null;
        _confirmed = null;
        _confirmedHidesSource = false;

        // A fresh mark per decision: a record decided again after a look-up starts with nothing removed.
        _mark = _mark == int.MaxValue ? 1 : _mark + 1;

        // :: Step 1 — recognise the record. Where the endpoint answers no MISP data, any is a surprise.
        // The sightings index writes each sighting flat: its shape, not a guess from its fields, says what it is.
        var record = place == UnitPlace.AttributeRow ? new Record(RecordKind.AttributeRow, unit, MispShapes.AttributeRow, null)
            : _context.FlatSightings && unit.IsObject && !unit.Has(Key.Sighting) ? new Record(RecordKind.Sighting, unit, MispShapes.Sighting, null)
            : Records.Recognise(unit);
        if (_context.MetadataOnly && record.Kind != RecordKind.NoData)
        {
            throw new FilterException("MISP data in the answer of an endpoint that answers none");
        }

        // In a data answer, a record of no shape the gateway knows is not judged: it leaves only as one of MISP's messages, with
        // nothing in it unread, or as a suggestion of a free-text import (the requester's own text, parsed).
        if (!_context.MetadataOnly && record.OfUnknownShape && !Records.IsFreeTextSuggestion(unit) && (!Records.IsMessage(unit) || Records.HoldsUnread(unit)))
        {
            throw new FilterException("a record of unknown shape in an answer of MISP data");
        }

        var outcome = place == UnitPlace.AttributeRow ? DecideAttributeRow(unit) : record.Kind switch
        {
            RecordKind.NoData => UnitOutcome.PassedThrough,
            RecordKind.Event => DecideEvent(record.Item, unit),
            RecordKind.IndexRow => DecideIndexRow(unit),
            RecordKind.GalaxyCluster => DecideCluster(record, unit),
            RecordKind.AnalystDataIndex => DecideAnalystIndex(unit),
            _ => DecideItemRecord(record, unit),
        };

        // The removals are placed while the scanned record is still there (a large one's goes back to the pools once decided).
        _edits.CompleteRemovals();
        return outcome;
    }

    /// <summary>Writes the record last decided, with its edits, to <paramref name="output"/>.</summary>
    public void Emit(ReadOnlySpan<byte> input, IBufferWriter<byte> output) => _edits.Emit(input, output);

    /// <summary>Starts writing the record last decided in slices (<see cref="EmitSlice"/>).</summary>
    public Edits.EmitCursor BeginEmit() => _edits.BeginEmit();

    /// <summary>Writes the next slice of the record last decided; true once it is whole.</summary>
    public bool EmitSlice(ReadOnlySpan<byte> input, IBufferWriter<byte> output, ref Edits.EmitCursor cursor, int budget) =>
        _edits.EmitSlice(input, output, ref cursor, budget);

    private UnitOutcome DecideEvent(Node evt, Node unit)
    {
        // :: Step 2 — an event concerns itself.
        _orgc = Orgc(evt);
        _event = evt;

        // :: Step 3 — its marking, from its own tags (and links, should MISP write them).
        var marking = Marking(evt, MispShapes.Event, out var kept, out var keptTags);
        evt.JudgedMark = _mark;
        var level = marking.Effective(_context.DefaultTlp);
        var added = DefaultMarking.TagsToAdd(kept, _context.Community);

        // :: Step 4 — may it leave, with the tags it will leave with.
        if (!EntitlementPolicy.MayReceive(level, _orgc, Requester))
        {
            return Withheld(RecordKind.Event, "event", TlpReasons[(int)level], evt.Text(Key.Uuid), level) with { EventId = evt.Text(Key.Id) };
        }

        if (_context.LocalTagsUnseen)
        {
            // Judged without the hub's local tags (a TLP:RED one among them, perhaps): it cannot leave.
            return Withheld(RecordKind.Event, "event", "local-tags-unseen", evt.Text(Key.Uuid), level) with { EventId = evt.Text(Key.Id) };
        }

        var distribution = ReadDistribution(evt);
        if (RuleBroken(evt, MispShapes.Event, distribution, added) is { } rule)
        {
            return Withheld(RecordKind.Event, "event", "rule-" + rule, evt.Text(Key.Uuid), level) with { EventId = evt.Text(Key.Id) };
        }

        var hide = SourcePolicy.HidesSource(Requester, _orgc, SourcePolicy.ChathamHouseApplies(marking, _context.Community));
        if (SelectedBySource(hide))
        {
            return Withheld(RecordKind.Event, "event", SelectedBySourceReason, evt.Text(Key.Uuid), level) with { EventId = evt.Text(Key.Id) };
        }

        var delivered = Requester.IsSyncIdentity && distribution is { } d ? DistributionCap.Deliver(level, d, inherited: null) : distribution;
        var scope = new ItemScope(level, distribution, delivered, hide);
        evt.Scope = scope;
        if (delivered != distribution)
        {
            var prop = evt.Props[evt.IndexOf(Key.Distribution)];
            _edits.ReplaceNumber(prop, delivered!.Value, quoted: prop.ValueKind == JsonTokenType.String);
        }

        // :: Step 5 — its parts, then what depends on them.
        JudgeParts(evt, MispShapes.Event, scope);
        if (_context.SelectsByContent && _removals.Attributes > 0)
        {
            // MISP matched the search on some attribute of the event: released without some, it would tell that one of those matched.
            return Withheld(RecordKind.Event, "event", "selected-by-content", evt.Text(Key.Uuid), level) with { AttributesRemoved = _removals.Attributes, EventId = evt.Text(Key.Id) };
        }

        // The related and the extended events are asked in one round.
        var lookups = JudgeCorrelations(evt, hide);
        if (ExtensionLookup(evt, hide) is { } extended)
        {
            (lookups ??= []).Add(extended);
        }

        if (lookups is not null)
        {
            return new UnitOutcome(false, "event", "needs-lookup", null, level, 0, false) { Lookups = lookups, Record = RecordKind.Event };
        }

        // :: Step 6 — delivery. Another organisation's event counts only the attributes it leaves with:
        // MISP's count includes those the gateway withholds, and those a search left out; where the
        // answer lists none (a metadata search), the count goes.
        var recount = !Requester.IsOwner(_orgc) && !evt.IsSet(Key.Protected);
        var listsAttributes = evt.Has(Key.Attribute) || evt.Has(Key.Object);
        Deliver(evt, MispShapes.Event, scope);
        if (!listsAttributes)
        {
            HideUncheckedCount(evt);
        }

        DeliverRecordBlocks(unit, evt, MispShapes.Event, scope);
        if (listsAttributes && (recount || _removals.Attributes > 0) && evt.IndexOf(Key.AttributeCount) is >= 0 and var countIndex)
        {
            // MISP's count, left as it is, would tell how many attributes were removed or left out.
            var count = evt.IntAt(countIndex) ?? throw new FilterException("attribute_count is not a count the filter can recompute");
            var leaving = recount ? ReleasedAttributes(evt) : count - _removals.Attributes;
            if (leaving != count)
            {
                _edits.ReplaceNumber(evt.Props[countIndex], Math.Max(0, leaving), quoted: evt.Props[countIndex].ValueKind == JsonTokenType.String);
            }
        }

        if (added.Count > 0)
        {
            DefaultTags.Add(_edits, evt, evt.Child(Key.Tag), keptTags, added);
        }

        // :: Step 7 — a signed event cannot change without breaking its signature.
        if (_edits.Count > 0 && evt.IsSet(Key.Protected))
        {
            return Withheld(RecordKind.Event, "event", "protected-would-change", evt.Text(Key.Uuid), level) with { AttributesRemoved = _removals.Attributes, EventId = evt.Text(Key.Id) };
        }

        // A released event is named only where something about it is recorded: it is in the output itself.
        var named = _context.DescribeEvents || hide || _removals.Count > 0;
        return new UnitOutcome(true, "event", null, named ? evt.Text(Key.Uuid) : null, level, _removals.Attributes, _edits.Count > 0)
        {
            Record = RecordKind.Event,
            OrgcUuid = _orgc,
            EventId = _context.DescribeEvents ? evt.Text(Key.Id) : null,
            EventTimestamp = _context.DescribeEvents ? evt.Text(Key.Timestamp) : null,
            HidesSource = hide,
            Distribution = delivered,
            Removals = _removals.Describe(),
            AddedTags = added,
            AttributeLevels = AttributeLevels(evt),
        };
    }

    private UnitOutcome DecideIndexRow(Node row)
    {
        if (!row.Has(Key.EventTag))
        {
            // A row without its tags (a minimal row the gateway did not ask for) cannot be judged.
            return Withheld(RecordKind.IndexRow, "index-row", "not-judgeable", row.Text(Key.Uuid), null);
        }

        _orgc = Orgc(row);
        var marking = Marking(row, MispShapes.IndexRow, out var kept, out _);
        row.JudgedMark = _mark;
        var level = marking.Effective(_context.DefaultTlp);
        if (!EntitlementPolicy.MayReceive(level, _orgc, Requester))
        {
            return Withheld(RecordKind.IndexRow, "index-row", TlpReasons[(int)level], row.Text(Key.Uuid), level);
        }

        // The row is released only where its event would be: its rules see the default marking its event leaves with.
        var distribution = ReadDistribution(row);
        if (RuleBroken(row, MispShapes.IndexRow, distribution, DefaultMarking.TagsToAdd(kept, _context.Community)) is { } rule)
        {
            return Withheld(RecordKind.IndexRow, "index-row", "rule-" + rule, row.Text(Key.Uuid), level);
        }

        var hide = SourcePolicy.HidesSource(Requester, _orgc, SourcePolicy.ChathamHouseApplies(marking, _context.Community));
        if (SelectedBySource(hide))
        {
            return Withheld(RecordKind.IndexRow, "index-row", SelectedBySourceReason, row.Text(Key.Uuid), level);
        }

        if (_context.SelectsByContent)
        {
            // The index matched some attribute of the row's event, which the row does not hold: its event is judged whole.
            if (row.Text(Key.Uuid) is not { } uuid || _context.KnownEvents is null)
            {
                return Withheld(RecordKind.IndexRow, "index-row", "selected-by-content", row.Text(Key.Uuid), level);
            }

            if (_context.Known(uuid, row.Text(Key.Timestamp)) is not { } access)
            {
                return new UnitOutcome(false, "index-row", "needs-lookup", null, level, 0, false) { Lookups = [uuid], Record = RecordKind.IndexRow };
            }

            if (!access.Receivable || access.RemovedAttributeIds.Length > 0)
            {
                return Withheld(RecordKind.IndexRow, "index-row", "selected-by-content", uuid, level);
            }
        }

        if (_context.MinimalIndex)
        {
            MinimalRow.Replace(_edits, row, hide ? _context.Forwarder.Uuid : _orgc);
            return new UnitOutcome(true, "index-row", null, null, level, 0, true) { Record = RecordKind.IndexRow, OrgcUuid = _orgc, HidesSource = hide };
        }

        if (ExtensionLookup(row, hide) is { } extended)
        {
            return new UnitOutcome(false, "index-row", "needs-lookup", null, level, 0, false) { Lookups = [extended], Record = RecordKind.IndexRow };
        }

        var delivered = Requester.IsSyncIdentity && distribution is { } d ? DistributionCap.Deliver(level, d, inherited: null) : distribution;
        if (delivered != distribution)
        {
            var prop = row.Props[row.IndexOf(Key.Distribution)];
            _edits.ReplaceNumber(prop, delivered!.Value, quoted: prop.ValueKind == JsonTokenType.String);
        }

        // A row of another organisation's event cannot tell how many of its attributes the requester receives: it tells none.
        var scope = new ItemScope(level, distribution, delivered, hide);
        Deliver(row, MispShapes.IndexRow, scope);
        HideUncheckedCount(row);
        return new UnitOutcome(true, "index-row", null, null, level, 0, _edits.Count > 0) { Record = RecordKind.IndexRow, OrgcUuid = _orgc, HidesSource = hide, Distribution = delivered };
    }

    /// <summary>
    /// A row of <c>/attributes/restSearch</c>: its event is known only by the tags marked inherited
    /// (the gateway always asks for them) and the stub's local <c>orgc_id</c>.
    /// </summary>
    private UnitOutcome DecideAttributeRow(Node row)
    {
        if (!row.IsObject)
        {
            throw new FilterException("an attribute row is not an object");
        }

        var shape = MispShapes.AttributeRow;
        var tags = row.Child(Key.Tag);
        if (tags is not null)
        {
            TagList.Check(tags, Role.Tags);
        }

        if (tags is null || !AnyInherited(tags.Items))
        {
            // No tag of its event came with it (its event has none, or MISP did not include them):
            // judged through its event, looked up, rather than as an untagged one (SPEC section 3).
            return DecideItemRecord(new Record(RecordKind.AttributeRow, row, shape, null), row);
        }

        var eventMarking = default(TlpMarking);
        List<string>? eventNames = Requester.Member.Rules.IsEmpty ? null : [];
        foreach (var tag in tags.Items)
        {
            if (IsInherited(tag))
            {
                TagList.AddTo(ref eventMarking, tag);
                eventNames?.Add(TagList.CanonicalName(tag));
            }
        }

        // With includeContext MISP adds the event's own tags to the stub: they are the event's too.
        var stub = row.Child(Key.Event);
        if (stub is { IsObject: true } && stub.Child(Key.Tag) is { } contextTags)
        {
            TagList.Check(contextTags, Role.Tags);
            foreach (var tag in contextTags.Items)
            {
                TagList.AddTo(ref eventMarking, tag);
                eventNames?.Add(TagList.CanonicalName(tag));
            }
        }

        var eventUuid = stub?.Text(Key.Uuid);
        var owner = stub is { IsObject: true } && Requester.OrgId.Length > 0 && stub.IndexOf(Key.OrgcId) is >= 0 and var orgcId
            && stub.TextEquals(orgcId, _orgId ??= System.Text.Encoding.UTF8.GetBytes(Requester.OrgId));
        _orgc = owner ? Requester.OrgUuid : null;
        var eventLevel = eventMarking.Effective(_context.DefaultTlp);
        if (!EntitlementPolicy.MayReceive(eventLevel, _orgc, Requester))
        {
            return Withheld(RecordKind.AttributeRow, "attribute", TlpReasons[(int)eventLevel], eventUuid, eventLevel) with { AttributesRemoved = 1 };
        }

        // The event's own rules, on the tags it leaves with: an event a member may not receive takes its attribute rows with it.
        var eventDistribution = stub is { IsObject: true } ? ReadDistribution(stub) : null;
        if (eventNames is not null)
        {
            eventNames.AddRange(DefaultMarking.TagsToAdd(eventMarking, _context.Community));
            if (Requester.Member.Rules.EventRule(eventNames, eventDistribution, sharingGroupUuid: null) is { } eventRule)
            {
                return Withheld(RecordKind.AttributeRow, "attribute", "rule-" + eventRule, eventUuid, eventLevel) with { AttributesRemoved = 1 };
            }
        }

        var hide = SourcePolicy.HidesSource(Requester, _orgc, SourcePolicy.ChathamHouseApplies(eventMarking, _context.Community));
        if (SelectedBySource(hide))
        {
            return Withheld(RecordKind.AttributeRow, "attribute", SelectedBySourceReason, eventUuid, eventLevel) with { AttributesRemoved = 1 };
        }

        var eventDelivered = Requester.IsSyncIdentity && eventDistribution is { } d ? DistributionCap.Deliver(eventLevel, d, inherited: null) : eventDistribution;
        var eventScope = new ItemScope(eventLevel, eventDistribution, eventDelivered, hide);

        // An object's attribute (MISP's attribute search lists them too) comes with a stub of its object: judged as
        // in the event, the object first, so that its rules hold and what inherits inherits from it.
        if (row.Child(Key.Object) is { IsObject: true } obj)
        {
            if (!Judge(obj, MispShapes.Object, eventScope, out var objectReason))
            {
                return Withheld(RecordKind.AttributeRow, "attribute", objectReason, eventUuid, obj.Scope.Level) with { AttributesRemoved = 1 };
            }

            eventScope = obj.Scope;
        }

        if (!Judge(row, shape, eventScope, out var reason))
        {
            return Withheld(RecordKind.AttributeRow, "attribute", reason, eventUuid, row.Scope.Level) with { AttributesRemoved = 1 };
        }

        Deliver(row, shape, row.Scope);
        if (stub is { IsObject: true })
        {
            HideUncheckedCount(stub);
        }

        if (_context.StripInheritedTags)
        {
            var stripped = 0;
            foreach (var tag in tags.Items)
            {
                if (IsInherited(tag) && tag.RemovedMark != _mark)
                {
                    tag.RemovedMark = _mark;
                }

                stripped += tag.RemovedMark == _mark ? 1 : 0;
            }

            if (stripped == tags.Items.Length)
            {
                // MISP leaves the Tag key out of an attribute without tags.
                _edits.RemoveProps(row, KeySet.Of(Key.Tag));
            }
            else
            {
                _edits.RemoveMarked(tags, _mark);
            }
        }

        return new UnitOutcome(true, "attribute", null, eventUuid, row.Scope.Level, 0, _edits.Count > 0) { Record = RecordKind.AttributeRow, OrgcUuid = _orgc, HidesSource = hide };
    }

    /// <summary>An attribute row's tag inherited from its event (<c>includeEventTags</c>): <c>inherited</c> set.</summary>
    private static bool IsInherited(Node tag) => tag.IsSet(Key.Inherited);

    private static bool AnyInherited(ReadOnlySpan<Node> tags)
    {
        foreach (var tag in tags)
        {
            if (IsInherited(tag))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The source organisation's UUID: <c>Orgc.uuid</c>, else the flat <c>orgc_uuid</c> of index rows.</summary>
    private string? Orgc(Node holder) =>
        (holder.Child(Key.Orgc) is { IsObject: true } orgc ? CachedText(orgc, Key.Uuid) : null) ?? CachedText(holder, Key.OrgcUuid);

    /// <summary>
    /// A property's text, decoded once per distinct value: an answer names few organisations, so
    /// their UUIDs are not decoded again for every event.
    /// </summary>
    private string? CachedText(Node holder, Key key)
    {
        if (holder.IndexOf(key) is not (>= 0 and var i))
        {
            return null;
        }

        if (!holder.TryGetPlainText(i, out var utf8))
        {
            return holder.TextAt(i);
        }

        foreach (var (bytes, text) in _texts)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return text;
            }
        }

        var decoded = System.Text.Encoding.UTF8.GetString(utf8);
        if (_texts.Count < 64)
        {
            _texts.Add((utf8.ToArray(), decoded));
        }

        return decoded;
    }

    private const string SelectedBySourceReason = "selected-by-source";

    /// <summary>An answer the request chose by source names the source of all it holds: nothing that hides its source may be in it.</summary>
    private bool SelectedBySource(bool hide) => hide && _context.SelectsBySource;

    /// <summary>
    /// The attributes of an event that stay, its objects' included, counted as MISP counts them
    /// (deleted ones not); with <paramref name="levels"/>, each one's judged level added to it, in the
    /// order the event lists them (its own, then each kept object's).
    /// </summary>
    private int ReleasedAttributes(Node evt, List<TlpLevel>? levels = null)
    {
        var count = Kept(List(evt, Key.Attribute));
        foreach (var obj in List(evt, Key.Object) is { } objects ? objects.Items : [])
        {
            count += obj.RemovedMark == _mark ? 0 : Kept(List(obj, Key.Attribute));
        }

        return count;

        int Kept(Node? attributes)
        {
            var kept = 0;
            foreach (var attribute in attributes is null ? [] : attributes.Items)
            {
                if (attribute.RemovedMark == _mark)
                {
                    continue;
                }

                // A kept attribute not judged would have no level to be marked with.
                levels?.Add(attribute.JudgedMark == _mark ? attribute.Scope.Level : throw new FilterException("an attribute of a released event was not judged"));
                kept += attribute.IsSet(Key.Deleted) ? 0 : 1;
            }

            return kept;
        }
    }

    /// <summary>The judged level of each attribute a released event leaves with (<see cref="UnitOutcome.AttributeLevels"/>), where asked.</summary>
    private List<TlpLevel>? AttributeLevels(Node evt)
    {
        if (!_attributeLevels)
        {
            return null;
        }

        var levels = new List<TlpLevel>();
        ReleasedAttributes(evt, levels);
        return levels;
    }

    private static TlpLevel Max(TlpLevel a, TlpLevel b) => a > b ? a : b;

    /// <summary>What an item's own tags say, for an item that inherits its event's level: an unknown value counts as amber, nothing as the lowest.</summary>
    private static TlpLevel OwnLevel(TlpMarking own) => own.HasLevel || own.Unknown ? own.Effective(TlpLevel.Clear) : TlpLevel.Clear;

    /// <summary>
    /// An event's <c>attribute_count</c> where its attributes are not in the answer (an index row, a
    /// metadata search's event, an attribute row's event): MISP's count, of attributes the requester
    /// may not all receive, would tell how many it does not. Only the event's source is told (and a 0).
    /// </summary>
    private void HideUncheckedCount(Node evt)
    {
        if (!Requester.IsOwner(_orgc) && evt.IndexOf(Key.AttributeCount) is >= 0 and var i && evt.IntAt(i) is not 0)
        {
            _edits.RemoveProps(evt, CountKey);
        }
    }

    private UnitOutcome Withheld(RecordKind record, string kind, string reason, string? eventUuid, TlpLevel? tlp) =>
        new(false, kind, reason, eventUuid, tlp, 0, false) { Record = record, OrgcUuid = _orgc };
}
