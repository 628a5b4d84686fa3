using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

public sealed class MispResponseFilterTests
{
    public static TheoryData<string> JsonCaptures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1"), "*.json").Order())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(JsonCaptures))]
    public void Filter_EveryCaptureInTinyChunks_SameOutputAsInOnePiece(string capture)
    {
        var input = FilterHarness.Capture(capture);
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, orgId: "4"), metadataOnly: FilterHarness.CaptureAnswersMetadata(capture));

        var whole = FilterHarness.Run(input, context, chunk: input.Length + 1);
        var bytewise = FilterHarness.Run(input, context, chunk: 1);
        var odd = FilterHarness.Run(input, context, chunk: 7);

        Assert.Equal(whole.Output, bytewise.Output);
        Assert.Equal(whole.Output, odd.Output);

        // A withheld single record leaves nothing: the gateway answers as MISP does for a missing one.
        Assert.Equal(whole.SingleWithheld, whole.Output.Length == 0);
        if (!whole.SingleWithheld)
        {
            using var parsed = JsonDocument.Parse(whole.Output);
        }
    }

    [Theory]
    [MemberData(nameof(JsonCaptures))]
    public void Filter_EveryCaptureWrittenInSlices_SameOutputAsWrittenWhole(string capture)
    {
        var input = FilterHarness.Capture(capture);
        foreach (var requester in new[] { FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, MemberRelation.ThirdParty), FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.AmberStrict, orgId: "3") })
        {
            var context = FilterHarness.Context(requester, metadataOnly: FilterHarness.CaptureAnswersMetadata(capture));
            var whole = FilterHarness.Run(input, context, chunk: 4096);

            // Slices that end inside names, values and edits alike; one byte is the hardest case.
            foreach (var slice in new[] { 1, 13, 1000 })
            {
                var sliced = FilterHarness.Run(input, context, chunk: 4096, outputSlice: slice);
                Assert.Equal(whole.Output, sliced.Output);
                Assert.Equal(whole.Outcomes.Select(o => o.Released), sliced.Outcomes.Select(o => o.Released));
            }
        }
    }

    [Fact]
    public void Filter_OwnerViewsOwnEvent_ByteIdenticalExceptCorrelations()
    {
        var input = FilterHarness.Capture("events_view_rich__orgC.json");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"));

        var (output, outcomes, _) = FilterHarness.Run(input, context);

        // The only documented change for the source itself: correlations it was not confirmed to receive.
        var expected = JsonNode.Parse(input)!;
        expected["Event"]!["RelatedEvent"] = new JsonArray();
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(output)));
        Assert.Single(outcomes);
        Assert.True(outcomes[0].Released);
        var text = Encoding.UTF8.GetString(output);
        var attributes = Encoding.UTF8.GetString(input);
        var start = attributes.IndexOf("\"Attribute\": [", StringComparison.Ordinal);
        var end = attributes.IndexOf("\"ShadowAttribute\": [", start, StringComparison.Ordinal);
        Assert.Contains(attributes[start..end], text, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_OwnerViewsEventWithoutCorrelations_ByteIdentical()
    {
        var input = FilterHarness.Capture("events_view_rich_syncparams__orgC.json");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"));

        var (output, _, _) = FilterHarness.Run(input, context);

        Assert.Equal(input, output);
    }

    [Fact]
    public void Filter_RestSearchForGreenMember_NoByteOfWithheldEvents()
    {
        var input = FilterHarness.Capture("events_restSearch_json__admin.json");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, orgId: "4"));

        var (output, outcomes, _) = FilterHarness.Run(input, context, chunk: 333);

        var text = Encoding.UTF8.GetString(output);
        var withheld = outcomes.Where(o => !o.Released).ToList();
        Assert.NotEmpty(withheld);
        Assert.All(withheld, o => Assert.DoesNotContain(o.EventUuid!, text, StringComparison.Ordinal));
        using var json = JsonDocument.Parse(output);
        Assert.Equal(outcomes.Count(o => o.Released), json.RootElement.GetProperty("response").GetArrayLength());
    }

    [Fact]
    public void Filter_NearlyAllEventsWithheld_ListStillParses()
    {
        var input = FilterHarness.Capture("events_restSearch_json__admin.json");
        var context = FilterHarness.Context(FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.Clear, MemberRelation.ThirdParty, orgId: "99"));

        var (output, outcomes, _) = FilterHarness.Run(input, context);

        using var json = JsonDocument.Parse(output);
        var released = json.RootElement.GetProperty("response").EnumerateArray().Select(e => e.GetProperty("Event").GetProperty("uuid").GetString()).ToList();
        var withheld = outcomes.Where(o => !o.Released).Select(o => o.EventUuid).ToHashSet();
        using var original = JsonDocument.Parse(input);
        var expected = original.RootElement.GetProperty("response").EnumerateArray().Select(e => e.GetProperty("Event").GetProperty("uuid").GetString()).Where(uuid => !withheld.Contains(uuid)).ToList();
        Assert.True(withheld.Count > released.Count);
        Assert.Equal(expected, released);
        Assert.Equal(outcomes.Count(o => o.Released), released.Count);
    }

    [Fact]
    public void Filter_SingleEventWithheld_SignalsIt()
    {
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"id":"1","uuid":"11111111-0000-4000-8000-000000000001","Orgc":{"uuid":"{{{FilterHarness.OrgC}}}"},"Attribute":[],"Tag":[{"name":"tlp:red"}]}}""");

        var (_, _, singleWithheld) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        Assert.True(singleWithheld);
    }

    [Theory]
    [InlineData("""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":"tlp:clear"}],"Tag":[{"name":"tlp:red"}]}}""", "duplicate key")]
    // After the names of a first event are learned (NameGuesses), a second Tag written otherwise is still the same key.
    [InlineData("""{"response":[{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":"tlp:clear"}]}},{"Event":{"uuid":"11111111-0000-4000-8000-000000000002","Tag":[{"name":"tlp:clear"}],"T\u0061g":[{"name":"tlp:red"}]}}]}""", "duplicate key")]
    [InlineData("""{"response":[{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":"tlp:clear"}]}},{"Event":{"uuid":"11111111-0000-4000-8000-000000000002","Tag" :[{"name":"tlp:clear"}],"Tag":[{"name":"tlp:red"}]}}]}""", "duplicate key")]
    [InlineData("""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":"tlp:red"}]}""", "malformed")]
    [InlineData("""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":tlp:red}]}}""", "malformed")]
    [InlineData("""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":7}]}}""", "string name")]
    [InlineData("""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"colour":"#fff"}]}}""", "string name")]
    [InlineData("""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":{"name":"tlp:clear"}}}""", "not a list")]
    [InlineData("""<html>not json</html>""", "malformed")]
    [InlineData("""{"response":[{"Event":{"uuid":"11111111-0000-4000-8000-000000000001"}}]} trailing""", "after the end")]
    [InlineData("""{"response":[]} {"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":"tlp:red"}]}}""", "after the end")]
    [InlineData("", "empty")]
    [InlineData("""{"response":[],"sql_dump":{"log":[{"query":"SELECT * WHERE uuid = '9a5a8fbf-71a6-47b5-b84b-52e55399c2d2'"}]}}""", "beside")]
    [InlineData("""{"response":[],"count":12}""", "beside")]
    [InlineData("""{"response":[{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":"tlp:clear"}]}}],"response":[]}""", "second")]
    [InlineData("""{"response":{"Attribute":[]},"response":[]}""", "second")]
    [InlineData("""{"response":{"Attribute":[],"Attribute":[]}}""", "second")]
    [InlineData("""["9a5a8fbf-71a6-47b5-b84b-52e55399c2d2"]""", "not a record")]
    [InlineData("""[{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":"tlp:clear"}]}},12]""", "not a record")]
    [InlineData("""[null]""", "not a record")]
    [InlineData("""[["9a5a8fbf-71a6-47b5-b84b-52e55399c2d2"]]""", "not a record")]
    [InlineData("""{"response":["9a5a8fbf-71a6-47b5-b84b-52e55399c2d2"]}""", "not a record")]
    [InlineData("""{"response":{"0":"9a5a8fbf-71a6-47b5-b84b-52e55399c2d2"}}""", "not a record")]
    [InlineData("""{"sql_dump":{"log":[{"query":"SELECT * WHERE uuid = '9a5a8fbf-71a6-47b5-b84b-52e55399c2d2'","affected":1}]}}""", "unknown shape")]
    [InlineData("""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Tag":[{"name":"tlp:clear"}]},"sql_dump":{"log":[{"query":"SELECT 9a5a8fbf"}]}}""", "MISP data")]
    public void Filter_InputItCannotJudge_ThrowsAndWritesNothingOfTheEvent(string json, string reason)
    {
        var context = FilterHarness.Context(FilterHarness.Requester());

        // In small chunks, and in one chunk (what follows the document then arrives with it).
        foreach (var chunk in new[] { 5, 64 * 1024 })
        {
            var ex = Assert.ThrowsAny<Exception>(() => FilterHarness.Run(Encoding.UTF8.GetBytes(json), context, chunk: chunk));

            Assert.True(ex is FilterException, ex.ToString());
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"2\"", "\"1\"")]
    [InlineData("2", "1")]
    [InlineData("\"\\u0032\"", "\"1\"")]
    [InlineData("\"2.0\"", null)]
    [InlineData("2.0", null)]
    [InlineData("2e0", null)]
    [InlineData("\" 2\"", null)]
    [InlineData("\"2 \"", null)]
    [InlineData("-2", null)]
    [InlineData("null", null)]
    [InlineData("\"two\"", null)]
    public void Filter_AttributeCountOfAnEventWithRemovals_RecomputedOrTheAnswerEnds(string count, string? recomputed)
    {
        // MISP's count would tell how many attributes were removed: one the filter cannot read cannot be recomputed.
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","attribute_count":{{{count}}},"Attribute":[{"uuid":"11111111-0000-4000-8000-000000000002","value":"192.0.2.1"},{"uuid":"11111111-0000-4000-8000-000000000003","value":"192.0.2.2","Tag":[{"name":"tlp:red"}]}],"Tag":[{"name":"tlp:clear"}]}}""");
        var context = FilterHarness.Context(FilterHarness.Requester());

        if (recomputed is not null)
        {
            var (output, _, _) = FilterHarness.Run(input, context);
            Assert.Contains("\"attribute_count\":" + recomputed + ",", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
        }
        else
        {
            var ex = Assert.Throws<FilterException>(() => FilterHarness.Run(input, context));
            Assert.Contains("attribute_count", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(70_000, 0)]
    [InlineData(10, 70_000)]
    [InlineData(60_000, 4)]
    public void Filter_NameFarFromItsValue_Released(int nameLength, int spaces)
    {
        // A name is found back from its value when it is asked for, however far before it.
        var name = new string('n', nameLength);
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Attribute":[{"{{{name}}}":{{{new string(' ', spaces)}}}"x","value":"192.0.2.1"}],"Tag":[{"name":"tlp:clear"}]}}""");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        using var json = JsonDocument.Parse(output);
        Assert.Equal("x", json.RootElement.GetProperty("Event").GetProperty("Attribute")[0].GetProperty(name).GetString());
    }

    [Theory]
    [InlineData(70_000)]
    [InlineData(1)]
    public void ThirdParty_RemovedPropertyFarFromItsName_GoesWithItsName(int spaces)
    {
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","Orgc":{"id":"2","name":"Source","uuid":"22222222-0000-4000-8000-000000000002"},"event_creator_email":{{{new string(' ', spaces)}}}"someone@source.test","Tag":[{"name":"tlp:clear"}]}}""");
        var requester = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", relation: MemberRelation.ThirdParty, orgId: "99");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(requester));

        var evt = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal(["uuid", "info", "Orgc", "Tag"], evt.Select(p => p.Key));
        Assert.DoesNotContain("someone@source.test", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_RecordWithMoreNodesThanAPropertyCanName_EndsTheAnswer()
    {
        // A million scalars in a list the policy reads, then a list under a key: its node's number does not fit.
        var elements = string.Join(',', Enumerable.Repeat("1", Prop.MaxChildren + 1));
        var input = Encoding.UTF8.GetBytes("""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Attribute":[""" + elements + """],"Tag":[{"name":"tlp:clear"}]}}""");

        var ex = Assert.Throws<FilterException>(() => FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()), chunk: 65536));

        Assert.Contains("more values than the filter can record", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_LongStringInTinyChunks_WorkStaysLinear()
    {
        // An attachment's base64 arriving a few bytes at a time must not be tokenized again for every chunk.
        var data = new string('A', 1_000_000);
        var input = Encoding.UTF8.GetBytes($$$"""{"response":[{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Attribute":[{"type":"attachment","data":"{{{data}}}"}],"Tag":[{"name":"tlp:clear"}]}}]}""");
        var filter = new MispResponseFilter(FilterHarness.Context(FilterHarness.Requester()), 16 * 1024 * 1024, _ => { });
        var output = new ArrayBufferWriter<byte>();

        for (var offset = 0; offset < input.Length; offset += 7)
        {
            filter.Write(input.AsSpan(offset, Math.Min(7, input.Length - offset)), output);
        }

        filter.Complete(output);

        Assert.Equal(input, output.WrittenSpan.ToArray());
        Assert.InRange(filter.BytesExamined, input.Length, 4L * input.Length);
    }

    [Fact]
    public void Filter_EventLargerThanBound_Throws()
    {
        var big = new string('x', 100_000);
        var input = Encoding.UTF8.GetBytes($$$"""{"response":[{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","info":"{{{big}}}","Tag":[{"name":"tlp:clear"}]}}]}""");

        var ex = Assert.Throws<FilterException>(() => FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()), chunk: 4096, maxEventBytes: 10_000));

        Assert.Contains("larger than the configured bound", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_DeepNesting_Throws()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200));
        var input = Encoding.UTF8.GetBytes($$$"""{"response":[{"Event":{"uuid":"1","x":{{{deep}}},"Tag":[{"name":"tlp:clear"}]}}]}""");

        Assert.Throws<FilterException>(() => FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester())));
    }

    [Fact]
    public void Filter_UnicodeEscapedRedTag_StillRed()
    {
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"11111111-0000-4000-8000-000000000001","Orgc":{"uuid":"{{{FilterHarness.OrgC}}}"},"Attribute":[],"Tag":[{"name":" TLP:\u0052ed "}]}}""");

        var (output, _, singleWithheld) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpLevel.AmberStrict)));

        Assert.True(singleWithheld);
        Assert.DoesNotContain("11111111", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_ObjectLeftWithoutAttributes_RemovedWithItsReferences()
    {
        var input = Encoding.UTF8.GetBytes($$$"""
            {"Event":{"uuid":"e1","attribute_count":"3","Orgc":{"uuid":"{{{FilterHarness.OrgC}}}"},
              "Attribute":[{"uuid":"a1","value":"keep.example","Tag":[{"name":"tlp:green"}]}],
              "Object":[
                {"uuid":"o1","Attribute":[{"uuid":"a2","value":"secret.example","Tag":[{"name":"tlp:red"}]}],"ObjectReference":[]},
                {"uuid":"o2","Attribute":[{"uuid":"a3","value":"fine.example"}],"ObjectReference":[{"referenced_uuid":"o1"},{"referenced_uuid":"a1"}]}],
              "EventReport":[{"uuid":"r1","content":"see secret.example"},{"uuid":"r2","content":"nothing to hide"}],
              "Tag":[{"name":"tlp:green"}]}}
            """);

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        var evt = JsonNode.Parse(output)!["Event"]!;
        Assert.Equal("2", (string?)evt["attribute_count"]);
        Assert.Equal(["o2"], evt["Object"]!.AsArray().Select(o => (string?)o!["uuid"]));
        Assert.Equal(["a1"], evt["Object"]![0]!["ObjectReference"]!.AsArray().Select(r => (string?)r!["referenced_uuid"]));
        Assert.Equal(["r2"], evt["EventReport"]!.AsArray().Select(r => (string?)r!["uuid"]));
        Assert.DoesNotContain("secret.example", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
        Assert.Equal(1, outcomes.Single().AttributesRemoved);
    }

    [Fact]
    public void Filter_ProtectedEventRulesWouldChange_Withheld()
    {
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"e1","protected":true,"Orgc":{"uuid":"{{{FilterHarness.OrgC}}}"},"Attribute":[{"uuid":"a1","value":"x","Tag":[{"name":"tlp:red"}]}],"Tag":[{"name":"tlp:green"}]}}""");

        var (_, outcomes, singleWithheld) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        Assert.True(singleWithheld);
        Assert.Equal("protected-would-change", outcomes.Single().Reason);
    }

    [Fact]
    public void Filter_UntaggedEventWithoutTagKey_GetsTagKeyWithDefaultTags()
    {
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"e1","Orgc":{"uuid":"{{{FilterHarness.OrgD}}}"},"Attribute":[]}}""");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        var tags = JsonNode.Parse(output)!["Event"]!["Tag"]!.AsArray();
        Assert.Equal(["tlp:amber", "tlp:ex:chr"], tags.Select(t => (string?)t!["name"]));
        Assert.Equal(true, (bool?)tags[0]!["exportable"]);
        Assert.Equal(false, (bool?)tags[0]!["local"]);
    }

    [Fact]
    public void Filter_UntaggedEventWithTagNull_TagKeyHoldsDefaultTagsOnce()
    {
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"e1","Orgc":{"uuid":"{{{FilterHarness.OrgD}}}"},"Tag":null,"Attribute":[]}}""");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        // One Tag key: a client reading the first of two would see no marking (System.Text.Json refuses both).
        var evt = JsonNode.Parse(output, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false })!["Event"]!;
        Assert.Equal(["tlp:amber", "tlp:ex:chr"], evt["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
        Assert.Equal(1, Encoding.UTF8.GetString(output).Split("\"Tag\"").Length - 1);
    }

    [Fact]
    public void Filter_ExcludeLocalTags_StripsLocalTagsAfterJudging()
    {
        var input = Encoding.UTF8.GetBytes($$$"""{"Event":{"uuid":"e1","Orgc":{"uuid":"{{{FilterHarness.OrgD}}}"},"Attribute":[],"Tag":[{"name":"tlp:green","local":false},{"name":"workflow:todo","local":true}]}}""");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester(), excludeLocalTags: true));

        Assert.Equal(["tlp:green"], JsonNode.Parse(output)!["Event"]!["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }

    [Fact]
    public void Filter_IndexRowsForSync_MinimalShapeOnlyEntitled()
    {
        var input = FilterHarness.Capture("events_index__admin.json");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgB, TlpLevel.Amber, sync: true, orgId: "2"), minimal: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, chunk: 100);

        using var json = JsonDocument.Parse(output);
        var uuids = json.RootElement.EnumerateArray().Select(r => r.GetProperty("uuid").GetString()).ToList();
        var withheld = outcomes.Where(o => !o.Released).Select(o => o.EventUuid).ToHashSet();
        using var rows = JsonDocument.Parse(input);
        Assert.Equal(rows.RootElement.EnumerateArray().Select(r => r.GetProperty("uuid").GetString()).Where(uuid => !withheld.Contains(uuid)), uuids);
        Assert.DoesNotContain(outcomes, o => o.Released && o.Tlp == TlpLevel.Red);
        Assert.All(outcomes.Where(o => !o.Released), o => Assert.DoesNotContain(o.EventUuid!, Encoding.UTF8.GetString(output), StringComparison.Ordinal));
    }

    public static TheoryData<string, string> AnswersCountingAttributesTheyDoNotHold() => new()
    {
        // An index row, and an event of a metadata search: MISP counts attributes the answer does not hold.
        { "index row", """[{"id":"4","uuid":"11111111-0000-4000-8000-000000000001","info":"x","attribute_count":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"ORGC"},"EventTag":[{"Tag":{"name":"tlp:clear"}}]}]""" },
        { "metadata event", """{"response":[{"Event":{"id":"4","uuid":"11111111-0000-4000-8000-000000000001","info":"x","attribute_count":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"ORGC"},"Tag":[{"name":"tlp:clear"}]}}]}""" },
        { "attribute row's event", """{"response":{"Attribute":[{"id":"9","event_id":"4","uuid":"11111111-0000-4000-8000-000000000002","value":"192.0.2.1","Event":{"id":"4","orgc_id":"3","uuid":"11111111-0000-4000-8000-000000000001","info":"x","attribute_count":"3","Tag":[{"name":"tlp:clear"}]},"Tag":[{"name":"tlp:clear","inherited":1}]}]}}""" },
    };

    [Theory]
    [MemberData(nameof(AnswersCountingAttributesTheyDoNotHold))]
    public void Filter_AttributeCountOfAttributesNotInTheAnswer_ToldOnlyToTheSource(string what, string json)
    {
        // A TLP:RED attribute among the three is one the requester may not receive: MISP's count would tell it exists.
        var input = Encoding.UTF8.GetBytes(json.Replace("ORGC", FilterHarness.OrgC, StringComparison.Ordinal));
        var other = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber, orgId: "4");
        var source = FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3");

        var (toOther, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(other), chunk: 9);
        var (toSource, _, _) = FilterHarness.Run(input, FilterHarness.Context(source), chunk: 9);

        Assert.True(outcomes.All(o => o.Released), what);
        Assert.DoesNotContain("attribute_count", Encoding.UTF8.GetString(toOther), StringComparison.Ordinal);
        Assert.NotNull(JsonNode.Parse(toOther));
        Assert.Contains("\"attribute_count\":\"3\"", Encoding.UTF8.GetString(toSource), StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_AttributeCountZeroInAnIndexRow_Kept()
    {
        var input = Encoding.UTF8.GetBytes($$$"""[{"id":"4","uuid":"11111111-0000-4000-8000-000000000001","info":"x","attribute_count":"0","Orgc":{"uuid":"{{{FilterHarness.OrgC}}}"},"EventTag":[{"Tag":{"name":"tlp:clear"}}]}]""");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Contains("\"attribute_count\":\"0\"", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_ProposalsAndSightingsWithoutEventTags_Withheld()
    {
        var proposals = FilterHarness.Capture("shadow_attributes_index_all__admin.json");

        var (output, outcomes, _) = FilterHarness.Run(proposals, FilterHarness.Context(FilterHarness.Requester()));

        Assert.All(outcomes, o => Assert.False(o.Released));
        Assert.Empty(JsonDocument.Parse(output).RootElement.EnumerateArray());
    }

    [Theory]
    [InlineData("""{"response":[{"Evnt":{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","Attribute":[],"Tag":[{"name":"tlp:red"}]}}]}""")]
    [InlineData("""{"Evnt":{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","Tag":[{"name":"tlp:red"}]}}""")]
    [InlineData("""[{"wrapper":[{"deeper":{"Event":{"uuid":"11111111-0000-4000-8000-000000000001"}}}]}]""")]
    [InlineData("""{"Event":[{"uuid":"11111111-0000-4000-8000-000000000001","info":"x","Attribute":[]}]}""")]
    [InlineData("""{"response":{"Attribute":[[{"uuid":"11111111-0000-4000-8000-000000000001","Event":{"orgc_id":"3"}}]]}}""")]
    public void Filter_MispDataUnderUnknownKey_EndsTheAnswer(string json)
    {
        // Found by the fuzzer: one changed byte in "Event" must not let the event through as unknown data.
        var output = new ArrayBufferWriter<byte>();
        var filter = new MispResponseFilter(FilterHarness.Context(FilterHarness.Requester()), 1 << 20, _ => { });

        Assert.Throws<FilterException>(() =>
        {
            filter.Write(Encoding.UTF8.GetBytes(json), output);
            filter.Complete(output);
        });
        Assert.DoesNotContain("11111111", Encoding.UTF8.GetString(output.WrittenSpan), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa","93609343-d094-4903-bb82-4fba52a1838f"]""")]
    [InlineData("""[]""")]
    [InlineData("""{"success":true,"message":"Proposal(s) added","counter":1}""")]
    public void Filter_MetadataAnswerOfUuidsOrScalars_PassesByteForByte(string json)
    {
        // A pushing MISP server's negotiation: which of its UUIDs the hub lacks.
        var context = new FilterContext { Requester = FilterHarness.Requester(sync: true), Community = FilterHarness.Community, MetadataOnly = true };
        var input = Encoding.UTF8.GetBytes(json);

        var (output, _, _) = FilterHarness.Run(input, context, chunk: 7);

        Assert.Equal(input, output);
    }

    [Fact]
    public void Filter_NonEventJson_PassesByteForByte()
    {
        var input = FilterHarness.Capture("users_view_me__orgC.json");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester()), chunk: 13);

        Assert.Equal(input, output);
    }
}

