using System.Text.Json;
using TlpGateway.Tlp;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>
/// SPEC section 3's cap for a MISP server, judged on a whole answer: an event (or index row) released
/// to a sync identity leaves with a <c>distribution</c> of 0 to 3 no higher than its effective TLP
/// allows (amber+strict 0, amber 1, green 2), and so do its attributes, objects and reports that
/// name a distribution of 0 to 3 themselves.
/// </summary>
/// <remarks>
/// Conservative: an event is matched to the input by its UUID, and only when one event of the input
/// has it; what inherits (<c>5</c>), a sharing group (<c>4</c>) and an item's own marking's cap are
/// not judged here (<c>DistributionCapTests</c> hold them).
/// </remarks>
internal static class OracleSync
{
    public static void Check(JsonElement input, JsonElement output, TlpLevel defaultLevel)
    {
        var levels = new Dictionary<string, TlpLevel?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (evt, _) in EventsAndRows(input))
        {
            foreach (var uuid in Texts(evt, "uuid"))
            {
                // A UUID twice in the input (or an event whose level the oracle cannot tell) is not matched.
                levels[uuid] = levels.ContainsKey(uuid) ? null : Oracle.EventMarking(evt).Effective(defaultLevel);
            }
        }

        foreach (var (evt, _) in EventsAndRows(output))
        {
            if (Texts(evt, "uuid").ToList() is not [var uuid] || levels.GetValueOrDefault(uuid) is not { } level || Cap(level) is not { } cap)
            {
                continue;
            }

            var items = new List<JsonElement> { evt };
            items.AddRange(Items(evt, "Attribute"));
            items.AddRange(Items(evt, "EventReport"));
            foreach (var obj in Items(evt, "Object"))
            {
                items.Add(obj);
                items.AddRange(Items(obj, "Attribute"));
            }

            foreach (var item in items)
            {
                foreach (var distribution in Values(item, "distribution").Select(Scalar))
                {
                    if (distribution is "0" or "1" or "2" or "3" && int.Parse(distribution, System.Globalization.CultureInfo.InvariantCulture) > cap)
                    {
                        throw new FuzzFinding($"the filter released to a MISP server, in the {level} event {uuid}, distribution {distribution} above the cap {cap}");
                    }
                }
            }
        }
    }

    private static int? Cap(TlpLevel level) => level switch
    {
        TlpLevel.Green => 2,
        TlpLevel.Amber => 1,
        TlpLevel.AmberStrict => 0,
        _ => null,
    };

    // The events and index rows of an answer, as the oracle reads its records.
    /// <summary>The events of an answer (records that are an event, not an item beside its event stub), and its index rows.</summary>
    internal static IEnumerable<(JsonElement Event, bool IsRow)> EventsAndRows(JsonElement root)
    {
        foreach (var record in Oracle.Records(root).Where(r => r.ValueKind == JsonValueKind.Object))
        {
            var events = Values(record, "Event").Where(e => e.ValueKind == JsonValueKind.Object).ToList();
            if (events.Count > 0 && !new[] { "ShadowAttribute", "Sighting", "Note", "Opinion", "Relationship", "Attribute", "Object", "EventReport" }.Any(name => Has(record, name)))
            {
                foreach (var evt in events)
                {
                    yield return (evt, false);
                }
            }
            else if (events.Count == 0 && (Has(record, "EventTag") || Has(record, "Tag")))
            {
                yield return (record, true);
            }
        }
    }
}
