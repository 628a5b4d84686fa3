using System.Text.Json;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>
/// SPEC section 5, judged on a whole answer: an event that carries no TLP level in MISP's answer (no
/// tag of a known level, no unknown <c>tlp:</c> value, local tags included) leaves with the default
/// marking, so a TLP level, whatever else the filter removed or rewrote around it.
/// </summary>
/// <remarks>Conservative: an event is matched to the input by its UUID, and only when one event of the input has it.</remarks>
internal static class OracleDefault
{
    public static void Check(JsonElement input, JsonElement output)
    {
        var untagged = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (var (evt, isRow) in OracleSync.EventsAndRows(input))
        {
            foreach (var uuid in Texts(evt, "uuid"))
            {
                // A UUID twice in the input is not matched.
                untagged[uuid] = !untagged.ContainsKey(uuid) && !isRow && !Oracle.EventMarking(evt).Counts;
            }
        }

        foreach (var (evt, isRow) in OracleSync.EventsAndRows(output))
        {
            if (!isRow && Texts(evt, "uuid").ToList() is [var uuid] && untagged.GetValueOrDefault(uuid) && !Oracle.EventMarking(evt).HasLevel)
            {
                throw new FuzzFinding($"the filter released the event {uuid}, which has no TLP level, without the default marking");
            }
        }
    }
}
