using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MispSimulator;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>Properties of the filter over generated MISP responses, split at random chunk boundaries.</summary>
public sealed class FilterPropertyTests
{
    [Property(MaxTest = 60)]
    public Property Filter_GeneratedRestSearch_ReleasesOnlyEntitledAndLeaksNoWithheldUuid(PositiveInt seed, byte maxTlp, bool thirdParty, bool sync, PositiveInt chunk, byte org)
    {
        var input = EventGenerator.RestSearch(seed.Get, 60_000);
        var requesterOrg = EventGenerator.Orgs[org % EventGenerator.Orgs.Length];
        var requester = FilterHarness.Requester(
            requesterOrg.Uuid,
            (TlpLevel)(maxTlp % 4),
            thirdParty ? MemberRelation.ThirdParty : MemberRelation.Member,
            sync,
            orgId: requesterOrg.Id);
        var context = FilterHarness.Context(requester);

        var (output, outcomes, _) = FilterHarness.Run(input, context, chunk: 1 + (chunk.Get % 5000));

        var text = Encoding.UTF8.GetString(output);
        var released = JsonNode.Parse(output)!["response"]!.AsArray().Select(e => e!["Event"]!.AsObject()).ToList();
        var originals = JsonNode.Parse(input)!["response"]!.AsArray().Select(e => e!["Event"]!.AsObject()).ToDictionary(e => (string)e["uuid"]!);
        foreach (var evt in released)
        {
            var original = originals[(string)evt["uuid"]!];
            var eventLevel = Level(original["Tag"] as JsonArray, context.DefaultTlp);
            var orgc = (string?)original["Orgc"]!["uuid"];
            if (!EntitlementPolicy.MayReceive(eventLevel, orgc, requester))
            {
                return false.Label($"event {evt["uuid"]} ({eventLevel}) released to a requester not entitled to it");
            }

            foreach (var attribute in Attributes(evt))
            {
                var level = Max(Level(attribute["Tag"] as JsonArray, TlpLevel.Clear), eventLevel);
                if (!EntitlementPolicy.MayReceive(level, orgc, requester))
                {
                    return false.Label($"attribute {attribute["uuid"]} ({level}) released");
                }
            }

            var hidden = TlpGateway.Provenance.SourcePolicy.HidesSource(requester, orgc, TlpGateway.Provenance.SourcePolicy.ChathamHouseApplies(Marking(original["Tag"] as JsonArray), context.Community));
            if (hidden && ((string?)evt["Orgc"]!["uuid"] == orgc || evt.ContainsKey("event_creator_email")))
            {
                return false.Label($"source of {evt["uuid"]} not hidden");
            }
        }

        foreach (var outcome in outcomes.Where(o => !o.Released))
        {
            if (text.Contains(outcome.EventUuid!, StringComparison.Ordinal))
            {
                return false.Label($"withheld event {outcome.EventUuid} leaked");
            }
        }

        return (released.Count == outcomes.Count(o => o.Released)).Label("released count matches outcomes");
    }

    private static IEnumerable<JsonObject> Attributes(JsonObject evt)
    {
        foreach (var attribute in evt["Attribute"]!.AsArray())
        {
            yield return attribute!.AsObject();
        }

        foreach (var obj in evt["Object"]!.AsArray())
        {
            foreach (var attribute in obj!["Attribute"]!.AsArray())
            {
                yield return attribute!.AsObject();
            }
        }
    }

    private static TlpMarking Marking(JsonArray? tags)
    {
        var marking = default(TlpMarking);
        foreach (var tag in tags ?? [])
        {
            marking.Add((string)tag!["name"]!);
        }

        return marking;
    }

    private static TlpLevel Level(JsonArray? tags, TlpLevel defaultLevel) => Marking(tags).Effective(defaultLevel);

    private static TlpLevel Max(TlpLevel a, TlpLevel b) => a > b ? a : b;
}