public sealed class EventRowLookupTests
{
    private const string E1 = "1bfc1897-b375-497c-9f02-b164e32bc94a";
    private const string RedAttribute = "e9aad5e7-6c6c-492e-b985-1fa6814d25ac";

    [Fact]
    public void Proposals_EventReceivable_OnlyThoseOnWithheldAttributesRemoved()
    {
        var input = FilterHarness.Capture("shadow_attributes_index_all__admin.json");
        var lookups = new List<string>();
        var context = FilterHarness.Context(FilterHarness.Requester(), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, chunk: 64, lookup: uuid =>
        {
            lookups.Add(uuid);
            return new EventAccess(true, FilterHarness.OrgC, "4", false, [RedAttribute]);
        });

        Assert.Equal([E1], lookups.Distinct());
        Assert.Contains(outcomes, o => o.Released);
        Assert.Contains(outcomes, o => !o.Released && o.Reason == "concerns-withheld-item");
        var text = System.Text.Encoding.UTF8.GetString(output);
        Assert.DoesNotContain(RedAttribute, text, StringComparison.Ordinal);
        using var parsed = System.Text.Json.JsonDocument.Parse(output);
    }

    [Fact]
    public void Sightings_EventNotReceivable_AllWithheld()
    {
        var input = FilterHarness.Capture("sightings_restSearch_event__orgC.json");
        var context = FilterHarness.Context(FilterHarness.Requester(), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, lookup: _ => EventAccess.Withheld);

        Assert.NotEmpty(outcomes);
        Assert.All(outcomes, o => Assert.False(o.Released));
        Assert.Empty(System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("response").EnumerateArray());
    }

