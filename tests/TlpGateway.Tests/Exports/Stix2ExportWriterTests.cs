using System.Text;
using System.Text.Json;
using TlpGateway.Exports;
using TlpGateway.Members;
using TlpGateway.Requests;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Exports;

/// <summary>The STIX 2.1 bundle of released data, checked against the OASIS STIX 2.1 JSON schemas.</summary>
public sealed class Stix2ExportWriterTests
{
    private static readonly ExportRequest Stix = ExportHarness.Request(ExportFormat.Stix2);

    [Fact]
    public void Filtered_RealAnswerForAMember_ValidBundleOfIdentitiesIndicatorsReportsAndTheirMarkings()
    {
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"));

        using var bundle = JsonDocument.Parse(ExportHarness.Filtered(FilterHarness.Capture("events_restSearch_json__orgC.json"), context, Stix));

        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        var objects = Objects(bundle);
        var ids = objects.Select(o => o.GetProperty("id").GetString()).ToHashSet();
        Assert.Equal(ids.Count, objects.Count);

        // ORG_C's own TLP:CLEAR event 4: its indicators by attribute UUID, under a report by event UUID, created by ORG_C.
        var indicator = objects.Single(o => o.GetProperty("id").GetString() == "indicator--bce90176-e5d7-4cb4-b433-e6dc2785e6e8");
        Assert.Equal("[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.23']", indicator.GetProperty("pattern").GetString());
        Assert.Equal("stix", indicator.GetProperty("pattern_type").GetString());
        Assert.Equal("2026-11-22T10:15:33.000Z", indicator.GetProperty("valid_from").GetString());
        Assert.Equal("identity--" + FilterHarness.OrgC, indicator.GetProperty("created_by_ref").GetString());
        Assert.Equal([TlpMarkingDefinitions.Id(TlpLevel.Green)], Refs(indicator, "object_marking_refs"));
        var report = objects.Single(o => o.GetProperty("id").GetString() == "report--1bfc1897-b375-497c-9f02-b164e32bc94a");
        Assert.Contains("indicator--bce90176-e5d7-4cb4-b433-e6dc2785e6e8", Refs(report, "object_refs"));
        Assert.Equal([TlpMarkingDefinitions.Id(TlpLevel.Clear)], Refs(report, "object_marking_refs"));

        // Every reference names an object of the bundle: identities, marking definitions, indicators.
        foreach (var obj in objects)
        {
            var named = Refs(obj, "object_marking_refs").Concat(Refs(obj, "object_refs"));
            if (obj.TryGetProperty("created_by_ref", out var creator))
            {
                named = named.Append(creator.GetString()!);
            }

            Assert.All(named, id => Assert.Contains(id, ids));
        }
    }

    [Fact]
    public void Filtered_ThirdParty_TheSourcesNameAndUuidAppearNowhereTheForwarderIsTheIdentity()
    {
        var third = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.Green, MemberRelation.ThirdParty, orgId: "99");

        var text = ExportHarness.Filtered(FilterHarness.Capture("events_restSearch_json__orgC.json"), FilterHarness.Context(third), Stix);

        using var bundle = JsonDocument.Parse(text);
        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        foreach (var hidden in new[] { "ORG_A", "ORG_B", "ORG_C", "ORG_D", FilterHarness.OrgA, FilterHarness.OrgB, FilterHarness.OrgC, FilterHarness.OrgD, "org-c.test", "org-d.test" })
        {
            Assert.DoesNotContain(hidden, text, StringComparison.OrdinalIgnoreCase);
        }

