using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>The look-ahead finds what the events after a paused one will ask for; it only adds to a search, it decides nothing.</summary>
public sealed class CorrelationLookAheadTests
{
    private const string A = "aaaaaaaa-0000-4000-8000-000000000001";
    private const string B = "bbbbbbbb-0000-4000-8000-000000000002";
    private const string C = "cccccccc-0000-4000-8000-000000000003";
    private const string D = "dddddddd-0000-4000-8000-000000000004";
    private const string E = "eeeeeeee-0000-4000-8000-000000000005";
    private const string Org = "0e0e0e0e-0000-4000-8000-00000000000f";
    private const string Attribute = "a77a77a7-0000-4000-8000-0000000000a7";

    private static readonly Dictionary<string, EventAccess> NoneKnown = new(StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Collect_RecordsAfterTheHeldEvent_TheirRelatedEventsThenThemselves()
    {
        var input = "," + Record(B, C, D) + ",\n  " + Record(C, B) + "]}";

        var found = new CorrelationLookAhead(100, 25).Collect(Utf8(input), [], NoneKnown);

        Assert.Equal([C, D, B], found);
    }

    [Fact]
    public void Collect_PendingAndKnownEvents_NotAskedAgain()
    {
        var known = new Dictionary<string, EventAccess>(StringComparer.OrdinalIgnoreCase) { [D.ToUpperInvariant()] = EventAccess.Withheld };
        var input = "," + Record(B, A, C, D) + "]}";

        var found = new CorrelationLookAhead(100, 25).Collect(Utf8(input), [A], known);

        Assert.Equal([C, B], found);
    }

    [Fact]
    public void Collect_EventWithoutRelatedEvents_NotAskedItself()
    {
        var input = "," + Record(B) + "," + Record(C, D) + "]}";

        Assert.Equal([D, C], new CorrelationLookAhead(100, 25).Collect(Utf8(input), [], NoneKnown));
    }

    [Fact]
    public void Collect_RelatedEventsPastTheFiltersBoundPerEvent_NotAsked()
    {
        // The filter looks up only the first MaxCorrelationLookups related events of an event; the rest are removed.
        var input = "," + Record(B, C, D, E) + "]}";

        Assert.Equal([C, D, B], new CorrelationLookAhead(100, 2).Collect(Utf8(input), [], NoneKnown));
    }

    [Fact]
    public void Collect_MoreThanTheBound_StopsAtIt()
    {
        var input = "," + Record(B, C, D) + "," + Record(E, A) + "]}";

        Assert.Equal([C, D], new CorrelationLookAhead(2, 25).Collect(Utf8(input), [], NoneKnown));
    }

    [Fact]
    public void Collect_InputEndsInsideARecord_WhatWasReadOfItAsked()
    {
        var whole = "," + Record(B, C) + "," + Record(D, E, A);
        var cut = whole[..(whole.IndexOf(A, StringComparison.Ordinal) - 20)];

        Assert.Equal([C, B, E, D], new CorrelationLookAhead(100, 25).Collect(Utf8(cut), [], NoneKnown));
    }

    [Fact]
    public void Collect_PhpObjectListOfRecords_Read()
    {
        var input = ", \"1\": " + Record(B, C) + ", \"2\":" + Record(D, E) + "}}";

        Assert.Equal([C, B, E, D], new CorrelationLookAhead(100, 25).Collect(Utf8(input), [], NoneKnown));
    }

    [Fact]
    public void Collect_UuidsOfOrganisationsAttributesAndNonUuids_NotAsked()
    {
        // Only the event's and its related events' own UUIDs; a reference that is not a UUID would be looked up through a view.
        var record = new JsonObject
        {
            ["Event"] = new JsonObject
            {
                ["uuid"] = B,
                ["Orgc"] = new JsonObject { ["uuid"] = Org },
                ["Attribute"] = new JsonArray(new JsonObject { ["uuid"] = Attribute, ["RelatedAttribute"] = new JsonArray(new JsonObject { ["uuid"] = Attribute }) }),
                ["RelatedEvent"] = new JsonArray(
                    new JsonObject { ["Event"] = new JsonObject { ["uuid"] = "attribute/" + Attribute, ["Orgc"] = new JsonObject { ["uuid"] = Org } } },
                    new JsonObject { ["Event"] = new JsonObject { ["Org"] = new JsonObject { ["uuid"] = Org }, ["uuid"] = C } },
                    new JsonObject { ["uuid"] = D }),
            },
        };

        Assert.Equal([C, B], new CorrelationLookAhead(100, 25).Collect(Utf8("," + record.ToJsonString() + "]}"), [], NoneKnown));
    }

    [Fact]
    public void Collect_EscapedNames_ReadAsTheFilterReadsThem()
    {
        var input = ",{\"\\u0045vent\":{\"uuid\":\"" + B + "\",\"Related\\u0045vent\":[{\"Event\":{\"uu\\u0069d\":\"" + C + "\"}}]}}]}";

        Assert.Equal([C, B], new CorrelationLookAhead(100, 25).Collect(Utf8(input), [], NoneKnown));
    }

    [Theory]
    [InlineData(",{\"Event\":{\"uuid\":\"" + B + "\",\"RelatedEvent\":[{\"Event\":{\"uuid\":\"" + C + "\"}}]}},{\"Event\":{]]]}")]
    [InlineData(",{\"Event\":{\"uuid\":\"" + B + "\",\"RelatedEvent\":[{\"Event\":{\"uuid\":\"" + C + "\"}}]}}, 42, {\"Event\":{\"uuid\":\"" + D + "\"}}")]
    [InlineData(",{\"Event\":{\"uuid\":\"" + B + "\",\"RelatedEvent\":[{\"Event\":{\"uuid\":\"" + C + "\"}}]}},{\"Event\":{\"uuid\":\"\\uD800\",\"RelatedEvent\":[{\"Event\":{\"uuid\":\"\\uDC00" + D + "\"}}]}}]}")]
    public void Collect_InputItDoesNotRead_StopsThereWithoutThrowing(string input)
    {
        Assert.Equal([C, B], new CorrelationLookAhead(100, 25).Collect(Utf8(input), [], NoneKnown));
    }

    [Fact]
    public void Collect_ASearchWithWhatItFoundFailed_FindsNothingMore()
    {
        var lookAhead = new CorrelationLookAhead(100, 25) { Failed = true };

        Assert.Empty(lookAhead.Collect(Utf8("," + Record(B, C) + "]}"), [], NoneKnown));
    }

    [Fact]
    public void Collect_CapturedRestSearchAfterItsFirstEvent_EveryRelatedEventTheFilterWouldAskFor()
    {
        // ORG_C's restSearch: what the events after event 1 would ask for as they pause, one after another.
        var input = FilterHarness.Capture("events_restSearch_json__orgC.json");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);
        var filter = new MispResponseFilter(context, 16 * 1024 * 1024, _ => { });
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var asked = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        filter.Write(input, output);
        while (filter.PendingLookups is { } pending)
        {
            asked.UnionWith(pending);
            foreach (var uuid in pending)
            {
                context.KnownEvents![uuid] = new EventAccess(true, FilterHarness.OrgC, "1", false, []) { Timestamp = FilterHarness.LatestVersion };
            }

            filter.Resume(output);
        }

        var found = new CorrelationLookAhead(100, 25).Collect(input.AsSpan(AfterFirstRecord(input)), [], NoneKnown);

        Assert.Superset(asked, found.ToHashSet(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Where the first record of a restSearch answer ends.</summary>
    private static int AfterFirstRecord(byte[] answer)
    {
        var reader = new Utf8JsonReader(answer);
        while (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Read();
        }

        reader.Read();
        reader.Skip();
        return (int)reader.BytesConsumed;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A restSearch record: an event with an attribute and the related events named.</summary>
    private static string Record(string uuid, params string[] related) => new JsonObject
    {
        ["Event"] = new JsonObject
        {
            ["id"] = "1",
            ["uuid"] = uuid,
            ["Orgc"] = new JsonObject { ["name"] = "ORG", ["uuid"] = Org },
            ["Attribute"] = new JsonArray(new JsonObject { ["uuid"] = Attribute, ["value"] = "198.51.100.1" }),
            ["RelatedEvent"] = new JsonArray([.. related.Select(r => new JsonObject
            {
                ["Event"] = new JsonObject { ["id"] = "2", ["Org"] = new JsonObject { ["uuid"] = Org }, ["uuid"] = r, ["info"] = "related" },
            })]),
        },
    }.ToJsonString();
}
