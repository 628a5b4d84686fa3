using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Xunit;
using MispSimulator;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Tests.Filtering;

namespace TlpGateway.Tests.Preview;

/// <summary>
/// The preview and the live filter agree (SPEC section 11): for every requester kind of SPEC section
/// 3's table, over generated events and every captured or sample event, the preview's <c>--json</c>
/// report holds exactly the live decision — released or withheld, the reason, the source hidden and
/// as whom, the tags added, every part removed — and <c>event</c> is byte for byte what the live filter sends.
/// </summary>
public sealed class PreviewAgreementTests : IDisposable
{
    private static readonly JsonObject ForwardAs = new() { ["forwardAs"] = new JsonObject { ["name"] = "Relay", ["uuid"] = "00000000-0000-4000-8000-000000000009" } };

    /// <summary>Every kind of requester the entitlement table tells apart, for an organisation.</summary>
    private static readonly Func<string, PreviewMember>[] Kinds =
    [
        org => new("clear-member", org, "member", "clear"),
        org => new("green-member", org, "member", "green"),
        org => new("amber-member", org, "member", "amber"),
        org => new("strict-member", org, "member", "amber+strict"),
        org => new("third-party", org, "third-party", "green") { Extra = ForwardAs },
        org => new("amber-third-party", org, "third-party", "amber"),
        org => new("red-recipient", org, "member", "amber", "analyst@example.test", RedRecipient: true),
        org => new("not-red-recipient", org, "member", "amber+strict", "user@example.test"),
        org => new("sync", org, "member", "amber+strict", "sync@example.test", Sync: true, RedRecipient: true),
    ];

    /// <summary>The captures' organisations (so their own events are among the inputs), and one that created none.</summary>
    private static readonly string[] Orgs = [FilterHarness.OrgA, FilterHarness.OrgB, FilterHarness.OrgC, FilterHarness.OrgD, "11111111-2222-4333-8444-555555555555"];

    /// <summary>Every event answer among the captures and samples (views, restSearch, an add's echo).</summary>
    private static readonly string[] Samples =
    [
        "real-2.5.1/events_add__orgC.json",
        "real-2.5.1/events_restSearch_json__admin.json",
        "real-2.5.1/events_restSearch_json__orgC.json",
        "real-2.5.1/events_restSearch_json__syncB.json",
        "real-2.5.1/events_view_objects_report__orgC.json",
        "real-2.5.1/events_view_objects_report__syncB.json",
        "real-2.5.1/events_view_pushed_from_B__orgC.json",
        "real-2.5.1/events_view_rich__admin.json",
        "real-2.5.1/events_view_rich__orgC.json",
        "real-2.5.1/events_view_rich__syncB.json",
        "real-2.5.1/events_view_rich_pymispUA__orgC.json",
        "real-2.5.1/events_view_rich_syncparams__orgC.json",
        "real-2.5.1/events_view_rich_syncparams__syncB.json",
        "real-2.5.1/events_view_rich_syncparams_mispUA__syncB.json",
        "real-2.5.1/events_view_sg__syncB.json",
        "real-2.5.1/events_view_unpublished__syncB.json",
        "pymisp_feed_format_mainly_objects_2.json",
        "pymisp_galaxy_1.json",
        "pymisp_japanese_test.json",
        "pymisp_sighting_1.json",
        "pymisp_sighting_2.json",
    ];

    private readonly PreviewHarness _harness = new();

