using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>
/// The scan does not record scalars under names no decision reads (an event's <c>date</c>,
/// <c>analysis</c>, <c>publish_timestamp</c>...): they stay as written, removals beside them keep the rest valid
/// JSON, and no shape that must know every name of an object takes an object with them.
/// </summary>
public sealed class UnrecordedPropertyTests
{
    private static readonly CommunitySettings GreenByDefault = FilterHarness.Community with { DefaultTlp = TlpLevel.Green };

    // What a hidden source takes out of an event (SPEC section 4), and what stays as written around them.
    private static readonly string[] Removed = ["event_creator_email", "extends_uuid", "CryptographicKey", "locked"];
    private static readonly string[] Unrecorded = ["date", "threat_level_id", "analysis", "proposal_email_lock", "publish_timestamp", "disable_correlation"];

    // Names MISP writes (Shapes/MispFieldNames.txt) that no decision reads and no sample holds; and names no MISP shape holds.
    private static readonly string[] UnreadNames = ["accept_lang", "cache_timestamp", "geoip", "fixed_event", "infected", "caching_enabled", "charset", "delta_merge", "baseurl"];
    private static readonly string[] UndescribedNames = [.. Enumerable.Range(0, 9).Select(i => $"x_undescribed_{i}")];

    public static TheoryData<string, bool, int> Layouts()
    {
        var data = new TheoryData<string, bool, int>();
        foreach (var layout in new[] { "as-misp-writes-it", "removed-first", "removed-adjacent-last", "removed-between-unrecorded-last", "removed-last-after-unrecorded" })
        {
            data.Add(layout, false, 4096);
            data.Add(layout, true, 7);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ThirdParty_RemovalsBesideUnrecordedProperties_UnrecordedKeptAsWrittenRestValid(string layout, bool indented, int chunk)
    {
        var source = JsonNode.Parse(FilterHarness.Sample("real-2.5.1/events_view_rich__orgC.json"))!["Event"]!.AsObject();
        var order = Order(source.Select(p => p.Key).ToList(), layout);
        var evt = new JsonObject(order.Select(key => KeyValuePair.Create(key, source[key]?.DeepClone())));
        var input = Encoding.UTF8.GetBytes(new JsonObject { ["Event"] = evt }.ToJsonString(new JsonSerializerOptions { WriteIndented = indented }));
        var requester = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.AmberStrict, MemberRelation.ThirdParty, orgId: "99");

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(requester, community: GreenByDefault), chunk: chunk);

        Assert.True(Assert.Single(outcomes).Released);
        var released = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal(order.Where(key => !Removed.Contains(key)), released.Select(p => p.Key));
        Assert.All(Unrecorded, key => Assert.True(JsonNode.DeepEquals(source[key], released[key]), key));
    }

