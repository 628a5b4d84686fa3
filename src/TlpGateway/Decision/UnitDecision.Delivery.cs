using System.Text.Json;
using TlpGateway.Filtering;
using TlpGateway.Shapes;

namespace TlpGateway.Decision;

/// <summary>Step 6 for every item, whatever its kind: a kept item delivered property by property, its parts and blocks with it.</summary>
internal sealed partial class UnitDecision
{
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
                    DeliverItems(item, prop, role, scope, ref removed);
                    break;
            }
        }

        _edits.RemoveProps(item, removed);
    }

    private void DeliverItems(Node holder, in Prop prop, KeyRole role, in ItemScope scope, ref KeySet removed)
    {
        if (scope.Hide && role.Hiding == Hiding.Remove)
        {
            removed.Add(prop.Key);
        }
        else if (!prop.IsEmptyArray)
        {
            DeliverList(holder.ChildOf(prop), prop, role.Kind, scope);
        }
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
                case Key.AttributeTag when shape[prop.Key].Role == Role.TagLinks:
                    // The item's own tag links, written beside it (DecideItemRecord counted them for its marking).
                    if (!prop.IsEmptyArray)
                    {
                        DeliverTags(unit.ChildOf(prop), prop, Role.TagLinks, scope, check: false);
                    }

                    break;
                case Key.Note or Key.Opinion or Key.Relationship or Key.RelationshipInbound when shape[prop.Key].Role == Role.Items:
                    // AnalystDataParentBehavior::afterFind writes the item's analyst data beside it, not in it
                    // (/event_reports/view and index, /galaxy_clusters/view): delivered as the item's own.
                    DeliverItems(unit, prop, shape[prop.Key], scope, ref removed);
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
