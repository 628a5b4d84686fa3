using System.Text.Json;
using TlpGateway.Tlp;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>How the oracle judges records that belong to no event it reads whole: an item beside a tagged event stub, a galaxy cluster on its own.</summary>
internal sealed partial class Oracle
{
    /// <summary>
    /// An item answered on its own beside an event stub that carries tags: released only when the requester receives
    /// that event (docs/behaviour.md, section 3). Whether the filter reads the stub's tags or looks the event up (withheld
    /// by the harness), what the stub's tags withhold may not leave, and its sources are hidden where they bring CHR.
    /// </summary>
    private void BesideTaggedStub(JsonElement record)
    {
        var marking = Marking(Values(record, "Event"), "Tag", "EventTag");
        var level = marking.Effective(_defaultLevel);
        if (!MayReceive(level))
        {
            Withhold(record);
        }
        else
        {
            Walk(record, level, HidesEverySource || marking.BringsChathamHouse, null);
        }
    }

    /// <summary>
    /// A galaxy cluster on its own belongs to no event (docs/behaviour.md, section 3): a default cluster is TLP:CLEAR
    /// unless its own tags say more; one an organisation made is judged like an untagged event, by its own tags else the
    /// community's default, its source hidden under CHR (a default cluster's only from a third party).
    /// </summary>
    private void Cluster(JsonElement record, JsonElement cluster)
    {
        var marking = Marking(cluster, "Tag", "EventReportTag");
        var isDefault = Values(cluster, "default").Any(Truthy);
        var level = isDefault && !marking.Counts ? TlpLevel.Clear : marking.Effective(_defaultLevel);
        if (!MayReceive(level))
        {
            Withhold(record);
        }
        else
        {
            Walk(record, level, HidesEverySource || (!isDefault && marking.BringsChathamHouse), null);
        }
    }
}