        var identity = Assert.Single(Objects(bundle), o => o.GetProperty("type").GetString() == "identity");
        Assert.Equal("identity--" + FilterHarness.Community.Forwarder.Uuid, identity.GetProperty("id").GetString());
        Assert.Equal(FilterHarness.Community.Forwarder.Name, identity.GetProperty("name").GetString());
        Assert.Contains(Objects(bundle), o => o.GetProperty("type").GetString() == "indicator");
    }

    [Fact]
    public void Filtered_RedAttributeRemovedAndAmberAttribute_OnlyTheReleasedOneAsIndicatorMarkedAmber()
    {
        var answer = Encoding.UTF8.GetBytes($$$"""
            {"response":[{"Event":{"id":"5","uuid":"4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa","info":"green event","published":true,"publish_timestamp":"1795342545","timestamp":"1795342533","distribution":"3",
             "Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},
             "Attribute":[{"id":"1","uuid":"aaaaaaaa-0000-4000-8000-000000000001","type":"domain","category":"Network activity","value":"amber.example","to_ids":true,"timestamp":"1795342533","distribution":"5","Tag":[{"name":"tlp:amber"}]},
                          {"id":"2","uuid":"aaaaaaaa-0000-4000-8000-000000000002","type":"domain","category":"Network activity","value":"red.example","to_ids":true,"timestamp":"1795342533","distribution":"5","Tag":[{"name":"tlp:red"}]}],
             "Object":[],"Tag":[{"name":"tlp:green"}]}}]}
            """);

        var text = ExportHarness.Filtered(answer, FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber)), Stix);

        using var bundle = JsonDocument.Parse(text);
        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        Assert.DoesNotContain("red.example", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aaaaaaaa-0000-4000-8000-000000000002", text, StringComparison.Ordinal);
        var indicator = Assert.Single(Objects(bundle), o => o.GetProperty("type").GetString() == "indicator");
        Assert.Equal([TlpMarkingDefinitions.Id(TlpLevel.Amber)], Refs(indicator, "object_marking_refs"));
        var report = Assert.Single(Objects(bundle), o => o.GetProperty("type").GetString() == "report");
        Assert.Equal("2026-11-22T10:15:45.000Z", report.GetProperty("published").GetString());
        Assert.Equal([TlpMarkingDefinitions.Id(TlpLevel.Green)], Refs(report, "object_marking_refs"));
        var markings = Objects(bundle).Where(o => o.GetProperty("type").GetString() == "marking-definition").Select(o => o.GetProperty("name").GetString()).Order();
        Assert.Equal(["TLP:AMBER", "TLP:GREEN"], markings);
    }

    [Theory]
    [InlineData("""{"name":"tlp:red","local":true}""", true)]
    [InlineData("""{"name":"tlp:red","inherited":true}""", false)]
    public void Filtered_AttributeJudgedRedWhoseTagDoesNotLeave_IndicatorMarkedAsJudgedRed(string tag, bool excludeLocalTags)
    {
        // A local tag the client asked MISP to leave out is stripped after the judgement; a tag marked inherited counts in an event as the attribute's own.
        var answer = Encoding.UTF8.GetBytes($$$"""
            {"response":[{"Event":{"id":"5","uuid":"4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa","info":"green event","published":true,"publish_timestamp":"1795342545","timestamp":"1795342533","distribution":"3",
             "Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},
             "Attribute":[{"id":"1","uuid":"aaaaaaaa-0000-4000-8000-000000000001","type":"domain","category":"Network activity","value":"green.example","to_ids":true,"timestamp":"1795342533","distribution":"5"}],
             "Object":[{"id":"7","uuid":"bbbbbbbb-0000-4000-8000-000000000007","name":"domain-ip","meta-category":"network","distribution":"5",
               "Attribute":[{"id":"2","uuid":"aaaaaaaa-0000-4000-8000-000000000002","type":"domain","category":"Network activity","value":"red.example","to_ids":true,"timestamp":"1795342533","distribution":"5","Tag":[{{{tag}}}]}]}],
             "Tag":[{"name":"tlp:green"}]}}]}
            """);
        var owner = FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3");

        var text = ExportHarness.Filtered(answer, FilterHarness.Context(owner, excludeLocalTags: excludeLocalTags), Stix);

        using var bundle = JsonDocument.Parse(text);
        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        var indicators = Objects(bundle).Where(o => o.GetProperty("type").GetString() == "indicator").ToDictionary(o => o.GetProperty("id").GetString()!);
        Assert.Equal([TlpMarkingDefinitions.Id(TlpLevel.Red)], Refs(indicators["indicator--aaaaaaaa-0000-4000-8000-000000000002"], "object_marking_refs"));
        Assert.Equal([TlpMarkingDefinitions.Id(TlpLevel.Green)], Refs(indicators["indicator--aaaaaaaa-0000-4000-8000-000000000001"], "object_marking_refs"));
    }

    [Fact]
    public void Filtered_EventWhoseIdsAttributesWereAllRemoved_BundleNamesNotItsSource()
    {
        // MISP answers the export's to_ids 1 search with the events that hold an IDS attribute: here only a TLP:RED one, removed.
        var answer = Encoding.UTF8.GetBytes($$$"""
            {"response":[{"Event":{"id":"5","uuid":"4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa","info":"green event","published":true,"publish_timestamp":"1795342545","timestamp":"1795342533","distribution":"3",
             "Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},
             "Attribute":[{"id":"2","uuid":"aaaaaaaa-0000-4000-8000-000000000002","type":"domain","category":"Network activity","value":"red.example","to_ids":true,"timestamp":"1795342533","distribution":"5","Tag":[{"name":"tlp:red"}]}],
             "Object":[],"Tag":[{"name":"tlp:green"}]}}]}
            """);

        var text = ExportHarness.Filtered(answer, FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber)), Stix);

        using var bundle = JsonDocument.Parse(text);
        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        Assert.Empty(Objects(bundle));
        Assert.DoesNotContain("ORG_C", text, StringComparison.Ordinal);
        Assert.DoesNotContain(FilterHarness.OrgC, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unfiltered_UnpublishedEvent_ReportPublishedWhenLastChangedAndLabelledUnpublished()
    {
        var answer = """
            {"response":[{"Event":{"uuid":"3697faaf-0000-4000-8000-000000000013","info":"draft","published":false,"publish_timestamp":"0","timestamp":"1795342534","Orgc":{"name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"},
             "Attribute":[{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","type":"ip-dst","value":"198.51.100.23","timestamp":"1795342534"}],"Object":[]}}]}
            """u8.ToArray();

        using var bundle = JsonDocument.Parse(ExportHarness.Unfiltered(answer, Stix, FilterHarness.Context(FilterHarness.Requester()), TlpLevel.Green));

        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        var report = Assert.Single(Objects(bundle), o => o.GetProperty("type").GetString() == "report");
        Assert.Equal("report--3697faaf-0000-4000-8000-000000000013", report.GetProperty("id").GetString());
        Assert.Equal("2026-11-22T10:15:34.000Z", report.GetProperty("published").GetString());
        Assert.Equal(["misp:published=\"False\""], Refs(report, "labels"));
    }

    [Theory]
    [InlineData("\"1700000000\"", "\"1\"", "2023-11-14T22:13:20.000Z", "True")]
    [InlineData("1700000000", "true", "2023-11-14T22:13:20.000Z", "True")]
    [InlineData("\"\\u0031700000000\"", "1", "2023-11-14T22:13:20.000Z", "True")]
    [InlineData("\"0\"", "\"0\"", null, "False")]
    [InlineData("true", "false", "1970-01-01T00:00:01.000Z", "False")]
    public void Unfiltered_AttributeFieldsInEachShapeMispWrites_IndicatorWritesTheSameValues(string timestamp, string toIds, string? validFrom, string flag)
    {
        // A timestamp as a string or a number (an escaped one is read unescaped, true as its text 1), none before 1970's first second; to_ids as PHP writes it.
        var answer = Encoding.UTF8.GetBytes("""
            {"response":[{"Event":{"uuid":"3697faaf-0000-4000-8000-000000000013","info":"x","published":true,"publish_timestamp":"1795342534","timestamp":"1795342534","Orgc":{"name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"},
             "Attribute":[{"uuid":"AAAAAAAA-0000-4000-8000-00000000000A","type":"url","category":"Network activity","value":"http://x.test/a'b\\c","to_ids":TO_IDS,"timestamp":TIMESTAMP}],"Object":[]}}]}
            """.Replace("TIMESTAMP", timestamp, StringComparison.Ordinal).Replace("TO_IDS", toIds, StringComparison.Ordinal));

        using var bundle = JsonDocument.Parse(ExportHarness.Unfiltered(answer, Stix, FilterHarness.Context(FilterHarness.Requester()), TlpLevel.Green));

        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        var indicator = Assert.Single(Objects(bundle), o => o.GetProperty("type").GetString() == "indicator");
        Assert.Equal("indicator--aaaaaaaa-0000-4000-8000-00000000000a", indicator.GetProperty("id").GetString());
        Assert.Equal(@"[url:value = 'http://x.test/a\'b\\c']", indicator.GetProperty("pattern").GetString());
        Assert.Equal(["misp:type=\"url\"", "misp:category=\"Network activity\"", $"misp:to_ids=\"{flag}\""], Refs(indicator, "labels"));
        var created = indicator.GetProperty("created").GetString();
        Assert.Equal(created, indicator.GetProperty("valid_from").GetString());
        if (validFrom is not null)
        {
            Assert.Equal(validFrom, created);
        }
    }

    [Fact]
    public void End_NothingReleased_ValidBundleWithoutObjects()
    {
        using var bundle = JsonDocument.Parse(ExportHarness.Unfiltered("""{"response":[]}"""u8.ToArray(), Stix, FilterHarness.Context(FilterHarness.Requester())));

        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        Assert.Equal("bundle", bundle.RootElement.GetProperty("type").GetString());
        Assert.False(bundle.RootElement.TryGetProperty("objects", out _));
    }

    [Fact]
    public void Unfiltered_EventWithoutAnyPatternableAttribute_NoReportButAValidBundle()
    {
        var answer = """
            {"response":[{"Event":{"uuid":"2948b31a-0000-4000-8000-000000000009","info":"context only","published":true,"publish_timestamp":"1795342534","timestamp":"1795342534","Orgc":{"name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"},
             "Attribute":[{"uuid":"aaaaaaaa-0000-4000-8000-000000000001","type":"text","value":"reuses infrastructure","timestamp":"1795342534"}],"Object":[]}}]}
            """u8.ToArray();

        using var bundle = JsonDocument.Parse(ExportHarness.Unfiltered(answer, Stix, FilterHarness.Context(FilterHarness.Requester())));

        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        Assert.DoesNotContain(Objects(bundle), o => o.GetProperty("type").GetString() is "report" or "indicator" or "identity");
    }

    [Fact]
    public void Filtered_AttributeRowsForAThirdParty_IndicatorsCreatedByTheForwarder()
    {
        var third = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.Green, MemberRelation.ThirdParty, orgId: "99");

        var text = ExportHarness.Filtered(FilterHarness.Capture("attributes_restSearch_includeEventTags__orgC.json"), FilterHarness.Context(third, stripInherited: true), Stix with { Scope = RestSearchScope.Attribute });

        using var bundle = JsonDocument.Parse(text);
        Assert.Empty(StixSchemas.Errors(bundle.RootElement));
        var indicators = Objects(bundle).Where(o => o.GetProperty("type").GetString() == "indicator").ToList();
        Assert.NotEmpty(indicators);
        Assert.All(indicators, i => Assert.Equal("identity--" + FilterHarness.Community.Forwarder.Uuid, i.GetProperty("created_by_ref").GetString()));
        Assert.DoesNotContain(Objects(bundle), o => o.GetProperty("type").GetString() == "report");
        Assert.DoesNotContain(FilterHarness.OrgC, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Schemas_BundleBreakingThem_Errors()
    {
        // The check itself: an indicator without its pattern, an empty object list and a bad identifier all fail.
        using var bad = JsonDocument.Parse("""
            {"type":"bundle","id":"bundle--6b1f3c2e-8d4a-4f6b-9e0c-5a7d2b8c1e34","objects":[
             {"type":"indicator","spec_version":"2.1","id":"indicator--01890a5d-ac96-774b-bcce-b302099a8057","created":"2026-11-22T06:15:33.000Z","modified":"2026-11-22T06:15:33.000Z","pattern_type":"stix","valid_from":"2026-11-22T06:15:33Z"}]}
            """);

        Assert.NotEmpty(StixSchemas.Errors(bad.RootElement));
    }

    private static List<JsonElement> Objects(JsonDocument bundle) =>
        bundle.RootElement.TryGetProperty("objects", out var objects) ? [.. objects.EnumerateArray()] : [];

    private static List<string> Refs(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var refs) ? [.. refs.EnumerateArray().Select(r => r.GetString()!)] : [];
}
