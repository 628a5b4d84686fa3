using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TlpGateway.Tlp;

namespace TlpGateway.Filtering;

/// <summary>
/// Decides one complete event, row or item and writes what may leave: the input's bytes, copied as
/// they are, with only the documented edits spliced in (removed attributes, objects, reports and
/// correlations; recomputed counts; capped distribution; added tags; hidden sources). Policy comes
/// from <see cref="EntitlementPolicy"/>; this class only applies it to MISP's JSON shapes.
/// </summary>
/// <remarks>
/// It runs for every event of every answer, so deciding allocates nothing once warm: strings are
/// compared as the input's bytes, replacements are written to one reused buffer, and what was
/// removed is remembered as nodes and turned into text only when something must be checked against it.
/// </remarks>
internal sealed class UnitProcessor(FilterContext context)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonText Zero = new("0");
    private static readonly byte[] ChathamHouseTag = Tag("tlp:ex:chr");
    private static readonly string[] TlpReasons = [.. Enum.GetValues<TlpLevel>().Select(level => "tlp-" + TlpMarking.Name(level))];

    private readonly List<Edit> _edits = [];
    private readonly ArrayBufferWriter<byte> _replacements = new(1024);
    private readonly List<(Node Item, bool WithValue)> _removed = [];
    private readonly HashSet<string> _removedUuids = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _removedValues = [];
    private readonly List<(byte[] Utf8, string Text)> _texts = [];
    private readonly Dictionary<string, bool> _keptCorrelations = [];
    private bool _removedTextsKnown;
    private int _mark;
    private Utf8JsonWriter? _writer;
    private JsonText? _forwarderUuid;
    private byte[]? _forwarderOrganisation;
    private byte[]? _defaultTlpTag;
    private byte[]? _orgId;

    /// <summary>A removal (no replacement) or a replacement written at <c>ReplacementStart</c> of the replacements buffer.</summary>
    private readonly record struct Edit(int Start, int End, int ReplacementStart, int ReplacementLength);

    /// <summary>Decides one item of a list (or the value of a top-level property); <see cref="Emit"/> then writes it if released.</summary>
    /// <param name="node">The unit, scanned: a complete JSON object or array.</param>
    /// <param name="shape">What the unit's place in the answer says it is.</param>
    public UnitOutcome Decide(Node node, UnitShape shape)
    {
        _edits.Clear();
        _replacements.ResetWrittenCount();
        _removed.Clear();
        _removedUuids.Clear();
        _removedValues.Clear();
        _removedTextsKnown = false;

        // A fresh mark per decision: a unit decided again after a look-up starts with nothing removed.
        _mark = _mark == int.MaxValue ? 1 : _mark + 1;

        // An event or attribute row must be an object; anything else in its place is judged as an unknown item.
        return (shape, node.IsArray) switch
        {
            (UnitShape.Event, false) => ProcessEvent(node, fullEvent: true),
            (UnitShape.AttributeRow, false) => ProcessAttributeRow(node),
            _ => ProcessItem(node),
        };
    }

    /// <summary>Writes the unit last decided, with its edits, to <paramref name="output"/>.</summary>
    /// <param name="input">The unit's bytes, as given to the scan.</param>
    public void Emit(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        if (_edits.Count == 0)
        {
            output.Write(input);
            return;
        }

        _edits.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        var replacements = _replacements.WrittenSpan;
        var position = 0;
        foreach (var edit in _edits)
        {
            if (edit.Start < position)
            {
                // Edits inside something already removed or replaced: the outer edit wins, unless they truly overlap.
                if (edit.End <= position)
                {
                    continue;
                }

                throw new FilterException("overlapping edits");
            }

            output.Write(input[position..edit.Start]);
            output.Write(replacements.Slice(edit.ReplacementStart, edit.ReplacementLength));
            position = edit.End;
        }

        output.Write(input[position..]);
    }

    private UnitOutcome ProcessItem(Node item)
    {
        if (!item.IsArray)
        {
            if (item.Child(Key.Event) is { IsArray: false } wrapped)
            {
                return ProcessEvent(wrapped, fullEvent: true);
            }

            if (item.IndexOf(Key.EventTag) >= 0 || (item.IndexOf(Key.OrgcUuid) >= 0 && item.IndexOf(Key.Attribute) < 0))
            {
                return ProcessIndexRow(item);
            }

            if (item.IndexOf(Key.Info) >= 0 && (item.IndexOf(Key.Attribute) >= 0 || item.IndexOf(Key.Orgc) >= 0))
            {
                return ProcessEvent(item, fullEvent: true);
            }
        }

        if (!item.IsArray && (item.Child(Key.Sighting) ?? item.Child(Key.ShadowAttribute)) is { IsArray: false } row)
        {
            return ProcessEventRow(row, item.IndexOf(Key.Sighting) >= 0);
        }

        // Anything else that carries MISP data without its event's tags cannot be judged: withheld.
        return HoldsMispData(item)
            ? new UnitOutcome(false, "item", "not-judgeable", null, null, 0, false)
            : UnitOutcome.PassedThrough;
    }

    /// <summary>
    /// A sighting or proposal listed without its event: judged by the event it concerns (looked up
    /// through MISP) and the attribute it names. A failed look-up withholds it (SPEC section 3).
    /// </summary>
    private UnitOutcome ProcessEventRow(Node row, bool sighting)
    {
        var kind = sighting ? "sighting" : "proposal";
        var eventUuid = row.Text(Key.EventUuid);
        if (eventUuid is null || context.KnownEvents is null)
        {
            return new UnitOutcome(false, kind, "not-judgeable", eventUuid, null, 0, false);
        }

        if (context.KnownEvents.GetValueOrDefault(eventUuid) is not { } access)
        {
            return new UnitOutcome(false, kind, "needs-lookup", eventUuid, null, 0, false) { Lookups = [eventUuid] };
        }

        var attribute = row.Text(Key.AttributeUuid) ?? row.Text(Key.Uuid);
        if (!access.Receivable || (attribute is not null && access.RemovedItems.Contains(attribute, StringComparer.OrdinalIgnoreCase)))
        {
            return new UnitOutcome(false, kind, "concerns-withheld-item", eventUuid, null, 0, false);
        }

        if (access.HidesSource)
        {
            if (!sighting)
            {
                // Proposals name their proposer's organisation and e-mail throughout: removed rather than rewritten.
                return new UnitOutcome(false, kind, "source-hidden", eventUuid, null, 0, false);
            }

            ReplaceText(row, Key.OrgId, Zero);
            RemoveProps(row, Key.Organisation, Key.Source);
        }

        return new UnitOutcome(true, kind, null, eventUuid, null, 0, _edits.Count > 0);
    }

    /// <summary>
    /// Whether something of an unrecognised shape carries MISP data at any depth, including inside
    /// values under unknown keys (an event wrapped in <c>{"Evnt": ...}</c> must not slip through).
    /// </summary>
    private static bool HoldsMispData(Node node)
    {
        foreach (var prop in node.Props)
        {
            if (IsMispDataKey(prop.Key))
            {
                return true;
            }

            if (prop.Child is { } child ? HoldsMispData(child) : prop.ValueKind is JsonTokenType.StartObject or JsonTokenType.StartArray && RawHoldsMispData(node.Source.Span[prop.ValueStart..prop.ValueEnd]))
            {
                return true;
            }
        }

        foreach (var item in node.Items)
        {
            if (item.Props.Count + item.Items.Count > 0 ? HoldsMispData(item) : RawHoldsMispData(node.Source.Span[item.Start..item.End]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool RawHoldsMispData(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(JsonScan.ReaderOptions));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && IsMispDataKey(JsonScan.KeyOf(ref reader)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsMispDataKey(Key key) =>
        key is Key.Event or Key.Attribute or Key.Object or Key.Orgc or Key.EventTag or Key.ShadowAttribute or Key.Sighting
            or Key.RelatedEvent or Key.GalaxyCluster or Key.EventUuid or Key.AttributeUuid or Key.EventReport or Key.Info;

    private UnitOutcome ProcessEvent(Node evt, bool fullEvent)
    {
        var requester = context.Requester;
        var tags = evt.Child(Key.Tag);
        var marking = Marking(tags, out var keptMarking);
        var orgc = Orgc(evt);
        var effective = marking.Effective(context.DefaultTlp);
        if (!EntitlementPolicy.MayReceive(effective, orgc, requester))
        {
            return Withheld("event", TlpReasons[(int)effective], evt.Text(Key.Uuid), effective) with { OrgcUuid = orgc };
        }

        var rules = requester.Member.Rules;
        var eventDistribution = Distribution(evt, parent: null);
        if (!rules.IsEmpty && EventRule(evt, tags, rules, fullEvent && !marking.HasLevel, eventDistribution) is { } broken)
        {
            return Withheld("event", "rule-" + broken, evt.Text(Key.Uuid), effective) with { OrgcUuid = orgc };
        }

        var hide = Provenance.SourcePolicy.HidesSource(requester, orgc, Provenance.SourcePolicy.ChathamHouseApplies(marking, context.Community));
        var attributeTotal = 0;
        var removed = 0;
        if (evt.Child(Key.Attribute) is { IsArray: true } attributes)
        {
            attributeTotal += attributes.Items.Count;
            removed += JudgeAttributes(attributes, effective, orgc, hide, eventDistribution);
        }

        if (evt.Child(Key.Object) is { IsArray: true } objects)
        {
            foreach (var obj in objects.Items)
            {
                if (obj.Child(Key.Attribute) is not { IsArray: true } objectAttributes)
                {
                    continue;
                }

                attributeTotal += objectAttributes.Items.Count;
                var objectDistribution = Distribution(obj, eventDistribution);
                if (!rules.IsEmpty && ((obj.Text(Key.Name) is { } objectType && rules.BlockedObjectTypes.Contains(objectType))
                    || (objectDistribution is { } level && rules.BlockedDistributionLevels.Contains(level))))
                {
                    removed += objectAttributes.Items.Count;
                    foreach (var attribute in objectAttributes.Items)
                    {
                        RecordRemoved(attribute, withValue: true);
                    }

                    MarkRemoved(obj);
                    RecordRemoved(obj, withValue: false);
                    continue;
                }

                var removedHere = JudgeAttributes(objectAttributes, effective, orgc, hide, objectDistribution);
                removed += removedHere;
                if (removedHere > 0 && removedHere == objectAttributes.Items.Count)
                {
                    MarkRemoved(obj);
                    RecordRemoved(obj, withValue: false);
                    continue;
                }

                CapDistribution(obj, effective);
                if (hide)
                {
                    HideInTags(obj.Child(Key.Tag));
                }
            }

            if (_removed.Count > 0)
            {
                foreach (var obj in objects.Items)
                {
                    if (!IsRemoved(obj) && obj.Child(Key.ObjectReference) is { IsArray: true, Items.Count: > 0 } references)
                    {
                        RemoveItemsNamingRemoved(references, Key.ReferencedUuid);
                    }
                }
            }

            RemoveMarked(objects);
        }

        if (JudgeCorrelations(evt, hide, removed) is { } lookups)
        {
            return new UnitOutcome(false, "event", "needs-lookup", null, effective, 0, false) { Lookups = lookups };
        }

        if (removed > 0 && evt.IndexOf(Key.AttributeCount) is >= 0 and var countIndex)
        {
            ReplaceNumber(evt.Props[countIndex], attributeTotal - removed, quoted: true);
        }

        if (evt.Child(Key.EventReport) is { IsArray: true } reports)
        {
            foreach (var report in reports.Items)
            {
                if ((removed > 0 && QuotesRemoved(report))
                    || (Distribution(report, eventDistribution) is { } level && rules.BlockedDistributionLevels.Contains(level)))
                {
                    MarkRemoved(report);
                }

                CapDistribution(report, effective);
            }

            // One removal per list, so the separators of removed reports are worked out together.
            RemoveMarked(reports);
        }

        if (evt.Child(Key.ShadowAttribute) is { IsArray: true } proposals)
        {
            if (hide)
            {
                EmptyList(evt, Key.ShadowAttribute);
            }
            else if (_removed.Count > 0)
            {
                RemoveItemsNamingRemoved(proposals, Key.Uuid);
            }
        }

        CapDistribution(evt, effective);
        if (context.ExcludeLocalTags && tags is { IsArray: true })
        {
            RemoveLocalTags(tags);
        }

        if (hide)
        {
            HideEventSource(evt);
            HideInTags(tags);
            HideInGalaxies(evt.Child(Key.Galaxy));
        }

        if (fullEvent && !keptMarking.HasLevel)
        {
            AddDefaultTags(evt, tags, keptMarking.ChathamHouse);
        }

        if (_edits.Count > 0 && evt.IsTrue(Key.Protected))
        {
            // A signed event cannot change without breaking its signature: withheld rather than altered.
            return Withheld("event", "protected-would-change", evt.Text(Key.Uuid), effective) with { OrgcUuid = orgc, AttributesRemoved = removed };
        }

        return new UnitOutcome(true, "event", null, null, effective, removed, _edits.Count > 0)
        {
            OrgcUuid = orgc,
            HidesSource = hide,
            RemovedItems = context.ListRemovedItems ? [.. RemovedUuids()] : null,
        };
    }

    /// <summary>Judges each attribute of a list; returns how many were removed.</summary>
    private int JudgeAttributes(Node attributes, TlpLevel eventLevel, string? orgc, bool hide, int? parentDistribution)
    {
        var count = 0;
        var rules = context.Requester.Member.Rules;
        foreach (var attribute in attributes.Items)
        {
            var attributeTags = attribute.Child(Key.Tag);
            var own = Marking(attributeTags, out _);
            var level = Max(own.HasLevel || own.Unknown ? own.Effective(TlpLevel.Clear) : TlpLevel.Clear, eventLevel);
            var ruled = !rules.IsEmpty
                && rules.AttributeRule(attribute.Text(Key.Type), attribute.Text(Key.Category), Distribution(attribute, parentDistribution), attribute.Child(Key.SharingGroup)?.Text(Key.Uuid), TagNames(attributeTags)) is not null;

            // The event was released at its own level, so an attribute no more restrictive than it is too.
            if (ruled || (level != eventLevel && !EntitlementPolicy.MayReceive(level, orgc, context.Requester)))
            {
                count++;
                MarkRemoved(attribute);
                RecordRemoved(attribute, withValue: true);
                continue;
            }

            CapDistribution(attribute, level);
            EmptyList(attribute, Key.Feed);
            EmptyList(attribute, Key.Server);
            if (context.ExcludeLocalTags && attributeTags is { IsArray: true })
            {
                RemoveLocalTags(attributeTags);
            }

            if (hide)
            {
                HideInTags(attributeTags);
                HideInSightings(attribute.Child(Key.Sighting));
                EmptyList(attribute, Key.ShadowAttribute);
                HideInGalaxies(attribute.Child(Key.Galaxy));
            }
        }

        RemoveMarked(attributes);
        return count;
    }

    /// <summary>
    /// Keeps only the correlations (SPEC section 3) to related events the gateway confirmed the
    /// requester may receive, from which it removes nothing for the requester, and only while it
    /// removes nothing from this event either: a correlation can stem from a removed attribute, and
    /// would tell its value. Kept related events show the forwarder as source where either event's
    /// source is hidden. Returns the related events to look up first, or null once decided.
    /// </summary>
    private List<string>? JudgeCorrelations(Node evt, bool hide, int removed)
    {
        var related = evt.Child(Key.RelatedEvent);
        var known = context.KnownEvents;

        // A MISP server computes correlations of its own from what it stores: none are looked up for it.
        var limit = related is { IsArray: true } && known is not null && removed == 0 && !context.Requester.IsSyncIdentity
            ? Math.Min(related.Items.Count, context.MaxCorrelationLookups)
            : 0;
        List<string>? lookups = null;
        for (var i = 0; i < limit; i++)
        {
            if (RelatedUuid(related!.Items[i]) is { } uuid && !known!.ContainsKey(uuid))
            {
                (lookups ??= []).Add(uuid);
            }
        }

        if (lookups is not null)
        {
            return lookups;
        }

        _keptCorrelations.Clear();
        if (related is { IsArray: true })
        {
            for (var i = 0; i < related.Items.Count; i++)
            {
                var item = related.Items[i];
                if (i < limit && RelatedUuid(item) is { } uuid && known![uuid] is { Receivable: true, RemovedItems.Length: 0 } access
                    && item.Child(Key.Event) is { } relatedEvent && relatedEvent.Text(Key.Id) is { } id)
                {
                    var hidden = hide || access.HidesSource;
                    _keptCorrelations[id] = hidden;
                    if (hidden)
                    {
                        HideEventSource(relatedEvent);
                    }
                }
                else
                {
                    MarkRemoved(item);
                }
            }

            RemoveCorrelations(evt, Key.RelatedEvent, related);
        }

        if (evt.Child(Key.Attribute) is { IsArray: true } attributes)
        {
            JudgeAttributeCorrelations(attributes);
        }

        if (evt.Child(Key.Object) is { IsArray: true } objects)
        {
            foreach (var obj in objects.Items)
            {
                if (!IsRemoved(obj) && obj.Child(Key.Attribute) is { IsArray: true } objectAttributes)
                {
                    JudgeAttributeCorrelations(objectAttributes);
                }
            }
        }

        return null;
    }

    /// <summary>Removes the marked correlations; a list left without any is written <c>[]</c>, as MISP writes it.</summary>
    private void RemoveCorrelations(Node holder, Key key, Node list)
    {
        if (list.Items.TrueForAll(IsRemoved))
        {
            EmptyList(holder, key);
        }
        else
        {
            RemoveMarked(list);
        }
    }

    private static string? RelatedUuid(Node item) => item.Child(Key.Event) is { IsArray: false } relatedEvent ? relatedEvent.Text(Key.Uuid) : null;

    /// <summary>An attribute's correlations stay where they name (by local id) a related event kept in the event's list.</summary>
    private void JudgeAttributeCorrelations(Node attributes)
    {
        foreach (var attribute in attributes.Items)
        {
            if (IsRemoved(attribute) || attribute.Child(Key.RelatedAttribute) is not { IsArray: true, Items.Count: > 0 } correlations)
            {
                continue;
            }

            foreach (var correlation in correlations.Items)
            {
                if (correlation.Text(Key.EventId) is { } id && _keptCorrelations.TryGetValue(id, out var hidden))
                {
                    if (hidden)
                    {
                        ReplaceText(correlation, Key.OrgId, Zero);
                    }
                }
                else
                {
                    MarkRemoved(correlation);
                }
            }

            RemoveCorrelations(attribute, Key.RelatedAttribute, correlations);
        }
    }

    /// <summary>Remembers a removed attribute or object, so what references or quotes it goes too.</summary>
    private void RecordRemoved(Node item, bool withValue)
    {
        _removed.Add((item, withValue));
        if (_removedTextsKnown)
        {
            AddRemovedTexts(item, withValue);
        }
    }

    /// <summary>Removes the items of a list (references, proposals) whose <paramref name="key"/> names something removed from the event.</summary>
    private void RemoveItemsNamingRemoved(Node list, Key key)
    {
        foreach (var item in list.Items)
        {
            if (item.Text(key) is { } target && RemovedUuids().Contains(target))
            {
                MarkRemoved(item);
            }
        }

        RemoveMarked(list);
    }

    /// <summary>The UUIDs of what was removed from the event so far, read from the input only when something must be checked against them.</summary>
    private HashSet<string> RemovedUuids()
    {
        if (!_removedTextsKnown)
        {
            _removedTextsKnown = true;
            foreach (var (item, withValue) in _removed)
            {
                AddRemovedTexts(item, withValue);
            }
        }

        return _removedUuids;
    }

    private void AddRemovedTexts(Node item, bool withValue)
    {
        if (item.Text(Key.Uuid) is { } uuid)
        {
            _removedUuids.Add(uuid);
        }

        if (withValue && item.Text(Key.Value) is { Length: >= 4 } value)
        {
            _removedValues.Add(value);
        }
    }

    private UnitOutcome ProcessAttributeRow(Node row)
    {
        var requester = context.Requester;
        var tags = row.Child(Key.Tag);
        var eventMarking = default(TlpMarking);
        var own = default(TlpMarking);
        if (tags is { IsArray: true })
        {
            foreach (var tag in tags.Items)
            {
                if (IsInherited(tag))
                {
                    AddTag(ref eventMarking, tag);
                }
                else
                {
                    AddTag(ref own, tag);
                }
            }
        }

        var stub = row.Child(Key.Event);
        var owner = stub is not null && requester.OrgId.Length > 0 && stub.IndexOf(Key.OrgcId) is >= 0 and var orgcId
            && stub.TextEquals(orgcId, _orgId ??= Encoding.UTF8.GetBytes(requester.OrgId));
        var orgc = owner ? requester.OrgUuid : null;
        var eventLevel = eventMarking.Effective(context.DefaultTlp);
        var level = Max(own.HasLevel || own.Unknown ? own.Effective(TlpLevel.Clear) : TlpLevel.Clear, eventLevel);
        if (!EntitlementPolicy.MayReceive(eventLevel, orgc, requester) || !EntitlementPolicy.MayReceive(level, orgc, requester))
        {
            return Withheld("attribute", TlpReasons[(int)level], stub?.Text(Key.Uuid), level) with { AttributesRemoved = 1 };
        }

        CapDistribution(row, level);
        if (tags is { IsArray: true } && (context.StripInheritedTags || context.ExcludeLocalTags))
        {
            var stripped = 0;
            foreach (var tag in tags.Items)
            {
                if ((context.StripInheritedTags && IsInherited(tag)) || (context.ExcludeLocalTags && IsLocalTag(tag)))
                {
                    MarkRemoved(tag);
                    stripped++;
                }
            }

            if (stripped == tags.Items.Count)
            {
                // MISP leaves the Tag key out of an attribute without tags.
                RemoveProps(row, Key.Tag);
            }
            else
            {
                RemoveMarked(tags);
            }
        }

        if (Provenance.SourcePolicy.HidesSource(requester, orgc, Provenance.SourcePolicy.ChathamHouseApplies(eventMarking, context.Community)))
        {
            HideInTags(tags);
            if (stub is not null)
            {
                ReplaceText(stub, Key.OrgcId, Zero);
                ReplaceText(stub, Key.OrgId, Zero);
            }
        }

        return new UnitOutcome(true, "attribute", null, null, level, 0, _edits.Count > 0);
    }

    private UnitOutcome ProcessIndexRow(Node row)
    {
        var requester = context.Requester;
        var marking = default(TlpMarking);
        var eventTags = row.Child(Key.EventTag);
        if (eventTags is { IsArray: true })
        {
            foreach (var eventTag in eventTags.Items)
            {
                AddTag(ref marking, eventTag.Child(Key.Tag) ?? throw new FilterException("index EventTag without Tag"));
            }
        }
        else if (context.MinimalIndex || row.IndexOf(Key.EventTag) >= 0)
        {
            throw new FilterException("index row without EventTag list");
        }
        else
        {
            // A minimal row the gateway did not ask for carries no tags: it cannot be judged.
            return Withheld("index-row", "not-judgeable", row.Text(Key.Uuid), null);
        }

        var orgc = Orgc(row);
        var effective = marking.Effective(context.DefaultTlp);
        if (!EntitlementPolicy.MayReceive(effective, orgc, requester))
        {
            return Withheld("index-row", TlpReasons[(int)effective], row.Text(Key.Uuid), effective);
        }

        var hide = Provenance.SourcePolicy.HidesSource(requester, orgc, Provenance.SourcePolicy.ChathamHouseApplies(marking, context.Community));
        if (context.MinimalIndex)
        {
            ReplaceWithMinimalRow(row, hide ? context.Forwarder.Uuid : orgc);
            return new UnitOutcome(true, "index-row", null, null, effective, 0, true);
        }

        CapDistribution(row, effective);
        if (context.ExcludeLocalTags && eventTags is { IsArray: true })
        {
            foreach (var eventTag in eventTags.Items)
            {
                if (eventTag.IsTrue(Key.Local) || (eventTag.Child(Key.Tag) is { } tag && IsLocalTag(tag)))
                {
                    MarkRemoved(eventTag);
                }
            }

            RemoveMarked(eventTags);
        }

        if (hide)
        {
            HideEventSource(row);
        }

        return new UnitOutcome(true, "index-row", null, null, effective, 0, _edits.Count > 0);
    }

    private static UnitOutcome Withheld(string kind, string reason, string? eventUuid, TlpLevel? tlp) => new(false, kind, reason, eventUuid, tlp, 0, false);

    /// <summary>The minimal index shape a syncing MISP asked for, from the full row the gateway judged.</summary>
    private void ReplaceWithMinimalRow(Node row, string? orgcUuid)
    {
        var at = _replacements.WrittenCount;
        var writer = _writer ??= new Utf8JsonWriter(_replacements, WriterOptions);
        writer.Reset(_replacements);
        writer.WriteStartObject();
        WriteText(writer, "id"u8, row, Key.Id);
        WriteText(writer, "timestamp"u8, row, Key.Timestamp);
        WriteText(writer, "sighting_timestamp"u8, row, Key.SightingTimestamp, fallback: "0");

        writer.WriteBoolean("published"u8, row.IsTrue(Key.Published));
        WriteText(writer, "uuid"u8, row, Key.Uuid);
        writer.WriteString("orgc_uuid"u8, orgcUuid);
        writer.WriteEndObject();
        writer.Flush();
        _edits.Add(new Edit(row.Start, row.End, at, _replacements.WrittenCount - at));
    }

    /// <summary>Writes a string or number property of the input as a JSON string; <paramref name="fallback"/> (or null) when it is neither.</summary>
    private static void WriteText(Utf8JsonWriter writer, ReadOnlySpan<byte> name, Node holder, Key key, string? fallback = null)
    {
        var i = holder.IndexOf(key);
        if (i >= 0 && holder.TryGetPlainText(i, out var text))
        {
            writer.WriteString(name, text);
        }
        else
        {
            writer.WriteString(name, (i >= 0 ? holder.TextAt(i) : null) ?? fallback);
        }
    }

    /// <summary>The member rule an event breaks by its own tags, distribution or sharing group, or null.</summary>
    private string? EventRule(Node evt, Node? tags, Rules.MemberRules rules, bool tlpAdded, int? distribution)
    {
        var names = TagNames(tags);
        if (tlpAdded)
        {
            names.Add("tlp:" + TlpMarking.Name(context.DefaultTlp));
            names.Add("tlp:ex:chr");
        }

        return rules.EventRule(names, distribution, evt.Child(Key.SharingGroup)?.Text(Key.Uuid));
    }

    private static List<string> TagNames(Node? tags) => tags is { IsArray: true } ? tags.Items.Select(tag => Tlp.TagName.Canonical(TagName(tag))).ToList() : [];

    /// <summary>An item's distribution, with MISP's "inherit" (5) resolved to its parent's.</summary>
    private static int? Distribution(Node holder, int? parent) =>
        Rules.MemberRules.Resolve(holder.IndexOf(Key.Distribution) is >= 0 and var i ? holder.IntAt(i) : null, parent);

    /// <summary>The source organisation's UUID: <c>Orgc.uuid</c>, else the flat <c>orgc_uuid</c> of index rows.</summary>
    private string? Orgc(Node holder) =>
        (holder.Child(Key.Orgc) is { } orgc ? CachedText(orgc, Key.Uuid) : null) ?? CachedText(holder, Key.OrgcUuid);

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

        var decoded = Encoding.UTF8.GetString(utf8);
        if (_texts.Count < 64)
        {
            _texts.Add((utf8.ToArray(), decoded));
        }

        return decoded;
    }

    private TlpMarking Marking(Node? tags, out TlpMarking kept)
    {
        var marking = default(TlpMarking);
        kept = default;
        if (tags is null)
        {
            return marking;
        }

        if (!tags.IsArray)
        {
            throw new FilterException("Tag is not a list");
        }

        foreach (var tag in tags.Items)
        {
            AddTag(ref marking, tag);
        }

        if (!context.ExcludeLocalTags)
        {
            kept = marking;
            return marking;
        }

        foreach (var tag in tags.Items)
        {
            if (!IsLocalTag(tag))
            {
                AddTag(ref kept, tag);
            }
        }

        return marking;
    }

    /// <summary>Takes a tag's name into account, reading plain ASCII names in place (nearly all are).</summary>
    private static void AddTag(ref TlpMarking marking, Node tag)
    {
        var i = NameIndex(tag);
        if (tag.TryGetPlainText(i, out var utf8) && utf8.Length <= 128 && Ascii.IsValid(utf8))
        {
            Span<char> chars = stackalloc char[128];
            Ascii.ToUtf16(utf8, chars, out var written);
            marking.Add(chars[..written]);
        }
        else
        {
            marking.Add(tag.TextAt(i)!);
        }
    }

    private static string TagName(Node tag) => tag.TextAt(NameIndex(tag))!;

    private static int NameIndex(Node tag) =>
        !tag.IsArray && tag.IndexOf(Key.Name) is >= 0 and var i && tag.Props[i].ValueKind == JsonTokenType.String
            ? i
            : throw new FilterException("a tag without a string name");

    private static bool IsLocalTag(Node tag) => tag.IsTrue(Key.Local);

    /// <summary>An attribute row's tag inherited from its event (<c>includeEventTags</c>): <c>inherited</c> is a string or number other than 0.</summary>
    private static bool IsInherited(Node tag) =>
        tag.IndexOf(Key.Inherited) is >= 0 and var i
            && tag.Props[i].ValueKind is JsonTokenType.String or JsonTokenType.Number
            && !tag.TextEquals(i, "0"u8);

    private static TlpLevel Max(TlpLevel a, TlpLevel b) => a > b ? a : b;

    private bool QuotesRemoved(Node report)
    {
        var content = report.Text(Key.Content);
        if (content is null)
        {
            return false;
        }

        foreach (var uuid in RemovedUuids())
        {
            if (content.Contains(uuid, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var value in _removedValues)
        {
            if (content.Contains(value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private void CapDistribution(Node holder, TlpLevel level)
    {
        if (!context.Requester.IsSyncIdentity || holder.IndexOf(Key.Distribution) is not (>= 0 and var i))
        {
            return;
        }

        var prop = holder.Props[i];
        var distribution = holder.IntAt(i) ?? throw new FilterException("distribution is not a number");
        var capped = EntitlementPolicy.CapDistribution(level, distribution);
        if (capped != distribution)
        {
            ReplaceNumber(prop, capped, quoted: prop.ValueKind == JsonTokenType.String);
        }
    }

    private void HideEventSource(Node evt)
    {
        var forwarderUuid = _forwarderUuid ??= new JsonText(context.Forwarder.Uuid);
        ReplaceOrganisation(evt, Key.Orgc);
        ReplaceOrganisation(evt, Key.Org);
        ReplaceText(evt, Key.OrgcId, Zero);
        ReplaceText(evt, Key.OrgId, Zero);
        ReplaceText(evt, Key.OrgcUuid, forwarderUuid);
        ReplaceText(evt, Key.OrgUuid, forwarderUuid);
        RemoveProps(evt, Key.EventCreatorEmail, Key.CryptographicKey, Key.ExtendsUuid, Key.SharingGroup);
    }

    private void ReplaceOrganisation(Node holder, Key key)
    {
        if (holder.IndexOf(key) is >= 0 and var i)
        {
            Replace(holder.Props[i], _forwarderOrganisation ??= ForwarderOrganisation(context.Forwarder));
        }
    }

    private static byte[] ForwarderOrganisation(Members.OrganisationRef forwarder)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", "0");
            writer.WriteString("name", forwarder.Name);
            writer.WriteString("uuid", forwarder.Uuid);
            writer.WriteBoolean("local", false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void HideInTags(Node? tags)
    {
        if (tags is { IsArray: true })
        {
            foreach (var tag in tags.Items)
            {
                ReplaceText(tag, Key.OrgId, Zero);
                ReplaceText(tag, Key.UserId, Zero);
            }
        }
    }

    private void HideInSightings(Node? sightings)
    {
        if (sightings is { IsArray: true })
        {
            foreach (var sighting in sightings.Items)
            {
                ReplaceText(sighting, Key.OrgId, Zero);
                RemoveProps(sighting, Key.Organisation, Key.Source);
            }
        }
    }

    private void HideInGalaxies(Node? galaxies)
    {
        if (galaxies is not { IsArray: true })
        {
            return;
        }

        foreach (var galaxy in galaxies.Items)
        {
            if (galaxy.Child(Key.GalaxyCluster) is { IsArray: true } clusters)
            {
                foreach (var cluster in clusters.Items)
                {
                    ReplaceOrganisation(cluster, Key.Org);
                    ReplaceOrganisation(cluster, Key.Orgc);
                    ReplaceText(cluster, Key.OrgId, Zero);
                    ReplaceText(cluster, Key.OrgcId, Zero);
                }
            }
        }
    }

    private void AddDefaultTags(Node evt, Node? tags, bool hasChathamHouse)
    {
        int insertAt;
        ReadOnlySpan<byte> prefix;
        ReadOnlySpan<byte> suffix = default;
        if (tags is { IsArray: true })
        {
            var keptTags = tags.Items.Count;
            if (context.ExcludeLocalTags)
            {
                foreach (var tag in tags.Items)
                {
                    keptTags -= IsLocalTag(tag) ? 1 : 0;
                }
            }

            insertAt = tags.Items.Count > 0 ? tags.Items[^1].End : tags.Start + 1;
            prefix = keptTags > 0 ? ","u8 : default;
        }
        else if (tags is null)
        {
            insertAt = evt.Props.Count > 0 ? evt.Props[^1].ValueEnd : evt.Start + 1;
            prefix = evt.Props.Count > 0 ? ",\"Tag\":["u8 : "\"Tag\":["u8;
            suffix = "]"u8;
        }
        else
        {
            throw new FilterException("Tag is not a list");
        }

        // The added tag objects, comma-separated, after the separator that what precedes them needs.
        var at = _replacements.WrittenCount;
        _replacements.Write(prefix);
        _replacements.Write(_defaultTlpTag ??= Tag("tlp:" + TlpMarking.Name(context.DefaultTlp)));
        if (!hasChathamHouse)
        {
            _replacements.Write(","u8);
            _replacements.Write(ChathamHouseTag);
        }

        _replacements.Write(suffix);
        _edits.Add(new Edit(insertAt, insertAt, at, _replacements.WrittenCount - at));
    }

    private static byte[] Tag(string name)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("colour", "#FFC000");
            writer.WriteBoolean("exportable", true);
            writer.WriteBoolean("local", false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void EmptyList(Node holder, Key key)
    {
        if (holder.IndexOf(key) is >= 0 and var i && holder.Props[i].Child is { IsArray: true, Items.Count: > 0 })
        {
            Replace(holder.Props[i], "[]"u8);
        }
    }

    private void ReplaceText(Node holder, Key key, JsonText text)
    {
        if (holder.IndexOf(key) is >= 0 and var i && holder.Props[i].ValueKind == JsonTokenType.String && !holder.TextEquals(i, text.Utf8))
        {
            Replace(holder.Props[i], text.Json);
        }
    }

    private void ReplaceNumber(Prop prop, int value, bool quoted)
    {
        Span<byte> text = stackalloc byte[16];
        value.TryFormat(text[1..], out var length, default, CultureInfo.InvariantCulture);
        if (quoted)
        {
            text[0] = (byte)'"';
            text[length + 1] = (byte)'"';
            Replace(prop, text[..(length + 2)]);
        }
        else
        {
            Replace(prop, text.Slice(1, length));
        }
    }

    private void Replace(Prop prop, ReadOnlySpan<byte> replacement)
    {
        _edits.Add(new Edit(prop.ValueStart, prop.ValueEnd, _replacements.WrittenCount, replacement.Length));
        _replacements.Write(replacement);
    }

    private void RemoveLocalTags(Node tags)
    {
        foreach (var tag in tags.Items)
        {
            if (IsLocalTag(tag))
            {
                MarkRemoved(tag);
            }
        }

        RemoveMarked(tags);
    }

    private void MarkRemoved(Node item) => item.RemovedMark = _mark;

    private bool IsRemoved(Node item) => item.RemovedMark == _mark;

    private void RemoveProps(Node holder, params ReadOnlySpan<Key> keys)
    {
        var mask = 0UL;
        foreach (var key in keys)
        {
            mask |= 1UL << (int)key;
        }

        if ((holder.Keys & mask) != 0)
        {
            RemoveElements(new PropElements(holder, mask));
        }
    }

    /// <summary>Removes the items of a list that this decision marked.</summary>
    private void RemoveMarked(Node list) => RemoveElements(new ItemElements(list, _mark));

    /// <summary>
    /// Removes elements of an array or properties of an object with their separators, so the rest
    /// stays valid JSON: an element before the last kept one goes with the comma after it, one after
    /// the last kept one with the comma before it.
    /// </summary>
    private void RemoveElements<T>(T elements)
        where T : struct, IElements
    {
        var lastKept = elements.Count - 1;
        while (lastKept >= 0 && elements.Removed(lastKept))
        {
            lastKept--;
        }

        if (lastKept < 0)
        {
            if (elements.Count > 0)
            {
                _edits.Add(new Edit(elements.Start(0), elements.End(elements.Count - 1), 0, 0));
            }

            return;
        }

        for (var i = 0; i < elements.Count; i++)
        {
            if (!elements.Removed(i))
            {
                continue;
            }

            _edits.Add(i < lastKept
                ? new Edit(elements.Start(i), elements.Start(i + 1), 0, 0)
                : new Edit(elements.End(i - 1), elements.End(i), 0, 0));
        }
    }

    /// <summary>The elements of an array or object, as <see cref="RemoveElements"/> sees them.</summary>
    private interface IElements
    {
        int Count { get; }

        int Start(int index);

        int End(int index);

        bool Removed(int index);
    }

    private readonly struct ItemElements(Node list, int mark) : IElements
    {
        public int Count => list.Items.Count;

        public int Start(int index) => list.Items[index].Start;

        public int End(int index) => list.Items[index].End;

        public bool Removed(int index) => list.Items[index].RemovedMark == mark;
    }

    private readonly struct PropElements(Node holder, ulong keys) : IElements
    {
        public int Count => holder.Props.Count;

        public int Start(int index) => holder.Props[index].NameStart;

        public int End(int index) => holder.Props[index].ValueEnd;

        public bool Removed(int index) => holder.Props[index].Key != Key.Other && (keys & (1UL << (int)holder.Props[index].Key)) != 0;
    }

    /// <summary>A replacement text: its UTF-8 (to compare with the input's) and its JSON string form (to write).</summary>
    private sealed class JsonText(string text)
    {
        public byte[] Utf8 { get; } = Encoding.UTF8.GetBytes(text);

        public byte[] Json { get; } = JsonSerializer.SerializeToUtf8Bytes(text, SerializerOptions);
    }
}

/// <summary>What a unit of a response is, as far as its position tells.</summary>
internal enum UnitShape
{
    /// <summary>An item of a list or a top-level value: classified by its content.</summary>
    Item,

    /// <summary>The value of a top-level <c>Event</c> property.</summary>
    Event,

    /// <summary>An element of <c>response.Attribute</c>.</summary>
    AttributeRow,
}
