using System.Text.Json;
using TlpGateway.Tlp;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>
/// What SPEC section 3 removes from an event released because of the attributes removed from it:
/// an object left with no attribute, an <c>ObjectReference</c> to a removed attribute or object (by
/// <c>referenced_uuid</c>, or by <c>referenced_id</c> with its <c>referenced_type</c>), an
/// <c>EventReport</c> whose content holds a removed attribute's UUID or its value (4 characters or
/// more), a proposal or sighting on a removed attribute.
/// </summary>
/// <remarks>
/// Conservative: a UUID or id that an attribute released holds too (an input that repeats one) does
/// not count as removed; an object is removed only when it had attributes and lost them all.
/// </remarks>
internal sealed class EventScope
{
    private readonly HashSet<string> _removedUuids = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _removedIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removedValues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _keptUuids = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _keptIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removedObjectIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _keptObjectIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _releasedParts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Oracle _oracle;
    private readonly TlpLevel _level;

    private EventScope(JsonElement evt, TlpLevel level, Oracle oracle)
    {
        Event = evt;
        _level = level;
        _oracle = oracle;
    }

    public JsonElement Event { get; }

    public static EventScope Of(JsonElement evt, TlpLevel level, Oracle oracle)
    {
        var scope = new EventScope(evt, level, oracle);
        foreach (var attribute in Items(evt, "Attribute"))
        {
            scope.Note(attribute);
        }

        foreach (var obj in Items(evt, "Object"))
        {
            foreach (var attribute in Items(obj, "Attribute"))
            {
                scope.Note(attribute);
            }
        }

        foreach (var obj in Items(evt, "Object"))
        {
            var lost = scope.LostEveryAttribute(obj);
            if (lost)
            {
                scope._removedUuids.UnionWith(Texts(obj, "uuid"));
            }

            (lost ? scope._removedObjectIds : scope._keptObjectIds).UnionWith(Values(obj, "id").Select(Scalar).OfType<string>());
        }

        scope._removedObjectIds.ExceptWith(scope._keptObjectIds);
        scope.NoteReleasedParts();

        scope._removedUuids.ExceptWith(scope._keptUuids);
        scope._removedIds.ExceptWith(scope._keptIds);
        scope._removedIds.Remove("0");
        return scope;
    }

    private bool Removed(JsonElement attribute) => !_oracle.MayReceive(_oracle.AttributeLevel(attribute, _level));

    private void Note(JsonElement attribute)
    {
        var removed = Removed(attribute);
        var ids = Values(attribute, "id").Select(Scalar).OfType<string>();
        (removed ? _removedUuids : _keptUuids).UnionWith(Texts(attribute, "uuid"));
        (removed ? _removedIds : _keptIds).UnionWith(ids);
        if (removed)
        {
            _removedValues.UnionWith(Texts(attribute, "value").Where(v => v.Length >= 4));
        }
    }

    private bool LostEveryAttribute(JsonElement obj)
    {
        var attributes = Items(obj, "Attribute");
        return attributes.Count > 0 && attributes.All(Removed);
    }

    /// <summary>Whether SPEC removes this part of the event (an element of its <paramref name="list"/>).</summary>
    public bool Removes(string list, JsonElement part) => part.ValueKind == JsonValueKind.Object && list switch
    {
        "Object" => LostEveryAttribute(part),
        "ObjectReference" => Texts(part, "referenced_uuid").Any(_removedUuids.Contains) || ReferencesRemovedById(part),
        "EventReport" => Texts(part, "content").Any(content => _removedUuids.Any(uuid => content.Contains(uuid, StringComparison.Ordinal)) || _removedValues.Any(value => content.Contains(value, StringComparison.Ordinal))),
        _ => false,
    };

    // A reference's second pointer: referenced_id with referenced_type 0 (an attribute) or 1 (an object); judged only with its type.
    private bool ReferencesRemovedById(JsonElement reference)
    {
        var ids = Values(reference, "referenced_id").Select(Scalar).OfType<string>().Where(id => id != "0").ToList();
        var types = Values(reference, "referenced_type").Select(Scalar).ToList();
        return types.Count == 1 && types[0] switch
        {
            "0" => ids.Any(_removedIds.Contains),
            "1" => ids.Any(_removedObjectIds.Contains),
            _ => false,
        };
    }

    /// <summary>
    /// Whether a relationship (analyst data) points at an event, attribute, object or report that is neither this event
    /// nor a part of it released: it embeds what it points at, so it leaves only towards those (docs/behaviour.md,
    /// section 3). Judged only for those types, and not where the UUID holds the mark a look-up confirms.
    /// </summary>
    public bool RelatesToUnreleased(JsonElement relationship) =>
        RelatesBeyond(relationship, uuid => Oracle.Confirmed(uuid) || _releasedParts.Contains(uuid), inEvent: true);

    /// <summary>
    /// Whether a relationship of a judged type points at an item not <paramref name="released"/>, or embeds
    /// (<c>related_object</c>) one: MISP embeds the item it names, and, inside an event, that item's <c>Event</c> and
    /// <c>Object</c>, which are the event's and its parts.
    /// </summary>
    public static bool RelatesBeyond(JsonElement relationship, Func<string, bool> released, bool inEvent)
    {
        var uuids = Texts(relationship, "related_object_uuid").ToList();
        var types = Texts(relationship, "related_object_type").ToList();
        if (uuids.Count == 0 || types.Count == 0 || !types.All(type => type is "Event" or "Attribute" or "Object" or "EventReport"))
        {
            return false;
        }

        var embedded = Values(relationship, "related_object").SelectMany(o => o.ValueKind == JsonValueKind.Object ? o.EnumerateObject().Select(p => p.Value) : []).ToList();
        var holders = inEvent ? embedded.SelectMany(target => Values(target, "Event").Concat(Values(target, "Object"))) : [];
        return !uuids.Any(released) || embedded.Concat(holders).SelectMany(item => Texts(item, "uuid")).Any(uuid => !released(uuid));
    }

    // The event's UUID and those of its parts released: attributes kept, objects and reports neither removed nor above the requester.
    private void NoteReleasedParts()
    {
        _releasedParts.UnionWith(Texts(Event, "uuid"));
        _releasedParts.UnionWith(_keptUuids);
        foreach (var (list, part) in Items(Event, "Object").Select(o => ("Object", o)).Concat(Items(Event, "EventReport").Select(r => ("EventReport", r))))
        {
            if (_oracle.MayReceive(_oracle.OwnLevel(part, _level)) && !Removes(list, part))
            {
                _releasedParts.UnionWith(Texts(part, "uuid"));
            }
        }
    }

    /// <summary>Whether a proposal or sighting listed at the event's level is on a removed attribute (by UUID, or by local id).</summary>
    public bool NamesRemovedAttribute(JsonElement part) =>
        part.ValueKind == JsonValueKind.Object
        && (Texts(part, "attribute_uuid").Concat(Texts(part, "old_uuid")).Any(_removedUuids.Contains)
            || Values(part, "attribute_id").Concat(Values(part, "old_id")).Select(Scalar).OfType<string>().Any(_removedIds.Contains));
}
