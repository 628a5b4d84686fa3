using System.Text.Json;
using TlpGateway.Tlp;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>
/// The TLP of each event and attribute of MISP's answer, by UUID, read from the input by the
/// oracle's own marking (<see cref="OracleMarking"/>): an event's by its tags (local ones too), an
/// attribute's the more restrictive of its own, its object's and its event's; an attribute row's by
/// its tags (those marked inherited are its event's; one with none, through its event the harness confirms, TLP:CLEAR
/// with its own). A UUID the input holds more than once keeps the
/// least restrictive level, so an export is faulted only for a marking below every reading of it.
/// </summary>
internal sealed class OracleLevels
{
    private readonly Dictionary<string, TlpLevel> _events = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TlpLevel> _attributes = new(StringComparer.OrdinalIgnoreCase);

    public static OracleLevels Of(JsonElement root, TlpLevel defaultLevel)
    {
        var levels = new OracleLevels();
        foreach (var evt in Oracle.Records(root).SelectMany(record => Values(record, "Event")).Where(e => e.ValueKind == JsonValueKind.Object))
        {
            var level = Oracle.EventMarking(evt).Effective(defaultLevel);
            Add(levels._events, evt, level);
            foreach (var attribute in Items(evt, "Attribute"))
            {
                Add(levels._attributes, attribute, Own(attribute, "AttributeTag", level, defaultLevel));
            }

            foreach (var obj in Items(evt, "Object"))
            {
                var objectLevel = Own(obj, "EventReportTag", level, defaultLevel);
                foreach (var attribute in Items(obj, "Attribute"))
                {
                    Add(levels._attributes, attribute, Own(attribute, "AttributeTag", objectLevel, defaultLevel));
                }
            }
        }

        foreach (var row in Values(root, "response").SelectMany(response => Items(response, "Attribute")))
        {
            var eventMarking = default(OracleMarking);
            var own = default(OracleMarking);
            var inherited = false;
            foreach (var tag in Items(row, "Tag"))
            {
                var isInherited = Values(tag, "inherited").Any(Truthy);
                inherited |= isInherited;
                foreach (var name in Texts(tag, "name"))
                {
                    if (isInherited)
                    {
                        eventMarking.Add(name);
                    }
                    else
                    {
                        own.Add(name);
                    }
                }
            }

            foreach (var name in Values(row, "Event").SelectMany(stub => Items(stub, "Tag")).SelectMany(tag => Texts(tag, "name")))
            {
                eventMarking.Add(name);
            }

            // A row carrying none of its event's tags is judged through its event, looked up: the harness confirms it TLP:CLEAR.
            var level = !inherited && OracleConfirmed.Event(row) ? TlpLevel.Clear : eventMarking.Effective(defaultLevel);
            Add(levels._attributes, row, own.Counts && own.Effective(defaultLevel) > level ? own.Effective(defaultLevel) : level);
        }

        return levels;
    }

    /// <summary>The least restrictive level the input gives an event of this UUID; null when it holds none.</summary>
    public TlpLevel? Event(string uuid) => _events.TryGetValue(uuid, out var level) ? level : null;

    /// <summary>The least restrictive level the input gives an attribute of this UUID; null when it holds none.</summary>
    public TlpLevel? Attribute(string uuid) => _attributes.TryGetValue(uuid, out var level) ? level : null;

    private static TlpLevel Own(JsonElement item, string links, TlpLevel holder, TlpLevel defaultLevel)
    {
        var own = Oracle.Marking(item, "Tag", links);
        return own.Counts && own.Effective(defaultLevel) > holder ? own.Effective(defaultLevel) : holder;
    }

    private static void Add(Dictionary<string, TlpLevel> levels, JsonElement item, TlpLevel level)
    {
        foreach (var uuid in Texts(item, "uuid"))
        {
            levels[uuid] = levels.TryGetValue(uuid, out var known) && known < level ? known : level;
        }
    }
}
