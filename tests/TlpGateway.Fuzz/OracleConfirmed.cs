using System.Text.Json;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>
/// Which of an answer's records and correlations the harness may confirm: only those whose reference a
/// look-up is asked about holds <see cref="Oracle.ConfirmedMark"/> (<c>FilterTarget</c> answers a look-up
/// by its reference alone), read as MISP 2.5.1 names what an item concerns, never as the filter reads it.
/// </summary>
/// <remarks>
/// Conservative where a record names what it concerns in more than one place (an <c>event_uuid</c> and a
/// stub's <c>uuid</c> that differ): any of them holding the mark counts. The mark anywhere else (a comment,
/// a value, another item's UUID) confirms nothing, so a mutation writing it there no longer blinds the oracle.
/// </remarks>
internal static class OracleConfirmed
{
    private static readonly string[] AnalystData = ["Note", "Opinion", "Relationship"];

    /// <summary>
    /// Whether an item answered on its own (an element of <paramref name="items"/>) concerns what the harness
    /// confirms: analyst data by <c>object_uuid</c> (an event, or <c>attribute/UUID</c>...: the UUID decides),
    /// any other item by its event: <c>event_uuid</c>, <c>event_id</c>, the <c>Event</c> stub inside it or
    /// beside it in <paramref name="record"/>. A relationship points at an item of its own, which must be confirmed too
    /// (docs/behaviour.md, section 3), and what it embeds must be that item.
    /// </summary>
    public static bool Item(JsonElement record, string items) =>
        Values(record, items).SelectMany(ItemsOf).Any(item => AnalystData.Contains(items)
            ? Texts(item, "object_uuid").Any(Oracle.Confirmed) && (items != "Relationship" || !EventScope.RelatesBeyond(item, released: Oracle.Confirmed, inEvent: false))
            : Event(item) || Stubs(record).Any(Oracle.Confirmed));

    /// <summary>Whether an item names, by <c>event_uuid</c>, <c>event_id</c> or the <c>Event</c> stub it holds, an event the harness confirms (an attribute row carrying none of its event's tags is judged so).</summary>
    public static bool Event(JsonElement item) =>
        Texts(item, "event_uuid").Concat(Texts(item, "event_id")).Concat(Stubs(item)).Any(Oracle.Confirmed);

    /// <summary>Whether a correlation (an element of <c>RelatedEvent</c>) names, in its <c>Event</c> stub, a related event the harness confirms.</summary>
    public static bool Correlation(JsonElement correlation) =>
        Values(correlation, "Event").SelectMany(stub => Texts(stub, "uuid")).Any(Oracle.Confirmed);

    // An item on its own is one object, or a list of them.
    private static IEnumerable<JsonElement> ItemsOf(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object) : [value];

    // How an event stub names its event: by UUID, else by local id.
    private static IEnumerable<string> Stubs(JsonElement holder) =>
        Values(holder, "Event").SelectMany(stub => Texts(stub, "uuid").Concat(Texts(stub, "id")));
}
