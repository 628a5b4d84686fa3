using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>Correlations stay only for related events the gateway confirmed the requester may receive (SPEC section 3).</summary>
public sealed class CorrelationTests
{
    // Event 13 (ORG_D, TLP:GREEN, nothing tagged below it) correlates with events 4, 5 and 6.
    private const string Event4 = "1bfc1897-b375-497c-9f02-b164e32bc94a";
    private const string Event5 = "4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa";
    private const string Event6 = "93609343-d094-4903-bb82-4fba52a1838f";
    private const string Event13 = "3697faaf-020a-43d5-b704-3d9d2872d4d0";
    private static readonly string Forwarder = FilterHarness.Community.Forwarder.Uuid;

    [Fact]
    public void Correlations_RelatedEventsLookedUp_OnlyConfirmedWithNothingRemovedStay()
    {
        var input = FilterHarness.Capture("events_view_unpublished__syncB.json");
        var asked = new List<string>();
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, chunk: 97, lookup: uuid =>
        {
            asked.Add(uuid);
            return uuid switch
            {
                Event4 => new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = FilterHarness.LatestVersion },
                Event5 => new EventAccess(true, FilterHarness.OrgC, "5", false, ["an-attribute-removed-for-this-requester"]) { Timestamp = FilterHarness.LatestVersion },
                _ => EventAccess.Withheld,
            };
        });

        // Event 13 itself is asked along: an event after it in an answer that lists it finds it known.
        Assert.Equal([Event4, Event13, Event5, Event6], asked.Order());
        Assert.Equal(["4"], RelatedIds(output));
        Assert.True(Assert.Single(outcomes).Released);
        var related = RelatedEvents(output)[0]!["Event"]!;
        Assert.Equal(FilterHarness.OrgC, (string?)related["Orgc"]!["uuid"]);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    public void Correlations_RelatedEventConfirmedEarlier_AskedAgainOnlyWhenItsStubNamesANewerVersion(int confirmedAge, bool askedAgain)
    {
        // SPEC section 3: look-ups are keyed by UUID and timestamp. A tag added moves an event's timestamp, so a
        // confirmation of an older version (event 4 before a TLP:RED tag, say) must not keep its correlation.
        var input = FilterHarness.Capture("events_view_unpublished__syncB.json");
        var named = long.Parse((string)JsonNode.Parse(input)!["Event"]!["RelatedEvent"]!.AsArray().Single(r => (string?)r!["Event"]!["uuid"] == Event4)!["Event"]!["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture);
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);
        context.KnownEvents![Event4] = new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = named + confirmedAge };
        var asked = new List<string>();

        // Asked again, MISP still answers the older version (a replica behind, say): not confirmed, and not an error.
        var (output, outcomes, _) = FilterHarness.Run(input, context, lookup: uuid =>
        {
            asked.Add(uuid);
            return uuid == Event4 ? new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = named - 1 } : EventAccess.Withheld;
        });

        Assert.True(Assert.Single(outcomes).Released);
        Assert.Equal(askedAgain, asked.Contains(Event4));
        Assert.Equal(askedAgain ? [] : ["4"], RelatedIds(output));
    }

    [Fact]
    public void Correlations_RelatedEventHidesItsSource_KeptWithForwarderAsSource()
    {
        var input = FilterHarness.Capture("events_view_unpublished__syncB.json");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);

        var (output, _, _) = FilterHarness.Run(input, context, lookup: uuid => new EventAccess(true, FilterHarness.OrgD, "6", HidesSource: uuid == Event6, []) { Timestamp = FilterHarness.LatestVersion });

        Assert.Equal(["4", "5", "6"], RelatedIds(output));
        var hidden = RelatedEvents(output).Single(r => (string?)r!["Event"]!["id"] == "6")!["Event"]!;
        Assert.Equal(Forwarder, (string?)hidden["Orgc"]!["uuid"]);
        Assert.Equal(Forwarder, (string?)hidden["Org"]!["uuid"]);
        Assert.Equal("0", (string?)hidden["orgc_id"]);
        Assert.Equal(FilterHarness.OrgC, (string?)RelatedEvents(output).Single(r => (string?)r!["Event"]!["id"] == "4")!["Event"]!["Orgc"]!["uuid"]);
    }

    [Fact]
    public void Correlations_ListingEventHidesSource_EveryKeptRelatedEventHidesItsToo()
    {
        var input = FilterHarness.Capture("events_view_unpublished__syncB.json");
        var context = FilterHarness.Context(FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.Green, MemberRelation.ThirdParty, orgId: "99"), lookups: true);

        var (output, _, _) = FilterHarness.Run(input, context, lookup: _ => new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = FilterHarness.LatestVersion });

        Assert.Equal(["4", "5", "6"], RelatedIds(output));
        var text = Encoding.UTF8.GetString(output);
        Assert.DoesNotContain(FilterHarness.OrgC, text, StringComparison.Ordinal);
        Assert.DoesNotContain(FilterHarness.OrgD, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Correlations_AttributeRemovedFromListingEvent_AllRemovedWithoutLookups()
    {
        // Event 4 holds TLP:AMBER and TLP:RED attributes that a green member does not receive.
        var input = FilterHarness.Capture("events_view_rich__orgC.json");
        var asked = new List<string>();
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, orgId: "4"), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, lookup: uuid =>
        {
            asked.Add(uuid);
            return new EventAccess(true, FilterHarness.OrgC, "5", false, []) { Timestamp = FilterHarness.LatestVersion };
        });

        Assert.True(Assert.Single(outcomes).AttributesRemoved > 0);
        Assert.Empty(asked);
        Assert.Empty(RelatedIds(output));
    }

    [Fact]
    public void Correlations_MoreThanTheLookupBound_RestRemoved()
    {
        var input = FilterHarness.Capture("events_view_unpublished__syncB.json");
        var asked = new List<string>();
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true, maxCorrelationLookups: 1);

        var (output, _, _) = FilterHarness.Run(input, context, lookup: uuid =>
        {
            asked.Add(uuid);
            return new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = FilterHarness.LatestVersion };
        });

        Assert.Equal([Event4, Event13], asked);
        Assert.Equal(["4"], RelatedIds(output));
    }

    [Fact]
    public void Correlations_ToMispServer_RemovedWithoutLookups()
    {
        var input = FilterHarness.Capture("events_view_unpublished__syncB.json");
        var asked = new List<string>();
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgB, TlpLevel.Amber, sync: true, orgId: "2"), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, lookup: uuid =>
        {
            asked.Add(uuid);
            return new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = FilterHarness.LatestVersion };
        });

        Assert.True(Assert.Single(outcomes).Released);
        Assert.Empty(asked);
        Assert.Empty(RelatedIds(output));
    }

    [Fact]
    public void Correlations_NoLookupPossible_AllRemoved()
    {
        var input = FilterHarness.Capture("events_view_unpublished__syncB.json");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"));

        var (output, _, _) = FilterHarness.Run(input, context);

        Assert.Empty(RelatedIds(output));
        Assert.Contains("\"RelatedEvent\": []", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Correlations_AttributeCorrelations_StayOnlyForKeptRelatedEvents()
    {
        var input = Encoding.UTF8.GetBytes($$$"""
            {"Event":{"id":"13","uuid":"3697faaf-0000-4000-8000-000000000013","info":"x","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{FilterHarness.OrgD}}}"},
             "Attribute":[{"id":"1","uuid":"a1a1a1a1-0000-4000-8000-000000000001","type":"ip-dst","value":"198.51.100.7",
               "RelatedAttribute":[{"id":"40","event_id":"4","org_id":"3","value":"198.51.100.7"},{"id":"60","event_id":"6","org_id":"4","value":"198.51.100.7"}]}],
             "RelatedEvent":[{"Event":{"id":"4","uuid":"{{{Event4}}}","org_id":"3","orgc_id":"3"}},{"Event":{"id":"6","uuid":"{{{Event6}}}","org_id":"4","orgc_id":"4"}}],
             "Tag":[{"name":"tlp:green"}]}}
            """);
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);

        var (output, _, _) = FilterHarness.Run(input, context, lookup: uuid => uuid == Event4 ? new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = FilterHarness.LatestVersion } : EventAccess.Withheld);

        Assert.Equal(["4"], RelatedIds(output));
        var correlations = JsonNode.Parse(output)!["Event"]!["Attribute"]![0]!["RelatedAttribute"]!.AsArray();
        Assert.Equal(["40"], correlations.Select(c => (string?)c!["id"]));
    }

    [Fact]
    public void Correlations_EventsOfOneAnswerListingEachOther_ListingEventAskedAlongSavesTheirRounds()
    {
        // ORG_C's restSearch: event 4 lists 5, 6, 9 and 13; 5 lists 4, 6 and 13; 6 lists 4, 5, 11 and 13;
        // 9 lists 4; 11 lists 6 and 7; 13 lists 4, 5 and 6 (7, amber+strict, is withheld before its correlations).
        var input = FilterHarness.Capture("events_restSearch_json__orgC.json");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);
        var rounds = new List<IReadOnlyList<string>>();
        var filter = new MispResponseFilter(context, 16 * 1024 * 1024, _ => { });
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        filter.Write(input, output);
        while (filter.PendingLookups is { } pending)
        {
            rounds.Add(pending);
            foreach (var uuid in pending)
            {
                context.KnownEvents![uuid] = new EventAccess(true, FilterHarness.OrgC, "1", false, []) { Timestamp = FilterHarness.LatestVersion };
            }

            filter.Resume(output);
        }

        filter.Complete(output);

        // Events 5, 9 and 13 list only events already known: only 4, 6 and 11 pause the answer.
        Assert.Null(filter.PendingLookups);
        Assert.Equal(3, rounds.Count);
        Assert.Equal([Event5, Event6, "2948b31a-b6d9-4f25-b1c6-751b0b46fa10", Event13, Event4], rounds[0]);
    }

    [Fact]
    public void RelatedTags_CorrelatingEventNotConfirmed_TagsOfOtherEventsRemoved()
    {
        // includeRelatedTags (events/view, restSearch): MISP lists the tags of the events and attributes an attribute
        // correlates with, whether the gateway confirmed them or not; a related event's TLP:RED and actor tags would leave.
        var input = Encoding.UTF8.GetBytes($$$"""
            {"Event":{"id":"13","uuid":"3697faaf-0000-4000-8000-000000000013","info":"x","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{FilterHarness.OrgD}}}"},
             "Attribute":[{"id":"1","uuid":"a1a1a1a1-0000-4000-8000-000000000001","type":"ip-dst","value":"198.51.100.7",
               "RelatedAttribute":[{"id":"60","event_id":"6","org_id":"4","value":"198.51.100.7"}],
               "RelatedTags":[{"id":"9","name":"tlp:red","colour":"#CC0033","numerical_value":null},{"id":"12","name":"misp-galaxy:threat-actor=\"Secret Bear\"","colour":"#0088cc","numerical_value":null}]}],
             "RelatedEvent":[{"Event":{"id":"6","uuid":"{{{Event6}}}","org_id":"4","orgc_id":"4"}}],
             "Tag":[{"name":"tlp:green"}]}}
            """);
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, lookup: _ => EventAccess.Withheld);

        Assert.True(Assert.Single(outcomes).Released);
        var text = Encoding.UTF8.GetString(output);
        Assert.DoesNotContain("Secret Bear", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tlp:red", text, StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(output)!["Event"]!["Attribute"]![0]!["RelatedTags"]!.AsArray());
    }

    [Fact]
    public void FeedHits_MoreThanMispLists_FlagAndCountRemoved()
    {
        // Feed::attachFeedCorrelations past 10,000 hits writes a flag on each attribute a feed holds and the event's
        // count of hits over all its attributes (a removed TLP:RED one's among them) in place of the feeds.
        var input = Encoding.UTF8.GetBytes($$$"""
            {"Event":{"id":"13","uuid":"3697faaf-0000-4000-8000-000000000013","info":"x","FeedCount":12001,"Orgc":{"id":"4","name":"ORG_D","uuid":"{{{FilterHarness.OrgD}}}"},
             "Attribute":[{"id":"1","uuid":"a1a1a1a1-0000-4000-8000-000000000001","type":"ip-dst","value":"198.51.100.7","FeedHit":true},
               {"id":"2","uuid":"a1a1a1a1-0000-4000-8000-000000000002","type":"ip-dst","value":"198.51.100.8","FeedHit":true,"Tag":[{"name":"tlp:red"}]}],
             "Tag":[{"name":"tlp:green"}]}}
            """);
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"));

        var (output, outcomes, _) = FilterHarness.Run(input, context);

        Assert.Equal(1, Assert.Single(outcomes).AttributesRemoved);
        var evt = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.False(evt.ContainsKey("FeedCount"));
        Assert.False(evt["Attribute"]![0]!.AsObject().ContainsKey("FeedHit"));
    }

    [Fact]
    public void Correlations_RelatedEventWithAnalystData_ReleasedWithoutIt()
    {
        // events/view always fetches analyst data, and Event::find attaches it to every event it finds (afterFind):
        // the related events' notes come with them, written by anyone under the related event's marking.
        var input = Encoding.UTF8.GetBytes($$$"""
            {"Event":{"id":"13","uuid":"3697faaf-0000-4000-8000-000000000013","info":"x","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{FilterHarness.OrgD}}}"},
             "Attribute":[{"id":"1","uuid":"a1a1a1a1-0000-4000-8000-000000000001","type":"ip-dst","value":"198.51.100.7"}],
             "RelatedEvent":[{"Event":{"id":"4","uuid":"{{{Event4}}}","org_id":"3","orgc_id":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"}},
               "Note":[{"uuid":"b0b0b0b0-0000-4000-8000-000000000001","note":"seen at Secret Site","object_uuid":"{{{Event4}}}","object_type":"Event","distribution":"0","Orgc":{"name":"ORG_B","uuid":"{{{FilterHarness.OrgB}}}"},"Org":{"name":"ORG_B","uuid":"{{{FilterHarness.OrgB}}}"}}],
               "RelationshipInbound":[]}],
             "Tag":[{"name":"tlp:green"}]}}
            """);
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, lookup: _ => new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = FilterHarness.LatestVersion });

        Assert.True(Assert.Single(outcomes).Released);
        Assert.Equal(["4"], RelatedIds(output));
        var text = Encoding.UTF8.GetString(output);
        Assert.DoesNotContain("Secret Site", text, StringComparison.Ordinal);
        Assert.DoesNotContain(FilterHarness.OrgB, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Correlations_ViewWithGranularCorrelations_NestedListRemovedEntriesJudged()
    {
        // events/view/ID/includeGranularCorrelations:1 appends an attribute's correlations as one list (MISP's own rows,
        // the related event's id as "id") before the entries JSONConverterTool writes for the same correlations.
        var input = Encoding.UTF8.GetBytes($$$"""
            {"Event":{"id":"13","uuid":"3697faaf-0000-4000-8000-000000000013","info":"x","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{FilterHarness.OrgD}}}"},
             "Attribute":[{"id":"1","uuid":"a1a1a1a1-0000-4000-8000-000000000001","type":"ip-dst","value":"198.51.100.7",
               "RelatedAttribute":[[{"id":"4","attribute_id":"40","value":"198.51.100.7","org_id":"3","info":"four","date":"2026-01-01"},{"id":"6","attribute_id":"60","value":"198.51.100.7","org_id":"4","info":"six","date":"2026-01-01"}],
                 {"id":"40","value":"198.51.100.7","org_id":"3","info":"four","event_id":"4"},{"id":"60","value":"198.51.100.7","org_id":"4","info":"six","event_id":"6"}]}],
             "RelatedEvent":[{"Event":{"id":"4","uuid":"{{{Event4}}}","org_id":"3","orgc_id":"3"}},{"Event":{"id":"6","uuid":"{{{Event6}}}","org_id":"4","orgc_id":"4"}}],
             "Tag":[{"name":"tlp:green"}]}}
            """);
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, lookup: uuid => uuid == Event4 ? new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = FilterHarness.LatestVersion } : EventAccess.Withheld);

        Assert.True(Assert.Single(outcomes).Released);
        var correlations = JsonNode.Parse(output)!["Event"]!["Attribute"]![0]!["RelatedAttribute"]!.AsArray();
        Assert.Equal(["40"], correlations.Select(c => (string?)c!["id"]));
        Assert.DoesNotContain("six", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    [Fact]
    public void SightingDbHits_OfReleasedAttribute_Removed()
    {
        // includeSightingdb: what an external SightingDB holds of an attribute's value, as feed hits tell what feeds hold.
        var input = Encoding.UTF8.GetBytes($$$"""
            {"Event":{"id":"13","uuid":"3697faaf-0000-4000-8000-000000000013","info":"x","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{FilterHarness.OrgD}}}"},
             "Attribute":[{"id":"1","uuid":"a1a1a1a1-0000-4000-8000-000000000001","type":"ip-dst","value":"198.51.100.7",
               "Sightingdb":[{"first_seen":"1700000000","last_seen":"1700000999","count":"4242","sightingdb_id":"1"}]}],
             "Tag":[{"name":"tlp:green"}]}}
            """);
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"));

        var (output, outcomes, _) = FilterHarness.Run(input, context);

        Assert.True(Assert.Single(outcomes).Released);
        Assert.DoesNotContain("4242", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    private static JsonArray RelatedEvents(byte[] output) => JsonNode.Parse(output)!["Event"]!["RelatedEvent"]!.AsArray();

    private static List<string?> RelatedIds(byte[] output) => [.. RelatedEvents(output).Select(r => (string?)r!["Event"]!["id"])];
}
