using System.Text.Json;
using TlpGateway.Filtering;
using TlpGateway.Rules;
using TlpGateway.Shapes;
using TlpGateway.Tlp;

namespace TlpGateway.Decision;

/// <summary>The steps every item goes through, whatever its kind: judged (steps 3-5), then delivered (step 6).</summary>
internal sealed partial class UnitDecision
{
    /// <summary>
    /// Judges one item against what holds it: its own marking (for shapes judged on their own), the
    /// entitlement, its member rule, and whether it names or quotes something already removed. A
    /// removed item is marked and remembered; the scope it passes to its parts is kept on it.
    /// </summary>
    private bool Judge(Node item, ItemShape shape, in ItemScope parent, out string reason)
    {
        reason = string.Empty;
        item.JudgedMark = _mark;
        if (!item.IsObject)
        {
            throw new FilterException($"an element of a list of {shape.Name} items is not an object");
        }

        // :: Step 3 — the item's marking: the more restrictive of its own tags and what holds it.
        var level = parent.Level;
        if (shape.Judged)
        {
            level = Max(level, OwnLevel(Marking(item, shape, out _, out _)));
        }

        var own = ReadDistribution(item);
        var distribution = MemberRules.Resolve(own, parent.Distribution);
        var delivered = parent.Delivered;
        if (own is { } sent)
        {
            var capped = Requester.IsSyncIdentity && shape.CapsDistribution ? DistributionCap.Deliver(level, sent, parent.Delivered) : sent;
            if (capped != sent)
            {
                var prop = item.Props[item.IndexOf(Key.Distribution)];
                _edits.ReplaceNumber(prop, capped, quoted: prop.ValueKind == JsonTokenType.String);
            }

            delivered = DistributionCap.Effective(capped, parent.Delivered);
        }

        // A cluster an organisation made names its own source: hidden wherever it would be on its own, whatever the event's.
        var hide = parent.Hide || (shape.Kind == ItemKind.GalaxyCluster && !item.IsSet(Key.Default) && ClusterHidesSource(item, Marking(item, shape, out _, out _)));
        item.Scope = new ItemScope(level, distribution, delivered, hide);

        // :: Step 4 — may it leave. An item no more restrictive than its parent goes where its parent goes.
        if (level > parent.Level && !EntitlementPolicy.MayReceive(level, _orgc, Requester))
        {
            reason = TlpReasons[(int)level];
        }
        else if (shape.RemovedWhenHidden && parent.Hide)
        {
            reason = "source-hidden";
        }
        else if (shape.Kind == ItemKind.GalaxyCluster && _context.ExcludeLocalTags && item.IsSet(Key.Local))
        {
            // Attached by a local tag: MISP, asked to leave local tags out, leaves out the cluster too.
            reason = "local-tag";
        }
        else if (shape.Kind == ItemKind.TargetingRelation && !item.IsSet(Key.Default))
        {
            // Another organisation's cluster relates itself to this one: its marking and source are not in the answer.
            reason = "from-unjudged-cluster";
        }
        else if (RuleBroken(item, shape, distribution, []) is { } rule)
        {
            reason = "rule-" + rule;
        }
        else if (_removals.NamedBy(item, shape))
        {
            reason = "names-removed-item";
        }
        else if (shape.Kind == ItemKind.EventReport && _removals.QuotedBy(item))
        {
            reason = "quotes-removed-item";
        }
        else if (shape.Kind == ItemKind.AnalystData && item.Text(Key.RelatedObjectUuid) is { } related && !IsReleasedPart(related))
        {
            // A relationship embeds what it points at, with that item's source: only to a part released here.
            reason = "relates-to-unconfirmed-item";
        }
        else if (shape.Kind == ItemKind.AnalystData && item.Child(Key.RelatedObject) is { } embedded && !EmbedsOnly(embedded, item.Text(Key.RelatedObjectUuid)))
        {
            // What it embeds was judged by related_object_uuid alone: another item there (another event, a removed part) is not.
            reason = "embeds-another-item";
        }
        else
        {
            return true;
        }

        Remove(item, shape, reason);
        return false;
    }

