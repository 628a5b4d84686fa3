using System.Text;
using TlpGateway.Filtering;

namespace TlpGateway.Shapes;

/// <summary>What a record of an answer is: the kind of its main item.</summary>
internal enum RecordKind : byte
{
    /// <summary>Holds no MISP data (a write result, an error, metadata): released as it is.</summary>
    NoData,
    Event,
    IndexRow,
    AttributeRow,
    Attribute,
    Object,
    EventReport,
    Proposal,
    Sighting,
    AnalystData,
    GalaxyCluster,

    /// <summary><c>/analyst_data/indexMinimal</c>: per kind, the UUIDs of analyst data and when each changed.</summary>
    AnalystDataIndex,
}

/// <summary>A recognised record: its main item, and the event stub MISP may write beside it; <paramref name="OfUnknownShape"/>: no data, in no shape the gateway knows.</summary>
internal readonly record struct Record(RecordKind Kind, Node Item, ItemShape Shape, Node? EventStub, bool OfUnknownShape = false);

/// <summary>
/// Recognises the records MISP answers with: <c>{"Event": ...}</c>; an item under its kind's name
/// with the blocks MISP writes beside it (<c>{"EventReport": ..., "Event": ..., "SharingGroup": ...}</c>);
/// the bare rows of <c>/events/index</c>; an old-style bare event. What holds MISP data in any other
/// shape cannot be judged: the answer ends.
/// </summary>
internal static class Records
{
    private static readonly (Key Key, RecordKind Kind, ItemKind Item)[] ItemKeys =
    [
        (Key.Attribute, RecordKind.Attribute, ItemKind.Attribute),
        (Key.Object, RecordKind.Object, ItemKind.Object),
        (Key.EventReport, RecordKind.EventReport, ItemKind.EventReport),
        (Key.ShadowAttribute, RecordKind.Proposal, ItemKind.Proposal),
        (Key.Sighting, RecordKind.Sighting, ItemKind.Sighting),
        (Key.GalaxyCluster, RecordKind.GalaxyCluster, ItemKind.GalaxyCluster),
        (Key.Note, RecordKind.AnalystData, ItemKind.AnalystData),
        (Key.Opinion, RecordKind.AnalystData, ItemKind.AnalystData),
        (Key.Relationship, RecordKind.AnalystData, ItemKind.AnalystData),
    ];

    // The names of a free-text import's suggested attribute (IsFreeTextSuggestion).
    private static readonly HashSet<string> FreeTextSuggestionNames = new(StringComparer.Ordinal) { "types", "default_type", "value", "comment", "original_value", "to_ids" };

    /// <exception cref="FilterException">The record holds MISP data in a shape the gateway does not know.</exception>
    public static Record Recognise(Node unit)
    {
        if (!unit.IsObject)
        {
            return HoldsData(unit) ? throw new FilterException("a list in place of a record holds MISP data") : new Record(RecordKind.NoData, unit, MispShapes.Event, null, OfUnknownShape: true);
        }

        Record? found = null;
        foreach (var (key, kind, item) in ItemKeys)
        {
            if (unit.Child(key) is not { } child)
            {
                continue;
            }

            // An index row lists the clusters its event's tags name (attachClustersToEventIndex): they are the row's.
            if (key == Key.GalaxyCluster && child.IsList && unit.Has(Key.EventTag))
            {
                continue;
            }

            if (kind == RecordKind.AnalystData && child.IsObject && AnalystIndex(child))
            {
                found = Single(found, new Record(RecordKind.AnalystDataIndex, unit, MispShapes.AnalystData, null));
                continue;
            }

            // A list of notes, opinions or relationships is the analyst data MISP writes beside a record's
            // item (AnalystDataParentBehavior::afterFind): delivered with that item; alone, it is no record.
            if (kind == RecordKind.AnalystData && child.IsList)
            {
                continue;
            }

            if (!child.IsObject)
            {
                throw new FilterException($"'{KeyNames.NameOf(key)}' of a record is not an object");
            }

            found = Single(found, new Record(kind, child, MispShapes.Of(item), unit.Child(Key.Event)));
        }

        if (found is { } record)
        {
            return record;
        }

        // The requester's own account (/users/view/me): it and its organisation are the requester's,
        // and nothing else beside them may hold MISP data.
        if (unit.Child(Key.User) is { IsObject: true })
        {
            foreach (var prop in unit.Props)
            {
                if (prop.Key is not (Key.User or Key.Organisation) && (MispShapes.DataKeys.Contains(prop.Key) || ContainerHoldsData(unit, prop)))
                {
                    throw new FilterException("a user account holds MISP data beside it");
                }
            }

            return new Record(RecordKind.NoData, unit, MispShapes.Event, null);
        }

        if (unit.Child(Key.Event) is { } evt)
        {
            return evt.IsObject ? new Record(RecordKind.Event, evt, MispShapes.Event, null) : throw new FilterException("'Event' is not an object");
        }

        // Bare rows: an event's own fields (old restSearch answers, /events/index).
        if (unit.Has(Key.Tag) || (unit.Has(Key.Info) && (unit.Has(Key.Attribute) || unit.Has(Key.Object))))
        {
            return new Record(RecordKind.Event, unit, MispShapes.Event, null);
        }

        if (unit.Has(Key.EventTag) || (unit.Has(Key.Uuid) && (unit.Has(Key.OrgcUuid) || unit.Has(Key.Orgc) || unit.Has(Key.Info))))
        {
            return new Record(RecordKind.IndexRow, unit, MispShapes.IndexRow, null);
        }

        // A write MISP refused: its validation messages name item kinds, and hold no item; nor do the attribute types PyMISP reads.
        if (SaveFailure.Is(unit) || DescribeTypes.Is(unit))
        {
            return new Record(RecordKind.NoData, unit, MispShapes.Event, null);
        }

        return HoldsData(unit) ? throw new FilterException("a record of unknown shape holds MISP data") : new Record(RecordKind.NoData, unit, MispShapes.Event, null, OfUnknownShape: true);
    }

