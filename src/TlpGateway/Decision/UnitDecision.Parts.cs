using System.Text.Json;
using TlpGateway.Filtering;
using TlpGateway.Rules;
using TlpGateway.Shapes;
using TlpGateway.Tlp;

namespace TlpGateway.Decision;

/// <summary>The steps every item goes through, whatever its kind: judged (steps 3-5) here, then delivered (step 6, <c>UnitDecision.Delivery.cs</c>).</summary>
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
}