    [Fact]
    public void Sightings_SourceHidden_LoseOrganisationAndSource()
    {
        var input = FilterHarness.Capture("sightings_restSearch_event__orgC.json");
        var context = FilterHarness.Context(FilterHarness.Requester(), lookups: true);

        var (output, outcomes, _) = FilterHarness.Run(input, context, lookup: _ => new EventAccess(true, FilterHarness.OrgC, "4", true, []));

        Assert.Contains(outcomes, o => o.Released);
        var text = System.Text.Encoding.UTF8.GetString(output);
        Assert.DoesNotContain("Organisation", text, StringComparison.Ordinal);
        Assert.DoesNotContain(FilterHarness.OrgC, text, StringComparison.Ordinal);
    }
}

public sealed class RecordSinkTests
{
    private sealed class Collect : IRecordSink
    {
        public List<(UnitOutcome Outcome, string Record)> Records { get; } = [];

        public void Write(in UnitOutcome outcome, ReadOnlySpan<byte> record) => Records.Add((outcome, System.Text.Encoding.UTF8.GetString(record)));
    }

    [Fact]
    public void Sink_RestSearchAnswer_GetsEachReleasedRecordAsTheAnswerWouldHoldIt()
    {
        var input = FilterHarness.Capture("events_restSearch_json__admin.json");
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, orgId: "4"));
        var (whole, _, _) = FilterHarness.Run(input, context);
        var sink = new Collect();
        var outcomes = new List<UnitOutcome>();
        var filter = new MispResponseFilter(context, 1 << 24, outcomes.Add, sink);
        var envelope = new ArrayBufferWriter<byte>();

        filter.Write(input, envelope);
        filter.Complete(envelope);

        var released = System.Text.Json.Nodes.JsonNode.Parse(whole)!["response"]!.AsArray();
        Assert.Equal(released.Count, sink.Records.Count);
        Assert.Equal(outcomes.Count(o => o.Released), sink.Records.Count);
        for (var i = 0; i < released.Count; i++)
        {
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(released[i], System.Text.Json.Nodes.JsonNode.Parse(sink.Records[i].Record)));
        }
    }
}
