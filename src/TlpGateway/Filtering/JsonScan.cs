using System.Text.Json;

namespace TlpGateway.Filtering;

/// <summary>The property names the filter reads; everything else is <see cref="Other"/> and only skipped over.</summary>
internal enum Key : byte
{
    Other,
    Event,
    Tag,
    EventTag,
    Attribute,
    Object,
    Orgc,
    Org,
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
    Value,
    EventReport,
    ShadowAttribute,
    Sighting,
    RelatedEvent,
    RelatedAttribute,
    Feed,
    Server,
    Content,
    AttributeCount,
    ObjectReference,
    ReferencedUuid,
    EventCreatorEmail,
    CryptographicKey,
    ExtendsUuid,
    SharingGroup,
    Organisation,
    Source,
    Email,
    EventOrgId,
    UserId,
    Galaxy,
    GalaxyCluster,
    Timestamp,
    SightingTimestamp,
    Published,
    EventUuid,
    AttributeUuid,
    OldId,
    Info,
    Type,
    Category,
}

/// <summary>One property of a scanned object: its name and the byte range of its value.</summary>
internal struct Prop
{
    public Key Key;
    public int NameStart;
    public int ValueStart;
    public int ValueEnd;
    public JsonTokenType ValueKind;

    /// <summary>The scanned value, for objects and arrays the filter looks into.</summary>
    public Node? Child;
}

/// <summary>A scanned object or array: byte ranges of the input, never a copy of it.</summary>
internal sealed class Node
{
    public int Start;
    public int End;
    public bool IsArray;
    public List<Prop> Props = [];
    public List<Node> Items = [];

    /// <summary>The bytes the ranges refer to.</summary>
    public ReadOnlyMemory<byte> Source;

    internal void Reset(ReadOnlyMemory<byte> source)
    {
        Source = source;
        Start = End = 0;
        IsArray = false;
        Props.Clear();
        Items.Clear();
    }

    public int IndexOf(Key key)
    {
        for (var i = 0; i < Props.Count; i++)
        {
            if (Props[i].Key == key)
            {
                return i;
            }
        }

        return -1;
    }

    public Node? Child(Key key) => IndexOf(key) is >= 0 and var i ? Props[i].Child : null;

    /// <summary>The string (unescaped) or number text of a property, decoded only when asked for.</summary>
    public string? Text(Key key) => IndexOf(key) is >= 0 and var i ? TextAt(i) : null;

    public string? TextAt(int index)
    {
        var prop = Props[index];
        var raw = Source.Span[prop.ValueStart..prop.ValueEnd];
        return prop.ValueKind switch
        {
            JsonTokenType.String when raw.IndexOf((byte)'\\') < 0 => System.Text.Encoding.UTF8.GetString(raw[1..^1]),
            JsonTokenType.String => JsonSerializer.Deserialize<string>(raw),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(raw),
            _ => null,
        };
    }

    public bool IsTrue(Key key) => IndexOf(key) is >= 0 and var i && (Props[i].ValueKind == JsonTokenType.True || TextAt(i) is "1" or "true");
}

/// <summary>The input does not have the shape the filter can judge: the response ends as an error.</summary>
internal sealed class FilterException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Scans one complete JSON value (an event, a row) into <see cref="Node"/>s: ranges of the
/// objects and arrays the policy reads. Everything else is skipped, and strings are decoded only
/// when the policy asks. Duplicate keys among the ones the policy reads are refused: a second
/// <c>Tag</c> list must never let a harmless first one decide. Nodes are reused from one unit to
/// the next, so scanning allocates nothing once warm.
/// </summary>
internal sealed class JsonScan
{
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    private readonly List<Node> _pool = [];
    private int _used;
    private ReadOnlyMemory<byte> _source;

    public Node Scan(ReadOnlyMemory<byte> json)
    {
        _used = 0;
        _source = json;
        var reader = new Utf8JsonReader(json.Span, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        try
        {
            if (!reader.Read() || reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                throw new FilterException("expected an object or array");
            }

            var node = ScanContainer(ref reader);
            if (reader.Read())
            {
                throw new FilterException("trailing data after a value");
            }

            return node;
        }
        catch (JsonException ex)
        {
            throw new FilterException("malformed JSON: " + ex.Message);
        }
    }

    private Node Rent()
    {
        if (_used == _pool.Count)
        {
            _pool.Add(new Node());
        }

        var node = _pool[_used++];
        node.Reset(_source);
        return node;
    }

    private Node ScanContainer(ref Utf8JsonReader reader)
    {
        var node = Rent();
        node.Start = (int)reader.TokenStartIndex;
        node.IsArray = reader.TokenType == JsonTokenType.StartArray;
        if (node.IsArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    node.Items.Add(ScanContainer(ref reader));
                }
                else
                {
                    var item = Rent();
                    item.Start = (int)reader.TokenStartIndex;
                    item.End = (int)reader.BytesConsumed;
                    node.Items.Add(item);
                }
            }
        }
        else
        {
            ulong seen = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var prop = new Prop { NameStart = (int)reader.TokenStartIndex, Key = KeyOf(ref reader) };
                if (prop.Key != Key.Other)
                {
                    var bit = 1UL << (int)prop.Key;
                    if ((seen & bit) != 0)
                    {
                        throw new FilterException($"duplicate key '{prop.Key}' in an object the policy reads");
                    }

                    seen |= bit;
                }

                reader.Read();
                prop.ValueStart = (int)reader.TokenStartIndex;
                prop.ValueKind = reader.TokenType;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    if (prop.Key != Key.Other)
                    {
                        prop.Child = ScanContainer(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                prop.ValueEnd = (int)reader.BytesConsumed;
                node.Props.Add(prop);
            }
        }

        node.End = (int)reader.BytesConsumed;
        return node;
    }

