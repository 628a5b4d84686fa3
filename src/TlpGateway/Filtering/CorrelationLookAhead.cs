using System.Text.Json;
using TlpGateway.Decision;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>
/// Reads an answer ahead of its filter, where the filter holds an event that waits for the related
/// events of its correlations: the related events that the events after it list (and those events
/// themselves, as correlations are mutual) are asked in the same search, so a cold answer costs one
/// search rather than one per event. It decides nothing: what it finds is only looked up, every
/// event is still judged by the filter, and what it misses (an element it does not read, a related
/// event past its bounds) is looked up when its event pauses, as without it.
/// </summary>
internal sealed class CorrelationLookAhead(int maxEvents, int perEvent)
{
    private enum Next : byte
    {
        Nothing,
        Event,
        OwnUuid,
        Related,
        RelatedEvent,
        RelatedUuid,
    }

    /// <summary>A search with what it found failed: for the rest of this answer each event asks only for its own.</summary>
    public bool Failed { get; set; }

    /// <summary>
    /// The event UUIDs, neither <paramref name="pending"/> nor <paramref name="known"/>, that the
    /// records of <paramref name="input"/> (what follows the held record in a list of records, as
    /// far as it is buffered) name as themselves and as related events: at most
    /// <c>maxEvents</c>, at most <c>perEvent</c> related events of each (as the filter looks up).
    /// </summary>
    public List<string> Collect(ReadOnlySpan<byte> input, IReadOnlyList<string> pending, IReadOnlyDictionary<string, EventAccess> known)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(known);
        var found = new List<string>();
        if (Failed || maxEvents == 0)
        {
            return found;
        }

        var seen = new HashSet<string>(pending, StringComparer.OrdinalIgnoreCase);
        void Add(string? uuid)
        {
            // Only an event's UUID: anything else would be looked up through a view of its own.
            if (found.Count < maxEvents && MispUuid.IsWellFormed(uuid) && !known.ContainsKey(uuid!) && seen.Add(uuid!))
            {
                found.Add(uuid!);
            }
        }

        var at = 0;
        while (found.Count < maxEvents && NextRecord(input, ref at))
        {
            try
            {
                if (!ReadRecord(input[at..], perEvent, Add, out var length))
                {
                    break;
                }

                at += length;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // Malformed JSON, or a string escaped as half a UTF-16 pair (GetString): the filter itself finds what is wrong there.
                break;
            }
        }

        return found;
    }

    /// <summary>Moves <paramref name="at"/> past the separators to the next record's <c>{</c>: false at the end of the list, of the input, or at what it does not read.</summary>
    private static bool NextRecord(ReadOnlySpan<byte> input, ref int at)
    {
        while (at < input.Length)
        {
            switch (input[at])
            {
                case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',' or (byte)':':
                    at++;
                    break;
                case (byte)'"':
                    // A key of PHP's object-list ({"0": record, ...}): digits, never escaped.
                    var close = input[(at + 1)..].IndexOfAny((byte)'"', (byte)'\\');
                    if (close < 0 || input[at + 1 + close] != '"')
                    {
                        return false;
                    }

                    at += close + 2;
                    break;
                case (byte)'{':
                    return true;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads one record (<c>{"Event": {...}}</c>) and tells <paramref name="add"/> the UUIDs of its
    /// event's first related events, then of the event itself if it lists any; false if the input ends inside it (what it read of it
    /// was still told).
    /// </summary>
    private static bool ReadRecord(ReadOnlySpan<byte> input, int perEvent, Action<string?> add, out int length)
    {
        var reader = new Utf8JsonReader(input, isFinalBlock: false, new JsonReaderState(JsonScan.ReaderOptions));
        var next = Next.Nothing;
        bool inEvent = false, inRelated = false, inItem = false, inRelatedEvent = false;
        var items = 0;
        string? own = null;
        length = 0;
        while (reader.Read())
        {
            var depth = reader.CurrentDepth;
            var expected = next;
            next = Next.Nothing;
            switch (reader.TokenType)
            {
                // Depths: 0 the record, 1 its "Event", 2 the event's properties, 3 a related event's
                // entry, 4 its "Event", 5 that event's properties.
                case JsonTokenType.PropertyName:
                    next = depth switch
                    {
                        1 when reader.ValueTextEquals("Event"u8) => Next.Event,
                        2 when inEvent && reader.ValueTextEquals("uuid"u8) => Next.OwnUuid,
                        2 when inEvent && reader.ValueTextEquals("RelatedEvent"u8) => Next.Related,
                        4 when inItem && reader.ValueTextEquals("Event"u8) => Next.RelatedEvent,
                        5 when inRelatedEvent && reader.ValueTextEquals("uuid"u8) => Next.RelatedUuid,
                        _ => Next.Nothing,
                    };
                    break;
                case JsonTokenType.StartObject:
                    inEvent |= depth == 1 && expected == Next.Event;
                    inItem = depth == 3 ? inRelated && items++ < perEvent : inItem;
                    inRelatedEvent |= depth == 4 && expected == Next.RelatedEvent;
                    break;
                case JsonTokenType.StartArray:
                    inRelated |= depth == 2 && expected == Next.Related;
                    break;
                case JsonTokenType.EndObject when depth == 0:
                    length = (int)reader.BytesConsumed;
                    AddOwn();
                    return true;
                case JsonTokenType.EndObject:
                    inEvent &= depth != 1;
                    inItem &= depth != 3;
                    inRelatedEvent &= depth != 4;
                    break;
                case JsonTokenType.EndArray:
                    inRelated &= depth != 2;
                    break;
                case JsonTokenType.String when expected == Next.OwnUuid:
                    own = reader.GetString();
                    break;
                case JsonTokenType.String when expected == Next.RelatedUuid:
                    add(reader.GetString());
                    break;
            }
        }

        AddOwn();
        return false;

        // Only an event that lists related events is itself asked along: the events after it may list it.
        void AddOwn()
        {
            if (items > 0)
            {
                add(own);
            }
        }
    }
}