    /// <summary>Whether a value holds, at any depth, a name that marks MISP data (<see cref="MispShapes.DataKeys"/>).</summary>
    public static bool HoldsData(Node node)
    {
        foreach (var prop in node.Props)
        {
            if (MispShapes.DataKeys.Contains(prop.Key) || ContainerHoldsData(node, prop))
            {
                return true;
            }
        }

        if (node.IsArray)
        {
            foreach (var item in node.Items)
            {
                if (item.Token is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray && HoldsData(item))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// An object or array under a name no key stands for, or under a name of digits in an object that
    /// is no list: what it holds is not understood. None of its names is one the gateway reads, so
    /// nothing in it is hidden or judged, yet it may name a source (an organisation under a name MISP
    /// does not write, or under <c>"0"</c> beside an event's fields). The containers MISP writes under
    /// names the shapes do not describe (a cluster's <c>meta</c>) have keys; a PHP list's elements are
    /// its items (<see cref="Node.IsList"/>), read as a list's.
    /// </summary>
    public static bool IsUnreadContainer(Node holder, in Prop prop) =>
        (KeyNames.IsUnread(prop.Key) || (prop.Key == Key.Index && !holder.IsList)) && prop.ValueKind is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray;

    /// <summary>
    /// Whether a property the holder's shape does not describe goes where the source is hidden: a
    /// container not understood (<see cref="IsUnreadContainer"/>, or under a name the gateway reads
    /// only in other shapes) or a value under a name no MISP shape holds (<see cref="Key.Undescribed"/>)
    /// may name the source, and a source's key written as a scalar there
    /// (<see cref="MispShapes.SourceKeys"/>) surely does, with nothing in this shape to hide it.
    /// </summary>
    public static bool GoesWhereSourceIsHidden(Node holder, in Prop prop) =>
        prop.Key == Key.Undescribed || IsUnreadContainer(holder, prop) || IsUndescribedContainer(prop) || MispShapes.SourceKeys.Contains(prop.Key);

    /// <summary>
    /// A container under a name the gateway reads in other shapes (<c>name</c>, <c>version</c>,
    /// <c>url</c>...), where the holder's shape does not describe it (the callers ask only of such
    /// properties): what it holds is no more understood than under a name no key stands for. The
    /// containers MISP writes under names the shapes do not describe (<see cref="MispShapes.KeptContainers"/>) are known.
    /// </summary>
    private static bool IsUndescribedContainer(in Prop prop) =>
        KeyNames.IsNamed(prop.Key) && !MispShapes.KeptContainers.Contains(prop.Key)
            && prop.ValueKind is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray;

    /// <summary>
    /// Whether a record of no item's shape is one of MISP's messages: an error or a refusal
    /// (<c>{"name": ..., "message": ..., "url": ..., "errors": ...}</c>) or a write's success
    /// (<c>RestResponseComponent::saveSuccessResponse</c>: <c>saved</c>, <c>success</c>, an <c>id</c>),
    /// every name one of those. A record that names anything else (a <c>uuid</c>, a misspelt
    /// <c>orgc_uuid</c>) is an item the gateway cannot recognise, so cannot judge.
    /// </summary>
    public static bool IsMessage(Node unit)
    {
        if (!unit.IsObject || unit.HasUnrecorded)
        {
            return false;
        }

        foreach (var prop in unit.Props)
        {
            if (prop.Key is not (Key.Name or Key.Message or Key.Url or Key.Errors or Key.Saved or Key.Success or Key.Id))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a record is one of the attributes <c>/events/freeTextImport</c> suggests for the text
    /// it was sent, with <c>returnMetaAttributes</c>: the requester's own text, parsed, and no MISP data.
    /// Only that shape (<c>ComplexTypeTool::checkFreeText</c>, then the controller's <c>to_ids</c> and
    /// its <c>types</c> keyed by name): <c>{"types": {"ip-dst": "ip-dst", ...}, "default_type", "value",
    /// "comment", "original_value", "to_ids"}</c>, every name one of those, written plainly, and every
    /// value a scalar but <c>types</c>, which holds type names only. Its names are read from the bytes:
    /// the scan does not record scalars under names no key stands for.
    /// </summary>
    public static bool IsFreeTextSuggestion(Node unit)
    {
        if (!unit.IsObject)
        {
            return false;
        }

        var reader = new JsonTokenizer(unit.Source.Span[unit.Start..unit.End], isFinalBlock: true, default);
        var types = false;
        var value = false;
        var inTypes = false;
        ReadOnlySpan<byte> name = default;
        while (reader.Read())
        {
            var token = reader.TokenType;
            switch (reader.CurrentDepth)
            {
                case 0:
                    break;
                case 1 when token == System.Text.Json.JsonTokenType.PropertyName:
                    name = reader.ValueSpan;
                    if (reader.ValueIsEscaped || !FreeTextSuggestionNames.Contains(Encoding.UTF8.GetString(name)))
                    {
                        return false;
                    }

                    value |= name.SequenceEqual("value"u8);
                    break;
                case 1 when token is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray:
                    if (!name.SequenceEqual("types"u8))
                    {
                        return false;
                    }

                    types = inTypes = true;
                    break;
                case 1 when token is System.Text.Json.JsonTokenType.EndObject or System.Text.Json.JsonTokenType.EndArray:
                    inTypes = false;
                    break;
                case 1:
                    if (name.SequenceEqual("types"u8))
                    {
                        return false;
                    }

                    break;
                case 2 when inTypes && token is System.Text.Json.JsonTokenType.PropertyName or System.Text.Json.JsonTokenType.String:
                    break;
                default:
                    return false;
            }
        }

        return types && value;
    }

    /// <summary>Whether a value holds, at any depth, an unread container (<see cref="IsUnreadContainer"/>).</summary>
    public static bool HoldsUnread(Node node)
    {
        foreach (var prop in node.Props)
        {
            if (IsUnreadContainer(node, prop) || (node.ChildOf(prop) is { } child && HoldsUnread(child)))
            {
                return true;
            }
        }

        foreach (var item in node.Items)
        {
            if (item.Token is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray && HoldsUnread(item))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a property of <paramref name="holder"/> is an object or array that is named, or holds at any depth a name, that marks MISP data.</summary>
    public static bool ContainerHoldsData(Node holder, in Prop prop) =>
        prop.ValueKind is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray
            && (MispShapes.DataKeys.Contains(prop.Key) || (holder.ChildOf(prop) is { } child ? HoldsData(child) : RawHoldsData(holder.Source.Span[prop.ValueStart..prop.ValueEnd])));

    /// <summary>Whether a container the scan skipped holds a name that marks MISP data.</summary>
    public static bool RawHoldsData(ReadOnlySpan<byte> json)
    {
        var reader = new JsonTokenizer(json, isFinalBlock: true, default);
        while (reader.Read())
        {
            if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && MispShapes.DataKeys.Contains(JsonScan.KeyOf(ref reader)))
            {
                return true;
            }
        }

        return false;
    }

    private static Record Single(Record? found, Record record) => found switch
    {
        null => record,

        // The minimal index lists notes, opinions and relationships side by side.
        { Kind: RecordKind.AnalystDataIndex } when record.Kind == RecordKind.AnalystDataIndex => record,
        _ => throw new FilterException("a record holds more than one kind of item"),
    };

    /// <summary><c>{"Note": {"uuid": "modified", ...}}</c>: names that are UUIDs, string values.</summary>
    private static bool AnalystIndex(Node child)
    {
        // A name of MISP's (not a UUID) holds a scalar the scan did not record.
        if (child.Props.Length == 0 || child.HasUnrecorded)
        {
            return false;
        }

        foreach (var prop in child.Props)
        {
            if (prop.Key != Key.Undescribed || prop.ValueKind != System.Text.Json.JsonTokenType.String || !MispUuid.IsWellFormed(child.RawName(prop)))
            {
                return false;
            }
        }

        return true;
    }
}
