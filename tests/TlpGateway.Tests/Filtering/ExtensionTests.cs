using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>
/// <c>extends_uuid</c> names another event: it reaches a requester other than the extending event's
/// source only where the gateway confirmed that requester may receive the extended event.
/// </summary>
public sealed class ExtensionTests
{
    private const string Extended = "5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b";

    // Event 13: ORG_D's, TLP:GREEN, its source shown to an amber member (CHR only where tagged).
    private static byte[] ExtendingEvent(string extends)
    {
        var root = JsonNode.Parse(FilterHarness.Capture("events_view_unpublished__syncB.json"))!;
        root["Event"]!["extends_uuid"] = extends;
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static string? ExtendsUuid(byte[] output) => (string?)JsonNode.Parse(output)!["Event"]!["extends_uuid"];

    [Fact]
    public void ExtendsUuid_ExtendedEventWithheld_Emptied()
    {
        var asked = new List<string>();
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(ExtendingEvent(Extended), context, chunk: 61, lookup: uuid =>
        {
            asked.Add(uuid);
            return EventAccess.Withheld;
        });

        Assert.Contains(Extended, asked);
        Assert.True(Assert.Single(outcomes).Released);
        Assert.Equal(string.Empty, ExtendsUuid(output));
        Assert.DoesNotContain(Extended, Encoding.UTF8.GetString(output), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ExtendsUuid_ExtendedEventConfirmed_Kept()
    {
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);

        var (output, _, _) = FilterHarness.Run(ExtendingEvent(Extended), context, lookup: uuid =>
            uuid == Extended ? new EventAccess(true, FilterHarness.OrgB, "9", false, []) : EventAccess.Withheld);

        Assert.Equal(Extended, ExtendsUuid(output));
    }

    [Fact]
    public void ExtendsUuid_NoLookupPossible_Emptied()
    {
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"));

        var (output, outcomes, _) = FilterHarness.Run(ExtendingEvent(Extended), context);

        Assert.True(Assert.Single(outcomes).Released);
        Assert.Equal(string.Empty, ExtendsUuid(output));
    }

    [Fact]
    public void ExtendsUuid_ToTheExtendingEventsSource_KeptWithoutLookup()
    {
        var asked = new List<string>();
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, orgId: "4"), lookups: true);

        var (output, _, _) = FilterHarness.Run(ExtendingEvent(Extended), context, lookup: uuid =>
        {
            asked.Add(uuid);
            return EventAccess.Withheld;
        });

        Assert.DoesNotContain(Extended, asked);
        Assert.Equal(Extended, ExtendsUuid(output));
    }

    [Fact]
    public void ExtendsUuid_ToMispServer_EmptiedUnlessConfirmed()
    {
        // A spoke never learns the UUID of an event it may not receive (SPEC section 3).
        var requester = FilterHarness.Requester(FilterHarness.OrgB, TlpLevel.Amber, sync: true, orgId: "2");

        var (withheld, _, _) = FilterHarness.Run(ExtendingEvent(Extended), FilterHarness.Context(requester, lookups: true), lookup: _ => EventAccess.Withheld);
        var (confirmed, _, _) = FilterHarness.Run(ExtendingEvent(Extended), FilterHarness.Context(requester, lookups: true), lookup: _ => new EventAccess(true, FilterHarness.OrgB, "9", false, []));

        Assert.Equal(string.Empty, ExtendsUuid(withheld));
        Assert.Equal(Extended, ExtendsUuid(confirmed));
    }

    [Fact]
    public void ExtendsUuid_EmptyOrNull_NothingMoreLookedUpNothingChanged()
    {
        static List<string> Asked(byte[] input, out byte[] output)
        {
            var asked = new List<string>();
            var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);
            (output, _, _) = FilterHarness.Run(input, context, lookup: uuid =>
            {
                asked.Add(uuid);
                return new EventAccess(true, FilterHarness.OrgC, "4", false, []);
            });
            return asked;
        }

        // The capture's extends_uuid is "": what it looks up is its correlations' events.
        var correlations = Asked(ExtendingEvent(string.Empty), out var empty);
        var nulled = JsonNode.Parse(FilterHarness.Capture("events_view_unpublished__syncB.json"))!;
        nulled["Event"]!["extends_uuid"] = null;
        var asked = Asked(Encoding.UTF8.GetBytes(nulled.ToJsonString()), out var output);

        Assert.Equal(correlations, asked);
        Assert.Equal(string.Empty, ExtendsUuid(empty));
        Assert.True(JsonNode.Parse(output)!["Event"]!.AsObject().TryGetPropertyValue("extends_uuid", out var value) && value is null);
    }

    [Fact]
    public void ExtendsUuid_IndexRowOfAnotherSource_EmptiedUnlessConfirmed()
    {
        var rows = JsonNode.Parse(FilterHarness.Capture("events_index__orgC.json"))!.AsArray();
        foreach (var row in rows)
        {
            row!["extends_uuid"] = Extended;
        }

        var input = Encoding.UTF8.GetBytes(rows.ToJsonString());
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);

        var (output, _, _) = FilterHarness.Run(input, context, lookup: _ => EventAccess.Withheld);

        var released = JsonNode.Parse(output)!.AsArray();
        Assert.NotEmpty(released);
        foreach (var row in released)
        {
            var own = (string?)row!["Orgc"]!["uuid"] == FilterHarness.OrgC;
            // Another source's row leaves it empty, or without it where its source is hidden.
            Assert.Equal(own ? Extended : row.AsObject().ContainsKey("extends_uuid") ? string.Empty : null, (string?)row["extends_uuid"]);
        }

        Assert.Contains(released, row => (string?)row!["Orgc"]!["uuid"] != FilterHarness.OrgC && (string?)row["extends_uuid"] == string.Empty);
    }
}