    public static TheoryData<string, int, int> SampleEvents()
    {
        var data = new TheoryData<string, int, int>();
        var index = 0;
        foreach (var sample in Samples)
        {
            for (var kind = 0; kind < Kinds.Length; kind++)
            {
                data.Add(sample, kind, index++ % Orgs.Length);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleEvents))]
    public void Explain_SampleEvent_SameDecisionAsLiveFilter(string sample, int kind, int org)
    {
        var input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "misp-samples", sample));

        AssertAgrees(input, Kinds[kind](Orgs[org]), chathamHouse: kind % 2 == 0 ? "always" : "tagged", chunk: 1 + (kind * 997 % 4096));
    }

    [Property(MaxTest = 30)]
    public void Explain_GeneratedEvents_SameDecisionAsLiveFilter(PositiveInt seed, byte kind, byte org, bool tagged, PositiveInt chunk)
    {
        var input = EventGenerator.RestSearch(seed.Get, 40_000);

        AssertAgrees(input, Kinds[kind % Kinds.Length](Orgs[org % Orgs.Length]), tagged ? "tagged" : "always", 1 + (chunk.Get % 8192));
    }

    public void Dispose() => _harness.Dispose();

    private void AssertAgrees(byte[] input, PreviewMember member, string chathamHouse, int chunk)
    {
        var membersFile = _harness.MembersFile(chathamHouse, "amber", member);
        var registry = MembersFileParser.Parse(File.ReadAllBytes(membersFile));
        var entry = registry.Members.Single();

        // The live path: the requester as admission makes it, look-ups possible, no related event confirmed.
        var requester = new Requester { Member = entry, Community = registry.Community, OrgUuid = entry.OrgUuid, Email = member.Email ?? string.Empty, IsSyncIdentity = member.Sync };
        var context = new FilterContext { Requester = requester, Community = registry.Community, KnownEvents = new(StringComparer.OrdinalIgnoreCase), MaxCorrelationLookups = 25 };
        var (live, outcomes, _) = FilterHarness.Run(input, context, chunk, lookup: _ => EventAccess.Withheld);

        var (code, output, error) = _harness.Explain(membersFile, [_harness.Write("events", input), "--json", .. member.Arguments()]);

        Assert.True(code == MembersCommand.Ok, error);
        var elements = PreviewHarness.Elements(output);
        var sent = Records(live);
        var uuids = EventUuids(input);
        Assert.Equal(outcomes.Count, elements.Count);
        Assert.Equal(uuids.Count, elements.Count);
        var next = 0;
        for (var i = 0; i < elements.Count; i++)
        {
            var (element, outcome) = (elements[i], outcomes[i]);
            Assert.Equal(member.Id, element.GetProperty("member").GetString());
            Assert.Equal(member.Email, element.GetProperty("email").GetString());
            Assert.Equal(member.Sync, element.GetProperty("sync").GetBoolean());
            Assert.Equal(uuids[i], element.GetProperty("eventUuid").GetString());
            Assert.Equal(outcome.Released, element.GetProperty("released").GetBoolean());
            Assert.Equal(outcome.Released ? null : outcome.Reason, element.GetProperty("reason").GetString());
            Assert.Equal(outcome.HidesSource, element.GetProperty("sourceHidden").GetBoolean());
            var shownAs = element.GetProperty("shownAs");
            Assert.Equal(outcome.HidesSource ? (entry.ForwardAs ?? registry.Community.Forwarder).Uuid : null, shownAs.ValueKind == JsonValueKind.Null ? null : shownAs.GetProperty("uuid").GetString());
            Assert.Equal(outcome.AddedTags, [.. element.GetProperty("addedTags").EnumerateArray().Select(t => t.GetString()!)]);
            Assert.Equal(
                outcome.Removals.Select(r => (r.Kind, r.Uuid, r.Reason)),
                element.GetProperty("removed").EnumerateArray().Select(r => (r.GetProperty("kind").GetString()!, r.GetProperty("uuid").GetString(), r.GetProperty("reason").GetString()!)));
            if (outcome.Released)
            {
                Assert.Equal(sent[next++], element.GetProperty("event").GetRawText());
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, element.GetProperty("event").ValueKind);
            }
        }

        Assert.Equal(sent.Count, next);
    }

    /// <summary>The records the live filter sent, each exactly as its bytes stand in the answer.</summary>
    private static List<string> Records(byte[] live)
    {
        if (live.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return [];
        }

        using var document = JsonDocument.Parse(live);
        return document.RootElement.TryGetProperty("response", out var response)
            ? [.. response.EnumerateArray().Select(e => e.GetRawText())]
            : [document.RootElement.GetRawText()];
    }

    private static List<string?> EventUuids(byte[] input)
    {
        var root = JsonNode.Parse(input)!;
        var records = root["response"] is JsonArray list ? list : new JsonArray(root.DeepClone());
        return [.. records.Select(r => (string?)r!["Event"]!["uuid"])];
    }
}
