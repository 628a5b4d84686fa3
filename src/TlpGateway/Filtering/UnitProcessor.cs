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
internal sealed class UnitProcessor(FilterContext context)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonScan _scanner = new();
    private readonly List<Edit> _edits = [];
    private readonly HashSet<string> _removedUuids = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _removedValues = [];

    private readonly record struct Edit(int Start, int End, byte[]? Replacement);

    /// <summary>Processes one item of a list (or the value of a top-level property) and writes what may leave.</summary>
    /// <param name="input">The unit's bytes: a complete JSON value.</param>
    /// <param name="output">Where the released bytes go; nothing is written for a withheld unit.</param>
    /// <param name="shape">What the unit's place in the answer says it is.</param>
    public UnitOutcome Process(ReadOnlyMemory<byte> input, IBufferWriter<byte> output, UnitShape shape)
    {
        _edits.Clear();
        _removedUuids.Clear();
        _removedValues.Clear();
        var first = FirstSignificant(input.Span);
        if (first != '{' && first != '[')
        {
            // A string, number or literal cannot carry an event.
            output.Write(input.Span);
            return UnitOutcome.PassedThrough;
        }

        var node = _scanner.Scan(input);
        // An event or attribute row must be an object; anything else in its place is judged as an unknown item.
        var outcome = (shape, node.IsArray) switch
        {
            (UnitShape.Event, false) => ProcessEvent(node, fullEvent: true),
            (UnitShape.AttributeRow, false) => ProcessAttributeRow(node),
            _ => ProcessItem(node),
        };
        if (outcome.Released)
        {
            Emit(input.Span, output);
        }

        return outcome;
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
            return new UnitOutcome(false, kind, "needs-lookup", eventUuid, null, 0, false) { NeedsLookup = true };
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

            ReplaceText(row, Key.OrgId, "0");
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
        var orgc = evt.Child(Key.Orgc)?.Text(Key.Uuid) ?? evt.Text(Key.OrgcUuid);
        var uuid = evt.Text(Key.Uuid);
        var effective = marking.Effective(context.DefaultTlp);
        if (!EntitlementPolicy.MayReceive(effective, orgc, requester))
        {
            return new UnitOutcome(false, "event", "tlp-" + TlpMarking.Name(effective), uuid, effective, 0, false) { OrgcUuid = orgc };
        }

        var rules = requester.Member.Rules;
        var eventDistribution = Distribution(evt, parent: null);
        if (!rules.IsEmpty && EventRule(evt, tags, rules, fullEvent && !marking.HasLevel, eventDistribution) is { } broken)
        {
            return new UnitOutcome(false, "event", "rule-" + broken, uuid, effective, 0, false) { OrgcUuid = orgc };
        }

        var hide = EntitlementPolicy.HidesSource(requester, orgc, EntitlementPolicy.ChathamHouseApplies(marking, context.Community));
        var attributeTotal = 0;
        var removed = 0;
        if (evt.Child(Key.Attribute) is { IsArray: true } attributes)
        {
            attributeTotal += attributes.Items.Count;
            removed += JudgeAttributes(attributes, effective, orgc, hide, eventDistribution);
        }

        if (evt.Child(Key.Object) is { IsArray: true } objects)
        {
            var removedObjects = new bool[objects.Items.Count];
            for (var i = 0; i < objects.Items.Count; i++)
            {
                var obj = objects.Items[i];
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
                    removedObjects[i] = true;
                    objectAttributes.Items.ForEach(RecordRemoved);
                    if (obj.Text(Key.Uuid) is { } blockedUuid)
                    {
                        _removedUuids.Add(blockedUuid);
                    }

                    continue;
                }

                var removedHere = JudgeAttributes(objectAttributes, effective, orgc, hide, objectDistribution);
                removed += removedHere;
                if (removedHere > 0 && removedHere == objectAttributes.Items.Count)
                {
                    removedObjects[i] = true;
                    if (obj.Text(Key.Uuid) is { } objectUuid)
                    {
                        _removedUuids.Add(objectUuid);
                    }

                    continue;
                }

                CapDistribution(obj, effective);
                if (hide)
                {
                    HideInTags(obj.Child(Key.Tag));
                }
            }

            for (var i = 0; i < objects.Items.Count; i++)
            {
                if (!removedObjects[i] && objects.Items[i].Child(Key.ObjectReference) is { IsArray: true } references)
                {
                    RemoveItems(references, reference => reference.Text(Key.ReferencedUuid) is { } target && _removedUuids.Contains(target));
                }
            }

            RemoveItems(objects, removedObjects);
        }

        if (removed > 0 && evt.IndexOf(Key.AttributeCount) is >= 0 and var countIndex)
        {
            var count = attributeTotal - removed;
            Replace(evt.Props[countIndex], Quoted(count.ToString(CultureInfo.InvariantCulture)));
        }

        if (evt.Child(Key.EventReport) is { IsArray: true } reports)
        {
            // One removal per list, so the separators of removed reports are worked out together.
            RemoveItems(reports, report => (removed > 0 && QuotesRemoved(report))
                || (Distribution(report, eventDistribution) is { } level && rules.BlockedDistributionLevels.Contains(level)));
            foreach (var report in reports.Items)
            {
                CapDistribution(report, effective);
            }
        }

        // Correlations are kept only where the gateway confirmed the related event may be received;
        // it confirms none here, so none leave.
        EmptyList(evt, Key.RelatedEvent);
        if (evt.Child(Key.ShadowAttribute) is { IsArray: true } proposals)
        {
            if (hide)
            {
                EmptyList(evt, Key.ShadowAttribute);
            }
            else
            {
                RemoveItems(proposals, proposal => proposal.Text(Key.Uuid) is { } target && _removedUuids.Contains(target));
            }
        }

        CapDistribution(evt, effective);
        if (context.ExcludeLocalTags && tags is { IsArray: true })
        {
            RemoveItems(tags, IsLocalTag);
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
            return new UnitOutcome(false, "event", "protected-would-change", uuid, effective, removed, false) { OrgcUuid = orgc };
        }

        return new UnitOutcome(true, "event", null, uuid, effective, removed, _edits.Count > 0) { OrgcUuid = orgc, HidesSource = hide, RemovedItems = [.. _removedUuids] };
    }

    /// <summary>Judges each attribute of a list; returns how many were removed.</summary>
    private int JudgeAttributes(Node attributes, TlpLevel eventLevel, string? orgc, bool hide, int? parentDistribution)
    {
        var removed = new bool[attributes.Items.Count];
        var count = 0;
        var rules = context.Requester.Member.Rules;
        for (var i = 0; i < attributes.Items.Count; i++)
        {
            var attribute = attributes.Items[i];
            var own = Marking(attribute.Child(Key.Tag), out _);
            var level = Max(own.HasLevel || own.Unknown ? own.Effective(TlpLevel.Clear) : TlpLevel.Clear, eventLevel);
            var ruled = !rules.IsEmpty
                && rules.AttributeRule(attribute.Text(Key.Type), attribute.Text(Key.Category), Distribution(attribute, parentDistribution), TagNames(attribute.Child(Key.Tag))) is not null;
            if (ruled || !EntitlementPolicy.MayReceive(level, orgc, context.Requester))
            {
                removed[i] = true;
                count++;
                RecordRemoved(attribute);
                continue;
            }

            CapDistribution(attribute, level);
            EmptyList(attribute, Key.RelatedAttribute);
            EmptyList(attribute, Key.Feed);
            EmptyList(attribute, Key.Server);
            if (context.ExcludeLocalTags && attribute.Child(Key.Tag) is { IsArray: true } attributeTags)
            {
                RemoveItems(attributeTags, IsLocalTag);
            }

            if (hide)
            {
                HideInTags(attribute.Child(Key.Tag));
                HideInSightings(attribute.Child(Key.Sighting));
                EmptyList(attribute, Key.ShadowAttribute);
                HideInGalaxies(attribute.Child(Key.Galaxy));
            }
        }

        RemoveItems(attributes, removed);
        return count;
    }

    /// <summary>Remembers a removed attribute, so what references or quotes it goes too.</summary>
    private void RecordRemoved(Node attribute)
    {
        if (attribute.Text(Key.Uuid) is { } uuid)
        {
            _removedUuids.Add(uuid);
        }

        if (attribute.Text(Key.Value) is { Length: >= 4 } value)
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
                var name = TagName(tag);
                if (tag.IndexOf(Key.Inherited) >= 0 && tag.Text(Key.Inherited) is not ("0" or null))
                {
                    eventMarking.Add(name);
                }
                else
                {
                    own.Add(name);
                }
            }
        }

        var stub = row.Child(Key.Event);
        var orgcId = stub?.Text(Key.OrgcId);
        var owner = orgcId is not null && requester.OrgId.Length > 0 && orgcId == requester.OrgId;
        var orgc = owner ? requester.OrgUuid : null;
        var eventLevel = eventMarking.Effective(context.DefaultTlp);
        var level = Max(own.HasLevel || own.Unknown ? own.Effective(TlpLevel.Clear) : TlpLevel.Clear, eventLevel);
        var uuid = stub?.Text(Key.Uuid);
        if (!EntitlementPolicy.MayReceive(eventLevel, orgc, requester) || !EntitlementPolicy.MayReceive(level, orgc, requester))
        {
            return new UnitOutcome(false, "attribute", "tlp-" + TlpMarking.Name(level), uuid, level, 1, false);
        }

        CapDistribution(row, level);
        if (tags is { IsArray: true })
        {
            if (context.StripInheritedTags || context.ExcludeLocalTags)
            {
                var strip = new bool[tags.Items.Count];
                for (var i = 0; i < strip.Length; i++)
                {
                    strip[i] = (context.StripInheritedTags && tags.Items[i].Text(Key.Inherited) is not ("0" or null))
                        || (context.ExcludeLocalTags && IsLocalTag(tags.Items[i]));
                }

                if (strip.All(s => s))
                {
                    // MISP leaves the Tag key out of an attribute without tags.
                    RemoveProps(row, Key.Tag);
                }
                else
                {
                    RemoveItems(tags, strip);
                }
            }
        }

        if (EntitlementPolicy.HidesSource(requester, orgc, EntitlementPolicy.ChathamHouseApplies(eventMarking, context.Community)))
        {
            HideInTags(tags);
            if (stub is not null)
            {
                ReplaceText(stub, Key.OrgcId, "0");
                ReplaceText(stub, Key.OrgId, "0");
            }
        }

        return new UnitOutcome(true, "attribute", null, uuid, level, 0, _edits.Count > 0);
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
                marking.Add(TagName(eventTag.Child(Key.Tag) ?? throw new FilterException("index EventTag without Tag")));
            }
        }
        else if (context.MinimalIndex || row.IndexOf(Key.EventTag) >= 0)
        {
            throw new FilterException("index row without EventTag list");
        }
        else
        {
            // A minimal row the gateway did not ask for carries no tags: it cannot be judged.
            return new UnitOutcome(false, "index-row", "not-judgeable", row.Text(Key.Uuid), null, 0, false);
        }

        var orgc = row.Child(Key.Orgc)?.Text(Key.Uuid) ?? row.Text(Key.OrgcUuid);
        var uuid = row.Text(Key.Uuid);
        var effective = marking.Effective(context.DefaultTlp);
        if (!EntitlementPolicy.MayReceive(effective, orgc, requester))
        {
            return new UnitOutcome(false, "index-row", "tlp-" + TlpMarking.Name(effective), uuid, effective, 0, false);
        }

        var hide = EntitlementPolicy.HidesSource(requester, orgc, EntitlementPolicy.ChathamHouseApplies(marking, context.Community));
        if (context.MinimalIndex)
        {
            ReplaceWithMinimalRow(row, hide ? context.Forwarder.Uuid : orgc);
            return new UnitOutcome(true, "index-row", null, uuid, effective, 0, true);
        }

        CapDistribution(row, effective);
        if (context.ExcludeLocalTags && eventTags is { IsArray: true })
        {
            RemoveItems(eventTags, eventTag => eventTag.IsTrue(Key.Local) || (eventTag.Child(Key.Tag) is { } tag && tag.IsTrue(Key.Local)));
        }

        if (hide)
        {
            HideEventSource(row);
        }

        return new UnitOutcome(true, "index-row", null, uuid, effective, 0, _edits.Count > 0);
    }

    /// <summary>The minimal index shape a syncing MISP asked for, from the full row the gateway judged.</summary>
    private void ReplaceWithMinimalRow(Node row, string? orgcUuid)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", row.Text(Key.Id));
            writer.WriteString("timestamp", row.Text(Key.Timestamp));
            writer.WriteString("sighting_timestamp", row.Text(Key.SightingTimestamp) ?? "0");
            writer.WriteBoolean("published", row.IsTrue(Key.Published));
            writer.WriteString("uuid", row.Text(Key.Uuid));
            writer.WriteString("orgc_uuid", orgcUuid);
            writer.WriteEndObject();
        }

        _edits.Add(new Edit(row.Start, row.End, buffer.WrittenSpan.ToArray()));
    }

    /// <summary>The member rule an event breaks by its own tags, distribution or sharing group, or null.</summary>
    private static string? EventRule(Node evt, Node? tags, Members.MemberRules rules, bool tlpAdded, int? distribution) =>
        rules.EventTagRule(TagNames(tags), tlpAdded)
        ?? (distribution is { } level && rules.BlockedDistributionLevels.Contains(level) ? "blocked-distribution" : null)
        ?? (evt.Child(Key.SharingGroup)?.Text(Key.Uuid) is { } group && rules.BlockedSharingGroups.Contains(group) ? "blocked-sharing-group" : null);

    private static List<string> TagNames(Node? tags) => tags is { IsArray: true } ? tags.Items.Select(TagName).ToList() : [];

    /// <summary>An item's distribution, with MISP's "inherit" (5) resolved to its parent's.</summary>
    private static int? Distribution(Node holder, int? parent) =>
        Members.MemberRules.Resolve(int.TryParse(holder.Text(Key.Distribution), NumberStyles.None, CultureInfo.InvariantCulture, out var level) ? level : null, parent);

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
            var name = TagName(tag);
            marking.Add(name);
            if (!(context.ExcludeLocalTags && IsLocalTag(tag)))
            {
                kept.Add(name);
            }
        }

        return marking;
    }

    private static string TagName(Node tag) =>
        !tag.IsArray && tag.IndexOf(Key.Name) is >= 0 and var i && tag.Props[i].ValueKind == JsonTokenType.String
            ? tag.TextAt(i)!
            : throw new FilterException("a tag without a string name");

    private static bool IsLocalTag(Node tag) => tag.IsTrue(Key.Local);

    private static TlpLevel Max(TlpLevel a, TlpLevel b) => a > b ? a : b;

    private bool QuotesRemoved(Node report)
    {
        var content = report.Text(Key.Content);
        if (content is null)
        {
            return false;
        }

        foreach (var uuid in _removedUuids)
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
        if (!int.TryParse(holder.TextAt(i), NumberStyles.None, CultureInfo.InvariantCulture, out var distribution))
        {
            throw new FilterException("distribution is not a number");
        }

        var capped = EntitlementPolicy.CapDistribution(level, distribution);
        if (capped != distribution)
        {
            var text = capped.ToString(CultureInfo.InvariantCulture);
            Replace(prop, prop.ValueKind == JsonTokenType.String ? Quoted(text) : Encoding.UTF8.GetBytes(text));
        }
    }

    private void HideEventSource(Node evt)
    {
        var forwarder = context.Forwarder;
        ReplaceOrganisation(evt, Key.Orgc);
        ReplaceOrganisation(evt, Key.Org);
        ReplaceText(evt, Key.OrgcId, "0");
        ReplaceText(evt, Key.OrgId, "0");
        ReplaceText(evt, Key.OrgcUuid, forwarder.Uuid);
        ReplaceText(evt, Key.OrgUuid, forwarder.Uuid);
        RemoveProps(evt, Key.EventCreatorEmail, Key.CryptographicKey, Key.ExtendsUuid, Key.SharingGroup);
    }

    private void ReplaceOrganisation(Node holder, Key key)
    {
        if (holder.IndexOf(key) is >= 0 and var i)
        {
            var forwarder = context.Forwarder;
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

            Replace(holder.Props[i], buffer.WrittenSpan.ToArray());
        }
    }

    private void HideInTags(Node? tags)
    {
        if (tags is { IsArray: true })
        {
            foreach (var tag in tags.Items)
            {
                ReplaceText(tag, Key.OrgId, "0");
                ReplaceText(tag, Key.UserId, "0");
            }
        }
    }

    private void HideInSightings(Node? sightings)
    {
        if (sightings is { IsArray: true })
        {
            foreach (var sighting in sightings.Items)
            {
                ReplaceText(sighting, Key.OrgId, "0");
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
                    ReplaceText(cluster, Key.OrgId, "0");
                    ReplaceText(cluster, Key.OrgcId, "0");
                }
            }
        }
    }

    private void AddDefaultTags(Node evt, Node? tags, bool hasChathamHouse)
    {
        // The added tag objects, comma-separated; the separator before them depends on what precedes them.
        byte[] added = [.. Tag("tlp:" + TlpMarking.Name(context.DefaultTlp))];
        if (!hasChathamHouse)
        {
            added = [.. added, (byte)',', .. Tag("tlp:ex:chr")];
        }

        if (tags is { IsArray: true })
        {
            var keptTags = tags.Items.Count - (context.ExcludeLocalTags ? tags.Items.Count(IsLocalTag) : 0);
            var insertAt = tags.Items.Count > 0 ? tags.Items[^1].End : tags.Start + 1;
            _edits.Add(new Edit(insertAt, insertAt, keptTags > 0 ? [(byte)',', .. added] : added));
        }
        else if (tags is null)
        {
            var insertAt = evt.Props.Count > 0 ? evt.Props[^1].ValueEnd : evt.Start + 1;
            var prefix = evt.Props.Count > 0 ? ",\"Tag\":["u8 : "\"Tag\":["u8;
            _edits.Add(new Edit(insertAt, insertAt, [.. prefix, .. added, (byte)']']));
        }
        else
        {
            throw new FilterException("Tag is not a list");
        }
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
            Replace(holder.Props[i], "[]"u8.ToArray());
        }
    }

    private void ReplaceText(Node holder, Key key, string text)
    {
        if (holder.IndexOf(key) is >= 0 and var i && holder.Props[i].ValueKind == JsonTokenType.String && holder.TextAt(i) != text)
        {
            Replace(holder.Props[i], Quoted(text));
        }
    }

    private void Replace(Prop prop, byte[] replacement) => _edits.Add(new Edit(prop.ValueStart, prop.ValueEnd, replacement));

    private static byte[] Quoted(string text) => JsonSerializer.SerializeToUtf8Bytes(text, SerializerOptions);

    private void RemoveProps(Node holder, params Key[] keys)
    {
        var removed = new bool[holder.Props.Count];
        var any = false;
        for (var i = 0; i < removed.Length; i++)
        {
            removed[i] = Array.IndexOf(keys, holder.Props[i].Key) >= 0;
            any |= removed[i];
        }

        if (any)
        {
            RemoveElements(holder.Props.Select(p => (p.NameStart, p.ValueEnd)).ToList(), removed);
        }
    }

    private void RemoveItems(Node list, Func<Node, bool> remove) => RemoveItems(list, list.Items.Select(remove).ToArray());

    private void RemoveItems(Node list, bool[] removed)
    {
        if (removed.Any(r => r))
        {
            RemoveElements(list.Items.Select(item => (item.Start, item.End)).ToList(), removed);
        }
    }

    /// <summary>
    /// Removes elements of an array or properties of an object with their separators, so the rest
    /// stays valid JSON: an element before the last kept one goes with the comma after it, one after
    /// the last kept one with the comma before it.
    /// </summary>
    private void RemoveElements(List<(int Start, int End)> elements, bool[] removed)
    {
        var lastKept = Array.LastIndexOf(removed, false);
        if (lastKept < 0)
        {
            _edits.Add(new Edit(elements[0].Start, elements[^1].End, null));
            return;
        }

        for (var i = 0; i < elements.Count; i++)
        {
            if (!removed[i])
            {
                continue;
            }

            _edits.Add(i < lastKept
                ? new Edit(elements[i].Start, elements[i + 1].Start, null)
                : new Edit(elements[i - 1].End, elements[i].End, null));
        }
    }

    private void Emit(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        if (_edits.Count == 0)
        {
            output.Write(input);
            return;
        }

        _edits.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
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
            if (edit.Replacement is { } replacement)
            {
                output.Write(replacement);
            }

            position = edit.End;
        }

        output.Write(input[position..]);
    }

    private static byte FirstSignificant(ReadOnlySpan<byte> input)
    {
        foreach (var b in input)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return b;
            }
        }

        return 0;
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