    /// <summary>
    /// Whether a relationship's <c>related_object</c> holds only the item its <c>related_object_uuid</c> names (MISP
    /// embeds that one, under its kind), and, inside an event, only that event and its released parts as the
    /// <c>Event</c> and <c>Object</c> the item is in.
    /// </summary>
    private bool EmbedsOnly(Node embedded, string? related)
    {
        foreach (var prop in embedded.Props)
        {
            if (embedded.ChildOf(prop) is not { IsObject: true } target)
            {
                continue;
            }

            if (related is null || !string.Equals(target.Text(Key.Uuid), related, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (_event is not null && (EmbedsUnreleased(target, Key.Event) || EmbedsUnreleased(target, Key.Object)))
            {
                return false;
            }
        }

        return true;

        bool EmbedsUnreleased(Node target, Key key) => target.Child(key)?.Text(Key.Uuid) is { } uuid && !IsReleasedPart(uuid);
    }

    /// <summary>Whether <paramref name="uuid"/> is the event being decided or one of its parts the requester receives.</summary>
    private bool IsReleasedPart(string uuid)
    {
        if (string.Equals(uuid, _confirmed, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (_event is null)
        {
            return false;
        }

        if (_parts is null)
        {
            _parts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (_event.Text(Key.Uuid) is { } eventUuid)
            {
                _parts.Add(eventUuid);
            }

            AddParts(List(_event, Key.Attribute));
            AddParts(List(_event, Key.EventReport));
            if (List(_event, Key.Object) is { } objects)
            {
                AddParts(objects);
                foreach (var obj in objects.Items)
                {
                    AddParts(obj.RemovedMark == _mark ? null : List(obj, Key.Attribute));
                }
            }
        }

        return _parts.Contains(uuid);

        void AddParts(Node? list)
        {
            foreach (var part in list is null ? [] : list.Items)
            {
                if (part.IsObject && part.RemovedMark != _mark && part.Text(Key.Uuid) is { } partUuid)
                {
                    _parts!.Add(partUuid);
                }
            }
        }
    }

    private void Remove(Node item, ItemShape shape, string reason)
    {
        item.RemovedMark = _mark;
        _removals.Add(item, shape, reason);
    }

    /// <summary>
    /// Judges the parts others depend on before those others (step 5): attributes, then objects with
    /// their attributes (an object left with none goes), then reports, which may quote what went.
    /// </summary>
    private void JudgeParts(Node holder, ItemShape shape, in ItemScope scope)
    {
        if (shape[Key.Attribute].Role == Role.Items && List(holder, Key.Attribute) is { } attributes)
        {
            foreach (var attribute in attributes.Items)
            {
                Judge(attribute, MispShapes.Attribute, scope, out _);
            }
        }

        if (shape[Key.Object].Role == Role.Items && List(holder, Key.Object) is { } objects)
        {
            foreach (var obj in objects.Items)
            {
                JudgeObject(obj, scope);
            }
        }

        if (shape[Key.EventReport].Role == Role.Items && List(holder, Key.EventReport) is { } reports)
        {
            foreach (var report in reports.Items)
            {
                Judge(report, MispShapes.EventReport, scope, out _);
            }
        }
    }

    /// <summary>Judges an object and its attributes; an object left without any attribute goes (SPEC section 3).</summary>
    private bool JudgeObject(Node obj, in ItemScope scope)
    {
        var kept = Judge(obj, MispShapes.Object, scope, out var reason);
        var attributes = List(obj, Key.Attribute);
        if (attributes is null)
        {
            return kept;
        }

        var removed = 0;
        foreach (var attribute in attributes.Items)
        {
            if (!kept)
            {
                // The attributes of a removed object are removed with it: references and quotes of them go too.
                attribute.JudgedMark = _mark;
                Remove(attribute, MispShapes.Attribute, reason);
                continue;
            }

            removed += Judge(attribute, MispShapes.Attribute, obj.Scope, out _) ? 0 : 1;
        }

        if (kept && removed > 0 && removed == attributes.Items.Length)
        {
            Remove(obj, MispShapes.Object, "object-emptied");
            return false;
        }

        return kept;
    }

    /// <summary>
    /// Delivers a kept item (step 6), property by property as its shape describes them: checks each
    /// value's type, hides the source where the scope says so, strips local tags the client asked
    /// MISP to leave out, and judges and delivers its parts; the properties in <paramref name="drop"/> go.
    /// </summary>
    private void Deliver(Node item, ItemShape shape, in ItemScope scope)
    {
        var removed = default(KeySet);
        var props = item.Props;
        for (var i = 0; i < props.Length; i++)
        {
            ref readonly var prop = ref props[i];
            var role = shape[prop.Key];
            var isContainer = prop.ValueKind is JsonTokenType.StartObject or JsonTokenType.StartArray;
            switch (role.Role)
            {
                case Role.Unread:
                    if (Records.ContainerHoldsData(item, prop))
                    {
                        throw new FilterException($"a {shape.Name} holds MISP data under a name the gateway does not read");
                    }

                    // What names people of the source whatever its type (a cluster's list of authors) goes with it.
                    if (scope.Hide && role.Hiding != Hiding.Keep)
                    {
                        _hiding.Apply(_edits, item, i, role.Hiding, ref removed);
                    }
                    else if (scope.Hide && Records.GoesWhereSourceIsHidden(item, prop))
                    {
                        // Where the source is hidden, what is not understood goes: it may name the source.
                        _edits.RemovePropAt(item, i);
                    }

                    break;

                case Role.Scalar:
                    if (isContainer)
                    {
                        throw new FilterException($"'{KeyNames.NameOf(prop.Key)}' of a {shape.Name} is not a scalar");
                    }

                    if (scope.Hide && role.Hiding != Hiding.Keep)
                    {
                        _hiding.Apply(_edits, item, i, role.Hiding, ref removed);
                    }
                    else if (prop.Key == Key.ExtendsUuid)
                    {
                        JudgeExtension(item, i);
                    }

                    break;

                case Role.Tags or Role.TagLinks when prop.IsEmptyArray:
                    // An empty list delivers nothing (and has no node to make).
                    break;

                case Role.Tags or Role.TagLinks:
                    // The marking read them already (and checked their shape) where the item was judged on its own tags.
                    DeliverTags(item.ChildOf(prop), prop, role.Role, scope, check: !(shape.Judged && item.JudgedMark == _mark));
                    break;

                case Role.Item:
                    if (prop.ValueKind == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (prop.ValueKind != JsonTokenType.StartObject)
                    {
                        throw new FilterException($"'{KeyNames.NameOf(prop.Key)}' of a {shape.Name} is not an object");
                    }

                    DeliverItem(item, i, role, scope, ref removed);
                    break;

                case Role.Withheld:
                    removed.Add(prop.Key);
                    break;

                case Role.Items:
                    if (scope.Hide && role.Hiding == Hiding.Remove)
                    {
                        removed.Add(prop.Key);
                        break;
                    }

                    if (!prop.IsEmptyArray)
                    {
                        DeliverList(item.ChildOf(prop), prop, role.Kind, scope);
                    }

                    break;
            }
        }

        _edits.RemoveProps(item, removed);
    }

    private void DeliverList(Node? child, in Prop prop, ItemKind kind, in ItemScope scope)
    {
        if (prop.ValueKind == JsonTokenType.Null)
        {
            return;
        }

        var list = child is { IsList: true } ? child : throw new FilterException($"'{KeyNames.NameOf(prop.Key)}' is not a list");
        switch (kind)
        {
            case ItemKind.Correlation:
                // Decided with the event (JudgeCorrelations).
                return;

            case ItemKind.Hit:
                // Feed and server hits tell what other sources hold: never released (SPEC section 3).
                foreach (var hit in list.Items)
                {
                    hit.RemovedMark = _mark;
                }

                break;

            case ItemKind.RelatedAttribute:
                DeliverAttributeCorrelations(list);
                break;

            default:
                var shape = MispShapes.Of(kind);
                foreach (var element in list.Items)
                {
                    var kept = element.JudgedMark == _mark ? element.RemovedMark != _mark : Judge(element, shape, scope, out _);
                    if (kept && kind == ItemKind.Galaxy && !KeepsAnyCluster(element))
                    {
                        // A galaxy is in an answer for the clusters attached: left with none, it would tell that one of it was.
                        Remove(element, shape, "galaxy-emptied");
                    }
                    else if (kept)
                    {
                        Deliver(element, shape, element.Scope);
                    }
                }

                break;
        }

        _edits.RemoveMarked(list, _mark);
    }

    /// <summary>Whether a galaxy listing clusters keeps one of them (judged here, before it is delivered); one listing none is as MISP wrote it.</summary>
    private bool KeepsAnyCluster(Node galaxy)
    {
        var clusters = List(galaxy, Key.GalaxyCluster);
        if (clusters is null || clusters.Items.Length == 0)
        {
            return true;
        }

        var keeps = false;
        foreach (var cluster in clusters.Items)
        {
            keeps |= cluster.JudgedMark == _mark ? cluster.RemovedMark != _mark : Judge(cluster, MispShapes.GalaxyCluster, galaxy.Scope, out _);
        }

        return keeps;
    }

    private void DeliverTags(Node? child, in Prop prop, Role role, in ItemScope scope, bool check)
    {
        if (prop.ValueKind == JsonTokenType.Null)
        {
            return;
        }

        var list = child ?? throw new FilterException("tags are not a list");
        if (check)
        {
            TagList.Check(list, role);
        }
        foreach (var element in list.Items)
        {
            if (_context.ExcludeLocalTags && TagList.IsLocal(element, role))
            {
                element.RemovedMark = _mark;
            }
            else if (scope.Hide)
            {
                Deliver(element, role == Role.TagLinks ? MispShapes.TagLink : MispShapes.Tag, scope);
            }
        }

        _edits.RemoveMarked(list, _mark);
    }

    /// <summary>
    /// An item's marking from all its tags (<see cref="Role.Tags"/> and <see cref="Role.TagLinks"/>
    /// properties); <paramref name="kept"/> leaves out the local tags the client asked to leave out,
    /// and <paramref name="keptTags"/> counts those of the <c>Tag</c> list that stay.
    /// </summary>
    private TlpMarking Marking(Node item, ItemShape shape, out TlpMarking kept, out int keptTags)
    {
        var marking = default(TlpMarking);
        kept = default;
        keptTags = 0;
        foreach (var prop in item.Props)
        {
            var role = shape[prop.Key].Role;
            if (role is not (Role.Tags or Role.TagLinks) || prop.ValueKind == JsonTokenType.Null)
            {
                continue;
            }

            var list = item.ChildOf(prop) ?? throw new FilterException("tags are not a list");
            TagList.Check(list, role);
            foreach (var element in list.Items)
            {
                var tag = TagList.TagOf(element, role);
                TagList.AddTo(ref marking, tag);
                if (!(_context.ExcludeLocalTags && TagList.IsLocal(element, role)))
                {
                    TagList.AddTo(ref kept, tag);
                    keptTags += prop.Key == Key.Tag ? 1 : 0;
                }
            }
        }

        return marking;
    }

    /// <summary>The member rule an item breaks (by its members-file field name), with the tags it will leave with, or null.</summary>
    private string? RuleBroken(Node item, ItemShape shape, int? distribution, IReadOnlyList<string> added)
    {
        var rules = Requester.Member.Rules;
        if (rules.IsEmpty || shape.Rule == RuleKind.None)
        {
            return null;
        }

        var sharingGroup = item.Child(Key.SharingGroup) is { IsObject: true } group ? group.Text(Key.Uuid) : null;
        switch (shape.Rule)
        {
            case RuleKind.Event:
                return rules.EventRule(TagNames(item, shape, added), distribution, sharingGroup);
            case RuleKind.Attribute:
                return rules.AttributeRule(item.Text(Key.Type), item.Text(Key.Category), distribution, sharingGroup, TagNames(item, shape, added));
            case RuleKind.Object:
                return rules.ObjectRule(item.Text(Key.Name), distribution, sharingGroup);
            default:
                return rules.ItemRule(distribution, sharingGroup) ?? (shape[Key.Tag].Role == Role.Tags ? rules.AttributeRule(null, null, null, null, TagNames(item, shape, added)) : null);
        }
    }

    /// <summary>The canonical names of an item's tags, and the ones the gateway adds (reused list: read before the next call).</summary>
    private List<string> TagNames(Node item, ItemShape shape, IReadOnlyList<string> added)
    {
        _names.Clear();
        foreach (var prop in item.Props)
        {
            var role = shape[prop.Key].Role;
            if (role is Role.Tags or Role.TagLinks && item.ChildOf(prop) is { IsList: true } list)
            {
                foreach (var element in list.Items)
                {
                    _names.Add(TagList.CanonicalName(TagList.TagOf(element, role)));
                }
            }
        }

        _names.AddRange(added);
        return _names;
    }

    /// <summary>An item's own distribution: a number or numeric string; absent or <c>null</c> is none; anything else ends the answer.</summary>
    private static int? ReadDistribution(Node item)
    {
        if (item.ScannedDistribution != Node.NoScannedDistribution)
        {
            return item.ScannedDistribution;
        }

        if (item.IndexOf(Key.Distribution) is not (>= 0 and var i) || item.Props[i].ValueKind == JsonTokenType.Null)
        {
            return null;
        }

        return item.IntAt(i) is { } level and >= 0 and <= 5 ? level : throw new FilterException("distribution is not a level 0 to 5");
    }

    /// <summary>A list property of an item (array or PHP object-list); null when absent or <c>null</c>; anything else ends the answer.</summary>
    private static Node? List(Node holder, Key key)
    {
        if (holder.IndexOf(key) is not (>= 0 and var i) || holder.Props[i].ValueKind == JsonTokenType.Null)
        {
            return null;
        }

        return holder.ChildOf(holder.Props[i]) is { IsList: true } list ? list : throw new FilterException($"'{KeyNames.NameOf(key)}' is not a list");
    }

    /// <summary>An item held under property <paramref name="index"/> of <paramref name="holder"/> (an object): hidden where the source is, else delivered by its own shape.</summary>
    private void DeliverItem(Node holder, int index, KeyRole role, in ItemScope scope, ref KeySet removed)
    {
        if (scope.Hide && role.Hiding != Hiding.Keep)
        {
            _hiding.Apply(_edits, holder, index, role.Hiding, ref removed);
        }
        else if (role.Kind == ItemKind.ForeignItem)
        {
            // What a relationship points at comes with its own event's source: hidden where either event hides it.
            Deliver(holder.ChildOf(holder.Props[index])!, MispShapes.ForeignItem, scope with { Hide = scope.Hide || _confirmedHidesSource });
        }
        else
        {
            Deliver(holder.ChildOf(holder.Props[index])!, MispShapes.Of(role.Kind), scope);
        }
    }

    /// <summary>The properties of a record beside its main item: the blocks MISP writes there hold no MISP data of their own.</summary>
    private void DeliverRecordBlocks(Node unit, Node item, ItemShape shape, in ItemScope scope)
    {
        if (ReferenceEquals(unit, item))
        {
            return;
        }

        var removed = default(KeySet);
        for (var i = 0; i < unit.Props.Length; i++)
        {
            var prop = unit.Props[i];
            if (ReferenceEquals(unit.ChildOf(prop), item))
            {
                continue;
            }

            switch (prop.Key)
            {
                case Key.Event when unit.ChildOf(prop) is { IsObject: true } stub:
                    Deliver(stub, MispShapes.EventStub, scope);
                    break;
                case Key.Organisation when shape.Kind == ItemKind.Sighting && unit.ChildOf(prop) is { IsObject: true }:
                    // Sighting::listSightings (and the sighting view) writes the organisation that sighted beside the
                    // sighting, not in it: it is the sighting's own, delivered as its shape says of the one in it.
                    DeliverItem(unit, i, shape[Key.Organisation], scope, ref removed);
                    break;
                case Key.SharingGroup when unit.ChildOf(prop) is { IsObject: true } group:
                    if (scope.Hide)
                    {
                        removed.Add(Key.SharingGroup);
                    }
                    else
                    {
                        Deliver(group, MispShapes.SharingGroup, scope);
                    }

                    break;
                default:
                    if (Records.ContainerHoldsData(unit, prop))
                    {
                        throw new FilterException("a record holds MISP data beside its item");
                    }

                    if (scope.Hide && Records.GoesWhereSourceIsHidden(unit, prop))
                    {
                        _edits.RemovePropAt(unit, i);
                    }

                    break;
            }
        }

        _edits.RemoveProps(unit, removed);
    }
}
