using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Members;
using TlpGateway.Filtering;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// Release only what is understood (issue "positive model", classes 5-7): every shape MISP writes a
/// list in is read as one, tags are read in every shape they come in, and anything else that could
/// carry MISP data ends the answer.
/// </summary>
public sealed class ShapeStrictnessTests
{
    private const string Red = "11111111-0000-4000-8000-00000000aaaa";
    private const string Clear = "11111111-0000-4000-8000-00000000bbbb";

    internal static string Attribute(string uuid, string tags = "", string extra = "") =>
        $$"""{"id":"1","uuid":"{{uuid}}","type":"ip-dst","category":"Network activity","value":"value-{{uuid[^4..]}}","distribution":"5"{{extra}}{{(tags.Length > 0 ? ",\"Tag\":" + tags : "")}}}""";

    internal static string Event(string body, string tags = """[{"name":"tlp:clear"}]""", string orgc = FilterHarness.OrgC) =>
        $$$"""{"Event":{"id":"4","uuid":"eeeeeeee-0000-4000-8000-000000000004","info":"x","distribution":"3","attribute_count":"2","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{orgc}}}"}{{{body}}},"Tag":{{{tags}}}}}""";

    internal static (string Output, List<UnitOutcome> Outcomes) Run(string json, TlpGateway.Admission.Requester? requester = null, int chunk = 4096)
    {
        var (output, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), FilterHarness.Context(requester ?? FilterHarness.Requester()), chunk);
        return (Encoding.UTF8.GetString(output), outcomes);
    }

    internal static FilterException Fails(string json, TlpGateway.Admission.Requester? requester = null) => Fails(Encoding.UTF8.GetBytes(json), requester);

    internal static FilterException Fails(byte[] json, TlpGateway.Admission.Requester? requester = null)
    {
        var output = new ArrayBufferWriter<byte>();
        var filter = new MispResponseFilter(FilterHarness.Context(requester ?? FilterHarness.Requester()), 1 << 20, _ => { });
        var failure = Assert.Throws<FilterException>(() =>
        {
            filter.Write(json, output);
            filter.Complete(output);
        });
        Assert.Empty(output.WrittenSpan.ToArray());
        return failure;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void AttributesAsPhpObjectList_JudgedLikeAList(int chunk)
    {
        var json = Event($$""","Attribute":{"0":{{Attribute(Clear)}},"2":{{Attribute(Red, """[{"name":"tlp:red"}]""")}}}""");

        var (output, outcomes) = Run(json, chunk: chunk);

        Assert.DoesNotContain(Red, output, StringComparison.Ordinal);
        Assert.Contains(Clear, output, StringComparison.Ordinal);
        var attributes = JsonNode.Parse(output)!["Event"]!["Attribute"]!.AsObject();
        Assert.Single(attributes);
        Assert.Equal("1", (string?)JsonNode.Parse(output)!["Event"]!["attribute_count"]);
        Assert.Equal(1, Assert.Single(outcomes).AttributesRemoved);
    }

    [Fact]
    public void ObjectsAndTheirAttributesAsPhpObjectLists_Judged()
    {
        var red = Attribute(Red, """[{"name":"tlp:red"}]""");
        var json = Event($$$""","Object":{"1":{"uuid":"cccccccc-0000-4000-8000-000000000001","name":"file","distribution":"5","Attribute":{"3":{{{red}}}}},"4":{"uuid":"cccccccc-0000-4000-8000-000000000002","name":"file","Attribute":[{{{Attribute(Clear)}}}]}}""");

        var (output, _) = Run(json);

        Assert.DoesNotContain(Red, output, StringComparison.Ordinal);
        Assert.DoesNotContain("cccccccc-0000-4000-8000-000000000001", output, StringComparison.Ordinal);
        Assert.Contains("cccccccc-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
        Assert.NotNull(JsonNode.Parse(output));
    }

    [Fact]
    public void TagsAsPhpObjectList_ReadAsTheEventsTags()
    {
        var (output, outcomes) = Run(Event(string.Empty, tags: """{"0":{"name":"tlp:green"},"3":{"name":"tlp:red"}}"""));

        Assert.Empty(output);
        Assert.Equal("tlp-red", Assert.Single(outcomes).Reason);
    }

    [Theory]
    [InlineData("\"tlp:red\"")]
    [InlineData("""{"name":"tlp:red"}""")]
    [InlineData("""[{"name":["tlp:red"]}]""")]
    [InlineData("""[{"name":null}]""")]
    [InlineData("""["tlp:red"]""")]
    [InlineData("7")]
    public void TagsInAShapeMispDoesNotWrite_EndTheAnswer(string tags)
    {
        Fails(Event(string.Empty, tags: tags));
    }

    [Fact]
    public void EventTagLinksInAnEvent_AreItsTags()
    {
        var json = """{"Event":{"uuid":"eeeeeeee-0000-4000-8000-000000000004","info":"x","Orgc":{"uuid":"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390"},"EventTag":[{"Tag":{"name":"tlp:clear"}},{"Tag":{"name":"TLP:RED"}}]}}""";

        var (output, outcomes) = Run(json);

        Assert.Empty(output);
        Assert.Equal("tlp-red", Assert.Single(outcomes).Reason);
    }

    [Fact]
    public void AttributeTagLinks_AreTheAttributesTags()
    {
        var json = Event($$""","Attribute":[{{Attribute(Clear)}},{{Attribute(Red, extra: ""","AttributeTag":[{"Tag":{"name":"tlp:red"}}]""")}}]""");

        var (output, _) = Run(json);

        Assert.DoesNotContain(Red, output, StringComparison.Ordinal);
        Assert.Contains(Clear, output, StringComparison.Ordinal);
    }

    [Fact]
    public void EventReportTags_CountLikeAttributeTags()
    {
        var json = Event(""","EventReport":[{"uuid":"dddddddd-0000-4000-8000-000000000001","name":"r","content":"c","distribution":"5","Tag":[{"name":"tlp:red"}]},{"uuid":"dddddddd-0000-4000-8000-000000000002","name":"r","content":"c","distribution":"5"}]""");

        var (output, outcomes) = Run(json);

        Assert.DoesNotContain("dddddddd-0000-4000-8000-000000000001", output, StringComparison.Ordinal);
        Assert.Contains("dddddddd-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
        Assert.Contains(Assert.Single(outcomes).Removals, r => r is { Kind: "event-report", Reason: "tlp-red" });
    }

    [Theory]
    [InlineData(""","Extra":{"Attribute":[{"value":"x"}]}""")]
    [InlineData(""","tag":{"Tag":[{"name":"tlp:red"}]}""")]
    [InlineData(""","Sightings":[{"Organisation":{"name":"ORG_C"}}]""")]
    public void MispDataUnderAnUndescribedName_EndsTheAnswer(string extra)
    {
        Fails(Event($$""","Attribute":[{{Attribute(Clear, extra: extra)}}]"""));
        Fails(Event(extra));
    }

    [Fact]
    public void UserAccount_WithItsOrganisation_PassesAsTheRequestersOwn()
    {
        var json = FilterHarness.Capture("users_view_me__orgC.json");

        var (output, _, _) = FilterHarness.Run(json, FilterHarness.Context(FilterHarness.Requester()));

        Assert.Equal(json, output);
    }

    [Theory]
    [InlineData(""","Event":{"uuid":"eeeeeeee-0000-4000-8000-000000000005","info":"secret","Orgc":{"uuid":"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390"},"Tag":[{"name":"tlp:red"}]}""")]
    [InlineData(""","RelatedEvent":[{"Event":{"uuid":"eeeeeeee-0000-4000-8000-000000000005","info":"secret"}}]""")]
    [InlineData(""","Orgc":{"name":"ORG_C","uuid":"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390"}""")]
    [InlineData(",\"info\":\"secret\",\"orgc_uuid\":\"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390\"")]
    public void UserAccount_MispDataBesideIt_EndsTheAnswer(string beside)
    {
        // Only the account and its own organisation are the requester's: anything else beside them is unjudged data.
        Fails("""{"User":{"id":"4","email":"user@example.test","org_id":"4"},"Organisation":{"id":"4","name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"}""" + beside + "}");
    }

    [Theory]
    [InlineData(""","distribution":{"x":1}""")]
    [InlineData(",\"distribution\":\"everyone\"")]
    [InlineData(",\"Org\":\"ORG_C\"")]
    [InlineData(""","SharingGroup":["x"]""")]
    [InlineData(""","protected":{"signed":true}""")]
    [InlineData(",\"Attribute\":\"1.2.3.4\"")]
    [InlineData(""","Attribute":{"x":{"value":"1"}}""")]
    [InlineData(""","Attribute":[1]""")]
    [InlineData(""","uuid":["x"]""")]
    public void AKeyThePolicyReadsWithAnUnexpectedType_EndsTheAnswer(string property)
    {
        Fails($$$"""{"Event":{"info":"x","Orgc":{"uuid":"{{{FilterHarness.OrgD}}}"}{{{property}}},"Tag":[]}}""");
    }

    [Fact]
    public void BlocksBesideTheEventHoldingMispData_EndTheAnswer()
    {
        Fails(Event(string.Empty)[..^1] + $$$""","Attribute":[{{{Attribute(Red)}}}]}""");
        Fails(Event(string.Empty)[..^1] + ",\"More\":{\"Event\":{\"uuid\":\"" + Red + "\"}}}");
    }

    [Fact]
    public void CorrelationsAsPhpObjectList_Judged()
    {
        var json = Event(""","RelatedEvent":{"0":{"Event":{"id":"9","uuid":"99999999-0000-4000-8000-000000000009","info":"secret","Orgc":{"name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"}}}}""");

        var (output, _) = Run(json);

        Assert.DoesNotContain("99999999", output, StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(output)!["Event"]!["RelatedEvent"]!.AsArray());
    }

    [Fact]
    public void InvalidUtf8_EndsTheAnswer()
    {
        var json = Encoding.UTF8.GetBytes(Event($$""","Attribute":[{{Attribute(Clear)}}]"""));
        var at = Encoding.UTF8.GetString(json).IndexOf("value-", StringComparison.Ordinal);
        json[at] = 0xFF;

        Assert.Contains("UTF-8", Fails(json).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TagNameWithABrokenByte_EndsTheAnswerRatherThanReadingAsUnknown()
    {
        var json = Encoding.UTF8.GetBytes(Event(string.Empty, tags: """[{"name":"tlp:red?"}]"""));
        json[Encoding.UTF8.GetString(json).IndexOf("red?", StringComparison.Ordinal) + 3] = 0xC3;

        Fails(json);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MultiByteCharactersCutByChunks_PassWhole(int chunk)
    {
        var json = Event($$""","Attribute":[{{Attribute(Clear, extra: ",\"comment\":\"日本語 \u200d é\"")}}]""");

        var (output, _) = Run(json, chunk: chunk);

        Assert.Contains("日本語 \u200d é", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("\"an answer\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void ABareJsonValueInPlaceOfAnAnswer_EndsIt(string json)
    {
        Fails(json);
    }

    [Theory]
    [InlineData("\"tlp:red\\u200b\"")]
    [InlineData("\"tlp:red\\u0000\"")]
    [InlineData("\"\\uff54\\uff4c\\uff50\\uff1a\\uff52\\uff45\\uff44\"")]
    [InlineData("\" TLP:Red \"")]
    [InlineData("\"tlp:\\u0072ed\"")]
    [InlineData("\"tlp :red\"")]
    [InlineData("\"TLP : RED\"")]
    [InlineData("\"tlp:\\u3000r ed\"")]
    [InlineData("\"TLP-RED\"")]
    [InlineData("\"tlp\\u2236red\"")]
    public void RedTagInAnySpelling_WithheldFromAmberMember(string name)
    {
        var (output, outcomes) = Run(Event(string.Empty, tags: $$"""[{"name":{{name}}}]"""));

        Assert.Empty(output);
        Assert.Equal("tlp-red", Assert.Single(outcomes).Reason);
        Assert.Equal(TlpLevel.Red, outcomes[0].Tlp);
    }
}

public sealed class MetadataAnswerTests
{
    [Theory]
    [InlineData("""{"version":"2.5.1","perm_sync":false}""", true)]
    [InlineData("""{"version":"2.5.1","Event":{"uuid":"x","info":"y","Tag":[]}}""", false)]
    [InlineData("""[{"Attribute":{"uuid":"x","value":"1.2.3.4"}}]""", false)]
    public void MetadataEndpoint_OnlyAnswersWithoutMispDataPass(string json, bool passes)
    {
        var context = new FilterContext { Requester = FilterHarness.Requester(), Community = FilterHarness.Community, MetadataOnly = true };
        var filter = new MispResponseFilter(context, 1 << 20, _ => { });
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        void Run()
        {
            filter.Write(System.Text.Encoding.UTF8.GetBytes(json), output);
            filter.Complete(output);
        }

        if (passes)
        {
            Run();
            Assert.Equal(json, System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
        }
        else
        {
            Assert.Throws<FilterException>(Run);
        }
    }
}

/// <summary>The shapes are MISP's own: every answer a real MISP 2.5.1 gave passes the strict filter for every kind of requester.</summary>
public sealed class RealAnswersTests
{
    public static TheoryData<string, string, bool> RealAnswers()
    {
        var data = new TheoryData<string, string, bool>();
        var directory = Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1");
        foreach (var file in Directory.GetFiles(directory, "*.json").Order())
        {
            var name = Path.GetFileName(file);
            data.Add(name, File.ReadAllText(file), name.StartsWith("servers_", StringComparison.Ordinal) || name.StartsWith("users_", StringComparison.Ordinal));
        }

        foreach (var line in File.ReadLines(Path.Combine(directory, "sync-trace.jsonl")))
        {
            using var exchange = System.Text.Json.JsonDocument.Parse(line);
            var root = exchange.RootElement;
            if (root.GetProperty("response_body").GetString() is { Length: > 0 } body && body.TrimStart()[0] is '{' or '[')
            {
                // Judged as the gateway judges it: as the answer of the endpoint it came from.
                var route = TlpGateway.Requests.MispRoute.Parse(root.GetProperty("path").GetString()!, root.GetProperty("method").GetString()!)!;
                var metadata = TlpGateway.Endpoints.EndpointCatalog.Find(route)!.Answer == TlpGateway.Endpoints.AnswerKind.Metadata;
                data.Add("sync-trace seq " + root.GetProperty("seq").GetInt32(), body, metadata);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RealAnswers))]
    public void RealMispAnswer_EveryRequesterKind_JudgedWithoutEndingTheAnswer(string name, string json, bool metadata)
    {
        TlpGateway.Admission.Requester[] requesters =
        [
            FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"),
            FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, orgId: "4"),
            FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, MemberRelation.ThirdParty, orgId: "4"),
            FilterHarness.Requester(FilterHarness.OrgB, TlpLevel.Amber, sync: true, orgId: "2"),
            FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber, email: "analyst@org-d.test", orgId: "4", redRecipients: ["analyst@org-d.test"]),
        ];
        foreach (var requester in requesters)
        {
            var context = FilterHarness.Context(requester, lookups: true);
            if (metadata)
            {
                context = new FilterContext { Requester = requester, Community = context.Community, KnownEvents = context.KnownEvents, MetadataOnly = true };
            }

            var (output, _, withheld) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), context, lookup: _ => EventAccess.Withheld);
            Assert.True(withheld || output.Length > 0, name);
        }
    }
}
