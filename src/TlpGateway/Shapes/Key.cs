using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace TlpGateway.Shapes;

/// <summary>
/// The property names the gateway reads in MISP's answers. Every other name MISP writes is
/// <see cref="Other"/>: its value is only skipped over (and, when it is a container, checked to hold
/// no MISP data). <see cref="Index"/> is any all-digit name: PHP writes a list with gaps as an object
/// keyed <c>"0"</c>, <c>"2"</c>, ... (<c>json_encode</c> of an array that is not 0..n-1). A name MISP
/// writes nowhere is <see cref="Undescribed"/>.
/// </summary>
internal enum Key : byte
{
    Other,
    Index,

    /// <summary>
    /// A name no MISP shape holds (not in <c>Shapes/MispFieldNames.txt</c>, not a key): its value is
    /// recorded, scalar or not, so that it goes where the source is hidden (it may name the source),
    /// and two of them are no duplicate (their names differ, or PHP would not have written both).
    /// </summary>
    Undescribed,

    // Items and lists of items.
    Event,
    Attribute,
    Object,
    EventReport,
    ShadowAttribute,
    Sighting,
    RelatedEvent,
    RelatedAttribute,
    RelatedTags,
    Galaxy,
    GalaxyCluster,
    GalaxyClusterRelation,
    TargetingClusterRelation,
    Note,
    Opinion,
    Relationship,
    RelationshipInbound,
    RelatedObject,
    ObjectReference,
    CryptographicKey,
    Feed,
    Server,
    FeedHit,
    FeedCount,
    Sightingdb,

    // Containers MISP writes that hold no MISP data: known so that they stay where the source is hidden
    // (a container under a name no key stands for goes there: Records.IsUnreadContainer).
    Meta,
    DecayScore,
    SharingGroupServer,

    // Tags.
    Tag,
    EventTag,
    AttributeTag,
    EventReportTag,

    // Organisations and sharing groups.
    Orgc,
    Org,
    Organisation,
    SharingGroup,
    SharingGroupOrg,

    // Scalars the policy reads or rewrites.
    Uuid,
    Id,
    Name,
    Local,
    Inherited,
    Distribution,
    Protected,
    OrgcUuid,
    OrgUuid,
    OrgcId,
    OrgId,
    OrgcName,
    OrgName,
    Value,
    Content,
    AttributeCount,
    Deleted,
    ReferencedUuid,
    ReferencedId,
    ReferencedType,
    EventCreatorEmail,
    ExtendsUuid,
    Locked,
    Source,
    Email,
    EventOrgId,
    UserId,
    Timestamp,
    SightingTimestamp,
    Published,
    EventUuid,
    EventId,
    AttributeUuid,
    AttributeId,
    OldId,
    OldUuid,
    Info,
    SqlDump,
    TagCount,
    EventCount,
    Type,
    Category,
    ObjectUuid,
    ObjectType,
    RelatedObjectUuid,
    RelatedObjectType,
    SharingGroupId,
    OrganisationUuid,
    Authors,
    Default,
    Version,
    User,

    // The names of MISP's error and save-failure answers (Shapes/SaveFailure), which are read whole.
    Saved,
    Success,
    Errors,
    Message,
    Url,
}

/// <summary>A set of <see cref="Key"/>s, one bit each.</summary>
/// <remarks>Two words rather than a <see cref="UInt128"/>, whose 16-byte alignment pads every scanned node that holds one.</remarks>
internal struct KeySet
{
    private ulong _low;
    private ulong _high;

    public readonly bool Contains(Key key) => ((key < (Key)64 ? _low : _high) & (1UL << ((int)key & 63))) != 0;

    /// <summary>Adds <paramref name="key"/>; false when it was already there.</summary>
    public bool Add(Key key)
    {
        ref var word = ref key < (Key)64 ? ref _low : ref _high;
        var bit = 1UL << ((int)key & 63);
        var added = (word & bit) == 0;
        word |= bit;
        return added;
    }

    public readonly bool Overlaps(KeySet other) => ((_low & other._low) | (_high & other._high)) != 0;

    public readonly KeySet Union(KeySet other) => new() { _low = _low | other._low, _high = _high | other._high };

    public static KeySet Of(params ReadOnlySpan<Key> keys)
    {
        var set = default(KeySet);
        foreach (var key in keys)
        {
            set.Add(key);
        }

        return set;
    }
}

/// <summary>
/// The names of <see cref="Key"/>, found with one probe of an open-addressing table keyed by a
/// name's head (<see cref="Head"/>) and its length: every property name of every answer is looked up.
/// </summary>
internal static class KeyNames
{
    /// <summary>The most keys there may be: a <see cref="KeySet"/> holds 128.</summary>
    public const int MaxKeys = 128;

    // About 600 names (the keys' and MISP's other fields) in 2,048 slots: most found at the first probe.
    private const int Bits = 11;
    private const int Mask = (1 << Bits) - 1;