    public static Key KeyOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            // Rare: an escaped key is unescaped before it is recognised, so "\u0054ag" is still Tag.
            return KeyOf(System.Text.Encoding.UTF8.GetBytes(reader.GetString()!));
        }

        return KeyOf(reader.ValueSpan);
    }

    private static Key KeyOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => Key.Id,
        3 when name.SequenceEqual("Tag"u8) => Key.Tag,
        3 when name.SequenceEqual("Org"u8) => Key.Org,
        4 when name.SequenceEqual("uuid"u8) => Key.Uuid,
        4 when name.SequenceEqual("name"u8) => Key.Name,
        4 when name.SequenceEqual("Orgc"u8) => Key.Orgc,
        4 when name.SequenceEqual("Feed"u8) => Key.Feed,
        4 when name.SequenceEqual("info"u8) => Key.Info,
        4 when name.SequenceEqual("type"u8) => Key.Type,
        5 when name.SequenceEqual("Event"u8) => Key.Event,
        5 when name.SequenceEqual("local"u8) => Key.Local,
        5 when name.SequenceEqual("value"u8) => Key.Value,
        5 when name.SequenceEqual("email"u8) => Key.Email,
        6 when name.SequenceEqual("Object"u8) => Key.Object,
        6 when name.SequenceEqual("org_id"u8) => Key.OrgId,
        6 when name.SequenceEqual("Server"u8) => Key.Server,
        6 when name.SequenceEqual("source"u8) => Key.Source,
        6 when name.SequenceEqual("Galaxy"u8) => Key.Galaxy,
        6 when name.SequenceEqual("old_id"u8) => Key.OldId,
        7 when name.SequenceEqual("orgc_id"u8) => Key.OrgcId,
        7 when name.SequenceEqual("content"u8) => Key.Content,
        7 when name.SequenceEqual("user_id"u8) => Key.UserId,
        8 when name.SequenceEqual("EventTag"u8) => Key.EventTag,
        8 when name.SequenceEqual("org_uuid"u8) => Key.OrgUuid,
        8 when name.SequenceEqual("Sighting"u8) => Key.Sighting,
        8 when name.SequenceEqual("category"u8) => Key.Category,
        9 when name.SequenceEqual("Attribute"u8) => Key.Attribute,
        9 when name.SequenceEqual("inherited"u8) => Key.Inherited,
        9 when name.SequenceEqual("protected"u8) => Key.Protected,
        9 when name.SequenceEqual("orgc_uuid"u8) => Key.OrgcUuid,
        9 when name.SequenceEqual("timestamp"u8) => Key.Timestamp,
        9 when name.SequenceEqual("published"u8) => Key.Published,
        10 when name.SequenceEqual("event_uuid"u8) => Key.EventUuid,
        11 when name.SequenceEqual("EventReport"u8) => Key.EventReport,
        12 when name.SequenceEqual("distribution"u8) => Key.Distribution,
        12 when name.SequenceEqual("RelatedEvent"u8) => Key.RelatedEvent,
        12 when name.SequenceEqual("extends_uuid"u8) => Key.ExtendsUuid,
        12 when name.SequenceEqual("SharingGroup"u8) => Key.SharingGroup,
        12 when name.SequenceEqual("Organisation"u8) => Key.Organisation,
        12 when name.SequenceEqual("event_org_id"u8) => Key.EventOrgId,
        13 when name.SequenceEqual("GalaxyCluster"u8) => Key.GalaxyCluster,
        14 when name.SequenceEqual("attribute_uuid"u8) => Key.AttributeUuid,
        15 when name.SequenceEqual("attribute_count"u8) => Key.AttributeCount,
        15 when name.SequenceEqual("ShadowAttribute"u8) => Key.ShadowAttribute,
        15 when name.SequenceEqual("ObjectReference"u8) => Key.ObjectReference,
        15 when name.SequenceEqual("referenced_uuid"u8) => Key.ReferencedUuid,
        16 when name.SequenceEqual("RelatedAttribute"u8) => Key.RelatedAttribute,
        16 when name.SequenceEqual("CryptographicKey"u8) => Key.CryptographicKey,
        18 when name.SequenceEqual("sighting_timestamp"u8) => Key.SightingTimestamp,
        19 when name.SequenceEqual("event_creator_email"u8) => Key.EventCreatorEmail,
        _ => Key.Other,
    };
}
