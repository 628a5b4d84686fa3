namespace TlpGateway.Shapes;

/// <summary>The kinds of MISP item the gateway judges and releases.</summary>
internal enum ItemKind : byte
{
    Event,
    IndexRow,
    Attribute,
    AttributeRow,
    Object,
    ObjectReference,
    EventReport,
    Proposal,
    Sighting,
    AnalystData,
    Galaxy,
    GalaxyCluster,
    ClusterRelation,
    TargetingRelation,
    Correlation,
    RelatedAttribute,
    CryptographicKey,
    Hit,
    Tag,
    TagLink,
    Organisation,
    SharingGroup,
    SharingGroupOrg,
    EventStub,
    RowEvent,
    ObjectStub,
    ForeignItem,
}

/// <summary>What a property of an item holds, as far as the policy is concerned.</summary>
internal enum Role : byte
{
    /// <summary>Not described: a scalar is part of the item (but under a name no MISP shape holds, <see cref="Key.Undescribed"/>, it goes where the source is hidden); a container must hold no MISP data (else the answer ends).</summary>
    Unread,

    /// <summary>A string, number, <c>true</c>/<c>false</c> or <c>null</c>; anything else ends the answer.</summary>
    Scalar,

    /// <summary>The item's own tags: a list (or PHP object-list) of tag objects with a string <c>name</c>.</summary>
    Tags,

    /// <summary>The item's own tags as links: a list of <c>{"Tag": {...}}</c> (<c>EventTag</c>, <c>AttributeTag</c>).</summary>
    TagLinks,

    /// <summary>A list (or PHP object-list) of items of the key's kind.</summary>
    Items,

    /// <summary>One object of the key's kind, or <c>null</c>.</summary>
    Item,

    /// <summary>Never released, whatever it holds: it tells of other sources or of what was removed (a feed hit's flag, the event's count of them).</summary>
    Withheld,
}

/// <summary>How a property changes when the item's source is hidden (SPEC section 4).</summary>
internal enum Hiding : byte
{
    Keep,

    /// <summary>An organisation object becomes the forwarding organisation (<c>Orgc</c>, <c>Org</c>).</summary>
    Forwarder,

    /// <summary>An organisation UUID becomes the forwarder's (<c>orgc_uuid</c>).</summary>
    ForwarderUuid,

    /// <summary>An organisation name becomes the forwarder's (<c>orgc</c> in old index rows).</summary>
    ForwarderName,

    /// <summary>A local numeric id becomes <c>"0"</c> (<c>orgc_id</c>, tag <c>user_id</c>).</summary>
    Zero,

    /// <summary>The property goes (<c>event_creator_email</c>, <c>SharingGroup</c>, a sighting's <c>Organisation</c>).</summary>
    Remove,
}

/// <summary>The member rule an item answers to (<see cref="Rules.MemberRules"/>).</summary>
internal enum RuleKind : byte
{
    None,
    Event,
    Attribute,
    Object,
    Item,
}

/// <summary>One property's role, and the kind of item it holds for <see cref="Role.Items"/> and <see cref="Role.Item"/>.</summary>
internal readonly record struct KeyRole(Role Role, ItemKind Kind, Hiding Hiding);

/// <summary>
/// The description of one MISP item shape (SPEC sections 3 and 4): what each property holds, which
/// hold the item's tags, how the source is hidden in it, which member rule it answers to, whether
/// its distribution is capped for a MISP server, and how it names other items. The decision reads
/// everything it knows about a shape from here; nothing about shapes is written into the decision.
/// </summary>
internal sealed class ItemShape
{
    private readonly KeyRole[] _roles = new KeyRole[128];

    public ItemShape(ItemKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    public ItemKind Kind { get; }

    /// <summary>The kind as the audit trail and the preview name it (<c>attribute</c>, <c>event-report</c>...).</summary>
    public string Name { get; }

    /// <summary>Whether its own tags can make it more restrictive than what holds it (it is judged on its own).</summary>
    public bool Judged { get; init; }

    public RuleKind Rule { get; init; }

    /// <summary>Its <c>distribution</c> is capped for a MISP server by its marking (SPEC section 3).</summary>
    public bool CapsDistribution { get; init; }

    /// <summary>The item goes whole when the source is hidden (proposals name their proposer throughout).</summary>
    public bool RemovedWhenHidden { get; init; }

    /// <summary>The keys through which it names another item of its event: when that item is removed, so is this one.</summary>
    public KeySet NamesUuid { get; init; }

    /// <summary>The keys through which it names an attribute by local id (<c>old_id</c>, <c>attribute_id</c>).</summary>
    public KeySet NamesAttributeId { get; init; }

    public KeyRole this[Key key] => _roles[(int)key];

    /// <summary>Describes a property.</summary>
    public ItemShape With(Key key, Role role, ItemKind kind = default, Hiding hiding = Hiding.Keep)
    {
        _roles[(int)key] = new KeyRole(role, kind, hiding);
        return this;
    }

    /// <summary>Describes scalar properties that are only read or kept.</summary>
    public ItemShape Scalars(params ReadOnlySpan<Key> keys)
    {
        foreach (var key in keys)
        {
            With(key, Role.Scalar);
        }

        return this;
    }

    /// <summary>Describes scalar properties and how each changes under a hidden source.</summary>
    public ItemShape Hidden(Hiding hiding, params ReadOnlySpan<Key> keys)
    {
        foreach (var key in keys)
        {
            _roles[(int)key] = _roles[(int)key] with { Hiding = hiding };
            if (_roles[(int)key].Role == Role.Unread)
            {
                _roles[(int)key] = _roles[(int)key] with { Role = Role.Scalar };
            }
        }

        return this;
    }
}