    public static TheoryData<string, int, bool> Samples()
    {
        var data = new TheoryData<string, int, bool>();
        string[] samples =
        [
            "real-2.5.1/events_view_rich__orgC.json", "real-2.5.1/events_view_objects_report__orgC.json", "pymisp_galaxy_1.json", "pymisp_sighting_1.json", "pymisp_japanese_test.json",
            "pymisp_feed_format_mainly_objects_2.json", "real-2.5.1/events_index__orgC.json", "real-2.5.1/attributes_restSearch_includeEventTags__orgC.json",
            "real-2.5.1/shadow_attributes_index_all__orgC.json", "real-2.5.1/sightings_restSearch_event__orgC.json", "real-2.5.1/events_restSearch_json__orgC.json",
        ];
        for (var seed = 1; seed <= 6; seed++)
        {
            foreach (var sample in samples)
            {
                data.Add(sample, seed, seed % 2 == 0);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Filter_UnreadScalarsAddedAnywhere_ChangeNothingElse(string sample, int seed, bool thirdParty)
    {
        // Scalars under names of MISP's no decision reads, in every object but PHP's object-lists, at random
        // places and with random whitespace: the answer must be the one without them, with them as written.
        var (added, released, expected) = FilterWithScalarsAdded(sample, seed, thirdParty, UnreadNames);

        var inputByUuid = Objects(added).Where(o => o["uuid"] is JsonValue).ToLookup(o => (string?)o["uuid"]);
        foreach (var obj in Objects(released).Where(o => o["uuid"] is JsonValue && inputByUuid.Contains((string?)o["uuid"])))
        {
            // An item released whole keeps every scalar added to it, as written.
            Assert.Contains(inputByUuid[(string?)obj["uuid"]], source => Added(source, UnreadNames).All(p => obj.TryGetPropertyValue(p.Key, out var value) && JsonNode.DeepEquals(value, p.Value)));
        }

        StripScalars(released, UnreadNames);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), released), $"{sample}, seed {seed}: the answer changed");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Filter_UndescribedScalarsAddedAnywhere_GoWhereTheSourceIsHiddenChangeNothingElse(string sample, int seed, bool thirdParty)
    {
        // Scalars under names no MISP shape holds may name the source: a third party (every source hidden)
        // receives none of them; anyone else receives them as written where the source is shown. Either
        // way the rest of the answer is the one without them.
        var (added, released, expected) = FilterWithScalarsAdded(sample, seed, thirdParty, UndescribedNames);

        if (thirdParty)
        {
            // But in a galaxy cluster's meta, whose names are the galaxy's own (free-form, as MISP's galaxies define them), kept whole.
            Assert.Empty(Objects(released).Where(o => !o.GetPath().Contains(".meta", StringComparison.Ordinal)).SelectMany(o => Added(o, UndescribedNames)));
        }
        else
        {
            var inputByUuid = Objects(added).Where(o => o["uuid"] is JsonValue).ToLookup(o => (string?)o["uuid"]);
            Assert.All(Objects(released).Where(o => o["uuid"] is JsonValue && inputByUuid.Contains((string?)o["uuid"])), obj => Assert.Contains(
                inputByUuid[(string?)obj["uuid"]],
                source => Added(obj, UndescribedNames).All(p => source.TryGetPropertyValue(p.Key, out var value) && JsonNode.DeepEquals(value, p.Value))));
        }

        StripScalars(released, UndescribedNames);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), released), $"{sample}, seed {seed}: the answer changed");
    }

    private static (JsonNode Added, JsonNode Released, byte[] Expected) FilterWithScalarsAdded(string sample, int seed, bool thirdParty, string[] names)
    {
        var random = new Random(seed);
        var plain = JsonNode.Parse(FilterHarness.Sample(sample))!;
        var added = plain.DeepClone();
        AddScalars(added, random, names);
        var options = new JsonSerializerOptions { WriteIndented = random.Next(2) == 0 };
        var requester = thirdParty
            ? FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.AmberStrict, MemberRelation.ThirdParty, orgId: "99")
            : FilterHarness.Requester(maxTlp: TlpLevel.Green);
        var context = FilterHarness.Context(requester, community: GreenByDefault);

        var expected = FilterHarness.Run(Encoding.UTF8.GetBytes(plain.ToJsonString(options)), context).Output;
        var actual = FilterHarness.Run(Encoding.UTF8.GetBytes(added.ToJsonString(options)), FilterHarness.Context(requester, community: GreenByDefault), chunk: 1 + random.Next(3000)).Output;
        return (added, JsonNode.Parse(actual)!, expected);
    }

    private static void AddScalars(JsonNode node, Random random, string[] names)
    {
        foreach (var obj in Objects(node).ToList())
        {
            // Not in PHP's object-lists, nor in the envelope or beside a record's item, where MISP writes nothing else (the answer ends).
            if ((obj.Count > 0 && obj.All(p => p.Key.All(char.IsAsciiDigit))) || IsEnvelopeOrRecord(obj, node))
            {
                continue;
            }

            var properties = obj.ToList();
            obj.Clear();
            var inserted = 0;
            foreach (var (name, value) in properties)
            {
                while (inserted < names.Length - 1 && random.Next(3) == 0)
                {
                    obj[names[inserted++]] = Scalar(random);
                }

                obj[name] = value;
            }

            if (random.Next(2) == 0)
            {
                obj[names[inserted]] = Scalar(random);
            }
        }
    }

    private static bool IsEnvelopeOrRecord(JsonObject obj, JsonNode root) =>
        ReferenceEquals(obj, root) || ReferenceEquals(obj.Parent, root) || (obj.Parent is JsonArray list && ReferenceEquals(list.Parent, root));

    private static JsonNode? Scalar(Random random) => random.Next(5) switch
    {
        0 => JsonValue.Create("a value, \"quoted\" and ,{}[]: written"),
        1 => JsonValue.Create(random.Next(1000)),
        2 => JsonValue.Create(true),
        3 => JsonValue.Create(false),
        _ => null,
    };

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Added(JsonObject obj, string[] names) => obj.Where(p => names.Contains(p.Key));

    private static void StripScalars(JsonNode node, string[] names)
    {
        foreach (var obj in Objects(node).ToList())
        {
            foreach (var name in Added(obj, names).Select(p => p.Key).ToList())
            {
                obj.Remove(name);
            }
        }
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var child in obj.Select(p => p.Value).ToList().SelectMany(Objects))
                {
                    yield return child;
                }

                break;
            case JsonArray array:
                foreach (var child in array.ToList().SelectMany(Objects))
                {
                    yield return child;
                }

                break;
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n  ")]
    public void ThirdParty_EveryRecordedPropertyOfASightingRemoved_UnrecordedOnesLeftAlone(string space)
    {
        // The sighting's source goes whole (SPEC section 4): what is left of the object is only what the scan did not record.
        var sighting = $$$"""{{{space}}}"source":"feed",{{{space}}}"org_uuid":"22222222-0000-4000-8000-000000000002",{{{space}}}"Organisation":{"id":"2","uuid":"22222222-0000-4000-8000-000000000002","name":"Source"}{{{space}}},"date_sighting":"1733011200"{{{space}}}""";
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","Orgc":{"id":"2","name":"Source","uuid":"22222222-0000-4000-8000-000000000002"},"Attribute":[{"uuid":"11111111-0000-4000-8000-000000000002","type":"ip-dst","category":"Network activity","value":"192.0.2.1","Sighting":[{{{"{" + sighting + "}"}}}]}],"Tag":[{"name":"tlp:clear"}]}}""");
        var requester = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", relation: MemberRelation.ThirdParty, orgId: "99");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(requester));

        var released = JsonNode.Parse(output)!["Event"]!["Attribute"]![0]!["Sighting"]![0]!.AsObject();
        Assert.Equal(["date_sighting"], released.Select(p => p.Key));
    }

    [Theory]
    [InlineData("\"attribute_count\":\"6\",\"event_creator_email\":\"a@source.test\"")]
    [InlineData("\"event_creator_email\":\"a@source.test\",\"attribute_count\":\"6\"")]
    [InlineData("\"event_creator_email\":\"a@source.test\",\"locked\":false,\"attribute_count\":\"6\"")]
    public void ThirdParty_IndexRowLosingNeighboursForTwoReasons_BothGoWithOneCommaEach(string tail)
    {
        // The count goes (another organisation's row) and the creator goes (a hidden source): two parts of the decision, one object.
        var input = Encoding.UTF8.GetBytes("""[{"id":"9","uuid":"11111111-0000-4000-8000-000000000001","info":"x","distribution":"1","Orgc":{"id":"2","name":"Source","uuid":"22222222-0000-4000-8000-000000000002"},"EventTag":[{"Tag":{"name":"tlp:clear"}}],""" + tail + "}]");
        var requester = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", relation: MemberRelation.ThirdParty, orgId: "99");

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(requester));

        Assert.True(Assert.Single(outcomes).Released);
        var row = JsonNode.Parse(output)![0]!.AsObject();
        Assert.False(row.ContainsKey("attribute_count"));
        Assert.False(row.ContainsKey("event_creator_email"));
    }

    [Fact]
    public void Member_UntaggedEventEndingInUnrecordedProperties_DefaultTagAddedRestKept()
    {
        var input = """{"Event":{"id":"1","uuid":"5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a01","info":"x","distribution":"1","date":"2026-12-01","analysis":"2"}}"""u8.ToArray();

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        Assert.True(Assert.Single(outcomes).Released);
        var released = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal("tlp:amber", (string?)released["Tag"]![0]!["name"]);
        Assert.Equal("2026-12-01", (string?)released["date"]);
        Assert.Equal("2", (string?)released["analysis"]);
    }

    [Theory]
    [InlineData("""{"comment":"198.51.100.7"}""")]
    [InlineData("""{"0":{"id":"7","uuid":"5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a02","type":"ip-dst","category":"Network activity","value":"198.51.100.7","distribution":"5"},"comment":"x"}""")]
    public void Filter_ListOfAttributesHoldingUnrecordedNames_NotReadAsAList(string attributes)
    {
        // An object of names no key stands for is no PHP list (an empty one would release it unjudged).
        var input = Encoding.UTF8.GetBytes("""{"Event":{"id":"1","uuid":"5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a01","info":"x","distribution":"1","Attribute":""" + attributes + ""","Tag":[{"name":"tlp:green"}]}}""");

        var ex = Assert.Throws<FilterException>(() => FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester())));

        Assert.Contains("'Attribute' is not a list", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_AnalystIndexWithANameThatIsNoUuid_NotReleasedAsAnIndex()
    {
        var input = """{"Note":{"5a0b6e52-7b59-4e2a-9e44-9b5c3d7c1a03":"1733011200","author":"someone@example.test"}}"""u8.ToArray();

        var (output, outcomes, _) = RunOrEnded(input);

        Assert.DoesNotContain("someone@example.test", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
        Assert.DoesNotContain(outcomes, o => o.Released);
    }

    private static (byte[] Output, List<TlpGateway.Decision.UnitOutcome> Outcomes, bool SingleWithheld) RunOrEnded(byte[] input)
    {
        try
        {
            return FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));
        }
        catch (FilterException)
        {
            return ([], [], false);
        }
    }

    private static List<string> Order(List<string> keys, string layout)
    {
        List<string> Without(params string[] moved) => keys.Where(key => !moved.Contains(key)).ToList();
        switch (layout)
        {
            case "removed-first":
                return ["event_creator_email", "date", .. Without("event_creator_email", "date")];
            case "removed-adjacent-last":
                return [.. Without("analysis", "extends_uuid", "event_creator_email"), "analysis", "extends_uuid", "event_creator_email"];
            case "removed-between-unrecorded-last":
                return [.. Without("date", "event_creator_email", "analysis"), "date", "event_creator_email", "analysis"];
            case "removed-last-after-unrecorded":
                return [.. Without("analysis", "event_creator_email"), "analysis", "event_creator_email"];
            default:
                return keys;
        }
    }
}