    private static readonly (string Name, Key Key)[] Names =
    [
        ("Event", Key.Event),
        ("Attribute", Key.Attribute),
        ("Object", Key.Object),
        ("EventReport", Key.EventReport),
        ("ShadowAttribute", Key.ShadowAttribute),
        ("Sighting", Key.Sighting),
        ("RelatedEvent", Key.RelatedEvent),
        ("RelatedAttribute", Key.RelatedAttribute),
        ("RelatedTags", Key.RelatedTags),
        ("Galaxy", Key.Galaxy),
        ("GalaxyCluster", Key.GalaxyCluster),
        ("GalaxyClusterRelation", Key.GalaxyClusterRelation),
        ("TargetingClusterRelation", Key.TargetingClusterRelation),
        ("Note", Key.Note),
        ("Opinion", Key.Opinion),
        ("Relationship", Key.Relationship),
        ("RelationshipInbound", Key.RelationshipInbound),
        ("related_object", Key.RelatedObject),
        ("ObjectReference", Key.ObjectReference),
        ("CryptographicKey", Key.CryptographicKey),
        ("Feed", Key.Feed),
        ("Server", Key.Server),
        ("FeedHit", Key.FeedHit),
        ("FeedCount", Key.FeedCount),
        ("Sightingdb", Key.Sightingdb),
        ("meta", Key.Meta),
        ("decay_score", Key.DecayScore),
        ("SharingGroupServer", Key.SharingGroupServer),
        ("Tag", Key.Tag),
        ("EventTag", Key.EventTag),
        ("AttributeTag", Key.AttributeTag),
        ("EventReportTag", Key.EventReportTag),
        ("Orgc", Key.Orgc),
        ("Org", Key.Org),
        ("Organisation", Key.Organisation),
        ("SharingGroup", Key.SharingGroup),
        ("SharingGroupOrg", Key.SharingGroupOrg),
        ("uuid", Key.Uuid),
        ("id", Key.Id),
        ("name", Key.Name),
        ("local", Key.Local),
        ("inherited", Key.Inherited),
        ("distribution", Key.Distribution),
        ("protected", Key.Protected),
        ("orgc_uuid", Key.OrgcUuid),
        ("org_uuid", Key.OrgUuid),
        ("orgc_id", Key.OrgcId),
        ("org_id", Key.OrgId),
        ("orgc", Key.OrgcName),
        ("org", Key.OrgName),
        ("value", Key.Value),
        ("content", Key.Content),
        ("attribute_count", Key.AttributeCount),
        ("deleted", Key.Deleted),
        ("referenced_uuid", Key.ReferencedUuid),
        ("referenced_id", Key.ReferencedId),
        ("referenced_type", Key.ReferencedType),
        ("event_creator_email", Key.EventCreatorEmail),
        ("locked", Key.Locked),
        ("extends_uuid", Key.ExtendsUuid),
        ("source", Key.Source),
        ("email", Key.Email),
        ("event_org_id", Key.EventOrgId),
        ("user_id", Key.UserId),
        ("timestamp", Key.Timestamp),
        ("sighting_timestamp", Key.SightingTimestamp),
        ("published", Key.Published),
        ("event_uuid", Key.EventUuid),
        ("event_id", Key.EventId),
        ("attribute_uuid", Key.AttributeUuid),
        ("attribute_id", Key.AttributeId),
        ("old_id", Key.OldId),
        ("old_uuid", Key.OldUuid),
        ("info", Key.Info),
        ("sql_dump", Key.SqlDump),
        ("tag_count", Key.TagCount),
        ("event_count", Key.EventCount),
        ("type", Key.Type),
        ("category", Key.Category),
        ("object_uuid", Key.ObjectUuid),
        ("object_type", Key.ObjectType),
        ("related_object_uuid", Key.RelatedObjectUuid),
        ("related_object_type", Key.RelatedObjectType),
        ("sharing_group_id", Key.SharingGroupId),
        ("organisation_uuid", Key.OrganisationUuid),
        ("authors", Key.Authors),
        ("default", Key.Default),
        ("version", Key.Version),
        ("User", Key.User),
        ("saved", Key.Saved),
        ("success", Key.Success),
        ("errors", Key.Errors),
        ("message", Key.Message),
        ("url", Key.Url),
    ];

    // A slot's name is known by its length (0: an empty slot), head and tail without reading its bytes, up to 16 bytes.
    private static readonly ulong[] Heads = new ulong[1 << Bits];
    private static readonly ulong[] Tails = new ulong[1 << Bits];
    private static readonly int[] Lengths = new int[1 << Bits];
    private static readonly byte[]?[] Utf8Names = new byte[1 << Bits][];
    private static readonly Key[] Keys = BuildKeys();

