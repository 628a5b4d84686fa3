using TlpGateway.Filtering;
using TlpGateway.Shapes;

namespace TlpGateway.Decision;

/// <summary>What an item inherits from what holds it, as the decision found it.</summary>
/// <param name="Level">The item's effective TLP: the more restrictive of its own tags and its parent's.</param>
/// <param name="Distribution">Its distribution for the member rules, <c>5</c> resolved to its parent's.</param>
/// <param name="Delivered">Its distribution as a MISP server receives it, <c>5</c> resolved (what its parts inherit).</param>
/// <param name="Hide">Whether the source is hidden in it.</param>
internal readonly record struct ItemScope(Tlp.TlpLevel Level, int? Distribution, int? Delivered, bool Hide);

/// <summary>
/// The parts removed from the record being decided, and what follows from them (SPEC section 3):
/// references, proposals and sightings that name a removed item go too, and so does a report that
/// quotes a removed item's UUID or (of at least four characters) value, in any case, or a part of a
/// composite value. Texts are read from the input only when something must be checked against them.
/// </summary>
internal sealed class Removals
{
    private readonly List<(Node Item, ItemShape Shape, string Reason)> _items = [];
    private readonly HashSet<string> _uuids = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _attributeIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _objectIds = new(StringComparer.Ordinal);
    private readonly List<string> _values = [];
    private int _textsRead;

    public int Count => _items.Count;

    /// <summary>How many attributes were removed (for <c>attribute_count</c> and the metrics).</summary>
    public int Attributes { get; private set; }

    public void Clear()
    {
        _items.Clear();
        _uuids.Clear();
        _attributeIds.Clear();
        _objectIds.Clear();
        _values.Clear();
        _textsRead = 0;
        Attributes = 0;
    }

    public void Add(Node item, ItemShape shape, string reason)
    {
        _items.Add((item, shape, reason));
        if (shape.Kind is ItemKind.Attribute or ItemKind.AttributeRow)
        {
            Attributes++;
        }
    }

    /// <summary>Whether <paramref name="item"/> names a removed item through the keys its shape names others by.</summary>
    public bool NamedBy(Node item, ItemShape shape)
    {
        // Most items (every attribute) have none of the keys that name others: their properties are not read.
        if (_items.Count == 0 || (shape.Kind != ItemKind.ObjectReference && !item.Keys.Overlaps(shape.NamesUuid) && !item.Keys.Overlaps(shape.NamesAttributeId)))
        {
            return false;
        }

        ReadTexts();
        if (shape.Kind == ItemKind.ObjectReference && ReferencesRemovedById(item))
        {
            return true;
        }

        foreach (var prop in item.Props)
        {
            if (shape.NamesUuid.Contains(prop.Key) && item.TextAt(item.IndexOf(prop.Key)) is { } uuid && _uuids.Contains(uuid))
            {
                return true;
            }

            if (shape.NamesAttributeId.Contains(prop.Key) && item.TextAt(item.IndexOf(prop.Key)) is { } id and not "0" && _attributeIds.Contains(id))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a reference points at a removed item by its second pointer, <c>referenced_id</c> with
    /// <c>referenced_type</c> (0 an attribute, 1 an object: they number apart); without a type, an id
    /// of either kind removed counts. MISP writes both pointers: either at a removed item removes it.
    /// </summary>
    private bool ReferencesRemovedById(Node reference)
    {
        if (reference.Text(Key.ReferencedId) is not { } id || id == "0")
        {
            return false;
        }

        return reference.Text(Key.ReferencedType) switch
        {
            "0" => _attributeIds.Contains(id),
            "1" => _objectIds.Contains(id),
            _ => _attributeIds.Contains(id) || _objectIds.Contains(id),
        };
    }

    /// <summary>Whether an event report's content quotes a removed item's UUID, or a value (or part of one) of a removed attribute of at least four characters.</summary>
    public bool QuotedBy(Node report)
    {
        if (_items.Count == 0 || report.Text(Key.Content) is not { } content)
        {
            return false;
        }

        ReadTexts();
        foreach (var uuid in _uuids)
        {
            if (content.Contains(uuid, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var value in _values)
        {
            // MISP stores hashes and host names lowercased; a report writes them as its author did.
            if (content.Contains(value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The removed parts, described for the outcome.</summary>
    public IReadOnlyList<Removal> Describe()
    {
        if (_items.Count == 0)
        {
            return [];
        }

        var described = new Removal[_items.Count];
        for (var i = 0; i < _items.Count; i++)
        {
            var (item, shape, reason) = _items[i];

            // A correlation has no UUID of its own: it is named by the related event's.
            var uuid = shape.Kind == ItemKind.Correlation ? UnitDecision.RelatedUuid(item) : item.IsObject ? item.Text(Key.Uuid) : null;
            described[i] = new Removal(shape.Name, uuid, item.IsObject ? item.Text(Key.Id) : null, reason);
        }

        return described;
    }

    private void ReadTexts()
    {
        for (; _textsRead < _items.Count; _textsRead++)
        {
            var (item, shape, _) = _items[_textsRead];
            if (!item.IsObject)
            {
                continue;
            }

            if (item.Text(Key.Uuid) is { } uuid)
            {
                _uuids.Add(uuid);
            }

            if (shape.Kind == ItemKind.Object && item.Text(Key.Id) is { } objectId)
            {
                _objectIds.Add(objectId);
            }

            if (shape.Kind is ItemKind.Attribute or ItemKind.AttributeRow)
            {
                if (item.Text(Key.Id) is { } id)
                {
                    _attributeIds.Add(id);
                }

                if (item.Text(Key.Value) is { Length: >= 4 } value)
                {
                    _values.Add(value);

                    // A composite value (ip-dst|port, filename|md5) is quoted one part at a time.
                    foreach (var part in value.Split('|'))
                    {
                        if (part.Length >= 4 && part.Length < value.Length)
                        {
                            _values.Add(part);
                        }
                    }
                }
            }
        }
    }
}