    /// <summary>The key of a property name (its UTF-8 bytes, unescaped): <see cref="Key.Other"/> for a name of MISP's the gateway does not read, <see cref="Key.Undescribed"/> for any other.</summary>
    public static Key Find(ReadOnlySpan<byte> name)
    {
        if (name.Length is > 0 and <= 19 && char.IsAsciiDigit((char)name[0]) && name.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
        {
            return Key.Index;
        }

        var head = Head(name);
        var tail = Tail(name);
        for (var slot = Slot(head, tail, name.Length); ; slot = (slot + 1) & Mask)
        {
            var length = Lengths[slot];
            if (length == 0)
            {
                return Key.Undescribed;
            }

            // The head, tail and length say it all for names of up to sixteen bytes: most of MISP's.
            if (Heads[slot] == head && Tails[slot] == tail && length == name.Length && (length <= 2 * sizeof(ulong) || name.SequenceEqual(Utf8Names[slot])))
            {
                return Keys[slot];
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> stands for one name the gateway reads (not <see cref="Key.Other"/>, <see cref="Key.Index"/> or <see cref="Key.Undescribed"/>): an object holds it once.</summary>
    public static bool IsNamed(Key key) => key is not (Key.Other or Key.Index or Key.Undescribed);

    /// <summary>Whether no key stands for the name (<see cref="Key.Other"/>, <see cref="Key.Undescribed"/>): no decision reads its value.</summary>
    public static bool IsUnread(Key key) => key is Key.Other or Key.Undescribed;

    /// <summary>The name of a key, as MISP spells it (for the keys the gateway writes).</summary>
    public static string NameOf(Key key) => Names.First(n => n.Key == key).Name;

    /// <summary>MISP's other property names (<c>Shapes/MispFieldNames.txt</c>, embedded), each <see cref="Key.Other"/>.</summary>
    internal static IEnumerable<string> MispFieldNames()
    {
        using var stream = typeof(KeyNames).Assembly.GetManifestResourceStream("TlpGateway.Shapes.MispFieldNames.txt")
            ?? throw new InvalidOperationException("The list of MISP's field names is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var names = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                names.Add(line);
            }
        }

        return names;
    }

    private static Key[] BuildKeys()
    {
        // Every key but Other, Index and Undescribed has exactly one name, and a key set holds at most 128 keys.
        var all = Enum.GetValues<Key>();
        if (all.Length > MaxKeys || !all.Where(IsNamed).Order().SequenceEqual(Names.Select(n => n.Key).Order()))
        {
            throw new InvalidOperationException("Every Key but Other, Index and Undescribed needs exactly one name, and there may be at most 128 keys.");
        }

        var keys = new Key[1 << Bits];
        foreach (var (text, key) in Names.Concat(MispFieldNames().Select(name => (name, Key.Other))))
        {
            var name = Encoding.UTF8.GetBytes(text);
            var head = Head(name);
            var tail = Tail(name);
            var slot = Slot(head, tail, name.Length);
            while (Lengths[slot] != 0)
            {
                if (Lengths[slot] == name.Length && name.AsSpan().SequenceEqual(Utf8Names[slot]))
                {
                    throw new InvalidOperationException($"The property name '{text}' is listed twice.");
                }

                slot = (slot + 1) & Mask;
            }

            Utf8Names[slot] = name;
            Lengths[slot] = name.Length;
            Heads[slot] = head;
            Tails[slot] = tail;
            keys[slot] = key;
        }

        return keys;
    }

    /// <summary>
    /// Eight bytes that, with the length, tell a name of up to eight bytes from every other: its
    /// first eight, or for a shorter name two overlapping reads that cover all of its bytes (no copy).
    /// </summary>
    private static ulong Head(ReadOnlySpan<byte> name)
    {
        ref var first = ref MemoryMarshal.GetReference(name);
        return name.Length switch
        {
            >= sizeof(ulong) => Unsafe.ReadUnaligned<ulong>(ref first),
            >= sizeof(uint) => Unsafe.ReadUnaligned<uint>(ref first) | ((ulong)Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref first, name.Length - sizeof(uint))) << 32),
            > 0 => first | ((ulong)Unsafe.Add(ref first, name.Length >> 1) << 8) | ((ulong)Unsafe.Add(ref first, name.Length - 1) << 16),
            _ => 0,
        };
    }

    /// <summary>A longer name's last eight bytes (overlapping its head for nine to fifteen), else 0.</summary>
    private static ulong Tail(ReadOnlySpan<byte> name) =>
        name.Length > sizeof(ulong) ? Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(name), name.Length - sizeof(ulong))) : 0;

    // The tail takes part: many names share their first eight bytes and length (related_object_uuid, related_object_type).
    private static int Slot(ulong head, ulong tail, int length) => (int)(((head ^ BitOperations.RotateLeft(tail, 29) ^ (ulong)length) * 0x9E3779B97F4A7C15UL) >> (64 - Bits));
}
