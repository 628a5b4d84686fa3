using System.Collections.Frozen;
using System.Text.Json.Nodes;
using TlpGateway.Ingress;
using TlpGateway.Rules;
using TlpGateway.Tests.Requests;

namespace TlpGateway.Tests.Ingress;

/// <summary>The content rules on writes (SPEC sections 5 and 6), on every body shape and path MISP accepts.</summary>
public sealed class WrittenContentTests
{
    private static ContentVerdict Judge(string path, string body, MemberRules? rules = null, bool sync = false, int limit = 3) =>
        WrittenContent.Judge(RequestTestData.Model("POST", path, body)!, RequestTestData.Requester(sync, rules), RequestTestData.Community, limit);

    private static JsonObject ForwardedEvent(ContentVerdict verdict) => verdict.Body!["Event"]!.AsObject();

    [Theory]
    [InlineData("""{"Event":{"info":"x"}}""")]
    [InlineData("""{"Event":{"info":"x","Tag":{"name":"tlp:ex:chr"}}}""")]
    [InlineData("""{"Event":{"info":"x","Tag":[{"name":"tlp:unclear"}]}}""")]
    public void AddEvent_WithoutTlpLevel_DefaultAmberAndChrAddedAsTagList(string body)
    {
        var tags = ForwardedEvent(Judge("/events/add", body))["Tag"]!.AsArray().Select(t => (string?)t!["name"]).ToList();

        Assert.Contains("tlp:amber", tags);
        Assert.Contains("tlp:ex:chr", tags);
    }

    [Theory]
    [InlineData("""{"Event":{"Tag":{"name":"tlp:red"}}}""", "tlp:red")]
    [InlineData("""{"Event":{"EventTag":[{"Tag":{"name":"tlp:clear"}}]}}""", "tlp:clear")]
    [InlineData("""{"Event":{"Tag":{"0":{"name":"tlp:amber+strict"}}}}""", "tlp:amber+strict")]
    public void AddEvent_SourcesMarkingInAnyShape_KeptAndNothingAdded(string body, string marking)
    {
        var tags = ForwardedEvent(Judge("/events/add", body))["Tag"]!.AsArray().Select(t => (string?)t!["name"]).ToList();

        Assert.Equal([marking], tags);
    }

    [Theory]
    [InlineData("""{"Event":{"Orgc":{"name":"ORG_D","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"},"Tag":[{"name":"tlp:green"}]}}""")]
    [InlineData("""{"Event":{"Orgc":{"name":"ORG_D"},"Tag":[{"name":"tlp:green"}]}}""")]
    [InlineData("""{"Event":{"orgc":{"uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"},"Tag":[{"name":"tlp:green"}]}}""")]
    [InlineData("""{"Event":{"Orgc":"ORG_D","Tag":[{"name":"tlp:green"}]}}""")]
    [InlineData("""{"Event":{"orgc_id":"4","orgc_uuid":"d03551b8-8496-4bd2-b178-72fb134e2520","Tag":[{"name":"tlp:green"}]}}""")]
    public void AddEvent_AnySourceClaimed_RequesterBecomesTheOnlySource(string body)
    {
        var evt = ForwardedEvent(Judge("/events/add", body, sync: true));

        Assert.Equal(RequestTestData.OwnOrg, (string?)evt["Orgc"]!["uuid"]);
        Assert.Null(evt["orgc"]);
        Assert.Null(evt["orgc_id"]);
        Assert.Null(evt["orgc_uuid"]);
    }

    [Theory]
    [InlineData(""" tlp:red""", "tlp:red")]
    [InlineData("""tlp:red\u200b""", "tlp:red")]
    [InlineData("""\uff54\uff4c\uff50:red""", "tlp:red")]
    [InlineData("""tlp: amber+strict""", "tlp:amber+strict")]
    [InlineData("""TLP:EX:CHR\u0000""", "tlp:ex:chr")]
    [InlineData("""TLP-RED""", "tlp:red")]
    [InlineData("""tlp : amber strict""", "tlp:amber+strict")]
    public void AddEvent_TlpTagMispWouldNotFindAsWritten_ForwardedInMispsSpelling(string name, string stored)
    {
        // Tag::captureTag matches the lower-cased name exactly: any other spelling becomes a tag of its own, or none at all.
        var body = """{"Event":{"Tag":[{"name":"NAME"}],"Attribute":[{"type":"ip-dst","Tag":[{"name":"NAME"}]}],"Object":[{"Attribute":[{"type":"ip-dst","Tag":[{"name":"NAME"}]}]}]}}""".Replace("NAME", name, StringComparison.Ordinal);

        var evt = ForwardedEvent(Judge("/events/add", body));

        Assert.Equal(stored, (string?)evt["Tag"]![0]!["name"]);
        Assert.Equal(stored, (string?)evt["Attribute"]![0]!["Tag"]![0]!["name"]);
        Assert.Equal(stored, (string?)evt["Object"]![0]!["Attribute"]![0]!["Tag"]![0]!["name"]);
    }

    [Theory]
    [InlineData("TLP:RED")]
    [InlineData("tlp:white")]
    [InlineData("tlp:unclear ")]
    [InlineData(" pap:red")]
    [InlineData("tlp-clear")]
    public void AddEvent_TagMispFindsAsWrittenOrNoTlpLevel_NameKept(string name)
    {
        var evt = ForwardedEvent(Judge("/events/add", """{"Event":{"Tag":[{"name":"tlp:green"},{"name":"NAME"}]}}""".Replace("NAME", name, StringComparison.Ordinal)));

        Assert.Contains(name, evt["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }

    [Theory]
    [InlineData("tlp:unclear", "tlp:amber", true)]
    [InlineData("tlp-clear", "tlp:amber", true)]
    [InlineData("TLP-RED", "tlp:red", false)]
    public void AddEvent_UnknownValueBesideALowerLevel_ThatLevelStoredAsATagOfItsOwn(string unknown, string anchored, bool chathamHouse)
    {
        // MISP drops a tag a user may not create (perm_tag_editor): tlp:green alone would then be stored, less restrictive than judged.
        var body = """{"Event":{"Tag":[{"name":"tlp:green"},{"name":"NAME"}],"Attribute":[{"type":"ip-dst","Tag":[{"name":"tlp:clear"},{"name":"NAME"}]}]}}""".Replace("NAME", unknown, StringComparison.Ordinal);

        var evt = ForwardedEvent(Judge("/events/add", body));

        var names = evt["Tag"]!.AsArray().Select(t => (string?)t!["name"]).ToList();
        Assert.Contains(anchored, names);

        // An unknown value left brings CHR; one written as the level it spells is that level.
        Assert.Equal(chathamHouse, names.Contains("tlp:ex:chr"));
        Assert.Contains(anchored, evt["Attribute"]![0]!["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }

    [Fact]
    public void AddEvent_UnknownValueBesideAMoreRestrictiveLevel_NothingAdded()
    {
        var evt = ForwardedEvent(Judge("/events/add", """{"Event":{"Tag":[{"name":"tlp:red"},{"name":"tlp:ex:chr"},{"name":"tlp:unclear"}]}}"""));

        Assert.Equal(["tlp:red", "tlp:ex:chr", "tlp:unclear"], evt["Tag"]!.AsArray().Select(t => (string?)t!["name"]));
    }

    [Fact]
    public void AddAttributes_TlpTagMispWouldNotFindAsWritten_ForwardedInMispsSpelling()
    {
        var verdict = Judge("/attributes/add/4", """{"type":"ip-dst","value":"198.51.100.1","Tag":[{"name":"tlp:red "}]}""");

        Assert.Equal("tlp:red", (string?)verdict.Body!["Attribute"]![0]!["Tag"]![0]!["name"]);
    }

    [Fact]
    public void AddEvent_ProtectedWithTlpTagMispWouldNotFind_RefusedRatherThanBrokenSignature()
    {
        var verdict = Judge("/events/add", """{"Event":{"protected":true,"Orgc":{"uuid":"OWN","name":"ORG_C"},"Tag":{"name":"tlp:red\u200b"}}}""".Replace("OWN", RequestTestData.OwnOrg, StringComparison.Ordinal));

        Assert.Equal("protected-would-change", verdict.Reason);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("\"yes\"")]
    [InlineData("2")]
    public void AddEvent_ProtectedWithoutTlp_Refused(string value)
    {
        Assert.Equal("protected-without-tlp", Judge("/events/add", """{"Event":{"protected":VALUE}}""".Replace("VALUE", value, StringComparison.Ordinal)).Reason);
    }

    [Fact]
    public void AddEvent_ProtectedAndTagged_ForwardedUntouchedForItsSignature()
    {
        var verdict = Judge("/events/add", """{"Event":{"protected":true,"Orgc":{"uuid":"OWN","name":"ORG_C"},"Tag":{"name":"tlp:green"}}}""".Replace("OWN", RequestTestData.OwnOrg, StringComparison.Ordinal));

        Assert.False(verdict.Refused);
        Assert.True(verdict.KeepBytes);
    }

    [Fact]
    public void AddEvent_ProtectedClaimingAnotherSource_RefusedRatherThanBrokenSignature()
    {
        Assert.Equal("protected-would-change", Judge("/events/add", """{"Event":{"protected":true,"Orgc":{"name":"X","uuid":"d03551b8-8496-4bd2-b178-72fb134e2520"},"Tag":[{"name":"tlp:green"}]}}""").Reason);
    }

    [Theory]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green"}],"Attribute":[{"type":"ip-dst"},{"type":"ip-dst"},{"type":"ip-dst"},{"type":"ip-dst"}]}}""")]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green"}],"Attribute":{"0":{"type":"ip-dst"},"1":{"type":"ip-dst"},"2":{"type":"ip-dst"},"3":{"type":"ip-dst"}}}}""")]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green"}],"Object":[{"Attribute":[{"type":"ip-dst"}]},{"Attribute":{"a":{"type":"ip-dst"}}},{"Attribute":[{"type":"ip-dst"}]},{"Attribute":[{"type":"ip-dst"}]}]}}""")]
    [InlineData("""{"request":{"Event":{"Tag":[{"name":"tlp:green"}],"Attribute":[{"type":"ip-dst"},{"type":"ip-dst"},{"type":"ip-dst"},{"type":"ip-dst"}]}}}""")]
    public void AddEvent_MoreLooseIocsThanTheLimitInAnyShape_RefusedCuration(string body)
    {
        Assert.Equal("curation", Judge("/events/add", body).Reason);
    }

    [Fact]
    public void AddEvent_IocsGroupedInObjects_Passes()
    {
        Assert.False(Judge("/events/add", """{"Event":{"Tag":[{"name":"tlp:green"}],"Object":[{"Attribute":[{"type":"ip-dst"},{"type":"ip-dst"},{"type":"ip-dst"},{"type":"ip-dst"}]}]}}""").Refused);
    }

    [Theory]
    [InlineData("""{"Attribute":[{"type":"ip-dst","value":"a"},{"type":"ip-dst","value":"b"},{"type":"ip-dst","value":"c"},{"type":"ip-dst","value":"d"}]}""")]
    [InlineData("""[{"type":"ip-dst","value":"a"},{"type":"ip-dst","value":"b"},{"type":"ip-dst","value":"c"},{"type":"ip-dst","value":"d"}]""")]
    [InlineData("""{"type":"ip-dst","value":["a","b","c","d"]}""")]
    [InlineData("""{"Attribute":{"type":"ip-dst","value":"a\nb\nc\nd\n","batch_import":1}}""")]
    [InlineData("""{"Attribute":{"0":{"type":"ip-dst"},"1":{"type":"ip-dst"},"2":{"type":"ip-dst"},"3":{"type":"ip-dst"}}}""")]
    [InlineData("""{"type":"ip-dst","value":{"a":"a","b":"b","c":"c","d":"d"}}""")]
    [InlineData("""{"Attribute":{"type":"ip-dst","value":{"0":"a","1":"b","2":"c","3":"d"},"batch_import":0}}""")]
    public void AddAttributes_EveryListForm_RefusedCuration(string body)
    {
        Assert.Equal("curation", Judge("/attributes/add/4", body).Reason);
    }

    [Fact]
    public void AddAttributes_ListValue_ForwardedAsTheAttributesJudged()
    {
        var verdict = Judge("/attributes/add/4", """{"type":"ip-dst","value":["a","b"]}""");

        Assert.Equal(["a", "b"], verdict.Body!["Attribute"]!.AsArray().Select(a => (string?)a!["value"]));
    }

    [Theory]
    [InlineData("""{"value":"1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4"}""")]
    [InlineData("""{"Attribute":{"value":"1.1.1.1,2.2.2.2;3.3.3.3<4.4.4.4>"}}""")]
    [InlineData("""{"Attribute":"1.1.1.1\n2.2.2.2\r\n3.3.3.3\t4.4.4.4"}""")]
    [InlineData("""{"value":"{\"a\":[\"1.1.1.1\",\"2.2.2.2\",\"3.3.3.3\",\"4.4.4.4\"]}"}""")]
    public void FreeTextImport_MoreValuesOfOneKindThanTheLimit_RefusedCuration(string body)
    {
        Assert.Equal("curation", Judge("/events/freeTextImport/4", body).Reason);
    }

    [Theory]
    [InlineData("/events/freeTextImport/4", """{"value":"a@b.example"}""")]
    [InlineData("/events/freeTextImport/4", """{"Attribute":{"value":"a@b.example","returnMetaAttributes":"0"}}""")]
    public void FreeTextImport_SavedWhereTheMemberBlocksAttributeTypes_Refused(string path, string body)
    {
        // MISP types free text itself (ComplexTypeTool): the gateway cannot tell which types it will store.
        var rules = new MemberRules { BlockedAttributeTypes = new[] { "email-src" }.ToFrozenSet() };

        Assert.Equal("rule-blockedAttributeTypes", Judge(path, body, rules).Reason);
    }

    [Theory]
    [InlineData("/events/freeTextImport/4/0/1", """{"value":"a@b.example"}""")]
    [InlineData("/events/freeTextImport/4", """{"value":"a@b.example","returnMetaAttributes":true}""")]
    public void FreeTextImport_OnlyParsedWhereTheMemberBlocksAttributeTypes_Passes(string path, string body)
    {
        // returnMetaAttributes: MISP answers what it would create and saves nothing.
        var rules = new MemberRules { BlockedAttributeTypes = new[] { "email-src" }.ToFrozenSet() };

        Assert.False(Judge(path, body, rules).Refused);
    }

    [Fact]
    public void FreeTextImport_AtABlockedDistribution_Refused()
    {
        var rules = new MemberRules { BlockedDistributionLevels = new[] { 0 }.ToFrozenSet() };

        Assert.Equal("rule-blockedDistributionLevels", Judge("/events/freeTextImport/4", """{"Attribute":{"value":"a@b.example","distribution":"0"}}""", rules).Reason);
    }

    [Fact]
    public void FreeTextImport_MixedKindsEachUnderTheLimit_Passes()
    {
        Assert.False(Judge("/events/freeTextImport/4", """{"value":"1.1.1.1 evil.example d41d8cd98f00b204e9800998ecf8427e and some words"}""").Refused);
    }

    private static string Resolved(int count) =>
        new JsonArray([.. Enumerable.Range(0, count).Select(i => new JsonObject { ["type"] = "domain", ["value"] = $"d{i}.example" })]).ToJsonString();

    [Fact]
    public void SaveFreeText_ResolvedAttributes_RefusedCuration()
    {
        var body = new JsonObject { ["MispAttribute"] = new JsonObject { ["JsonObject"] = Resolved(4) } }.ToJsonString();

        Assert.Equal("curation", Judge("/events/saveFreeText/4", body).Reason);
    }

    [Fact]
    public void SaveFreeText_HarmlessAttributeBesideMispAttribute_MispAttributeJudged()
    {
        // EventsController::saveFreeText overwrites Attribute with MispAttribute before it reads JsonObject.
        var body = new JsonObject
        {
            ["Attribute"] = new JsonObject { ["JsonObject"] = "[]" },
            ["MispAttribute"] = new JsonObject { ["JsonObject"] = Resolved(4) },
        }.ToJsonString();

        Assert.Equal("curation", Judge("/events/saveFreeText/4", body).Reason);
    }

    [Fact]
    public void SaveFreeText_OnlyAttribute_NotRead()
    {
        // MISP 2.5.1 reads MispAttribute only: a body without it is not one MISP would save as judged.
        var body = new JsonObject { ["Attribute"] = new JsonObject { ["JsonObject"] = Resolved(1) } }.ToJsonString();

        Assert.Throws<ShapeException>(() => Judge("/events/saveFreeText/4", body));
    }

    [Theory]
    [InlineData("pap:red")]
    [InlineData("tlp:green, PAP:RED")]
    public void SaveFreeText_BlockedTagInTheTagsText_Refused(string tags)
    {
        var rules = new MemberRules { BlockedTags = new[] { "pap:red" }.ToFrozenSet() };
        var resolved = new JsonArray(new JsonObject { ["type"] = "domain", ["value"] = "d.example", ["tags"] = tags }).ToJsonString();
        var body = new JsonObject { ["MispAttribute"] = new JsonObject { ["JsonObject"] = resolved } }.ToJsonString();

        Assert.Equal("rule-blockedTags", Judge("/events/saveFreeText/4", body, rules).Reason);
    }

    [Fact]
    public void AddEvent_BlockedTagOnAnAttribute_RefusedNamingTheMembersFileField()
    {
        var rules = new MemberRules { BlockedTags = new[] { "pap:red" }.ToFrozenSet() };

        var verdict = Judge("/events/add", """{"Event":{"Tag":[{"name":"tlp:green"}],"Attribute":[{"type":"ip-dst","AttributeTag":[{"Tag":{"name":"PAP:RED"}}]}]}}""", rules);

        Assert.Equal("rule-blockedTags", verdict.Reason);
        Assert.Equal(RuleNames.BlockedTags, verdict.Rule);
    }

    [Fact]
    public void AddEvent_RequiredTaxonomySatisfiedByTheDefault_OneEventForBothRules()
    {
        var rules = new MemberRules { RequiredTaxonomies = ["tlp"], AllowedTags = new Dictionary<string, FrozenSet<string>> { ["tlp"] = new[] { "tlp:amber", "tlp:green", "tlp:ex:chr" }.ToFrozenSet() }.ToFrozenDictionary() };

        Assert.False(Judge("/events/add", """{"Event":{"info":"untagged"}}""", rules).Refused);
    }

    [Theory]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green"}],"distribution":"3","EventReport":[{"distribution":"0"}]}}""")]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green"}],"distribution":"3","Note":[{"distribution":0}]}}""")]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green"}],"distribution":"0"}}""")]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green"}],"distribution":"3","Object":[{"distribution":"5","Attribute":[{"distribution":"0"}]}]}}""")]
    public void AddEvent_ItemAtABlockedDistribution_Refused(string body)
    {
        var rules = new MemberRules { BlockedDistributionLevels = new[] { 0 }.ToFrozenSet() };

        Assert.Equal("rule-blockedDistributionLevels", Judge("/events/add", body, rules).Reason);
    }

    [Theory]
    [InlineData("\"0.0\"")]
    [InlineData("\"00\"")]
    [InlineData("0.5")]
    [InlineData("\" 0\"")]
    public void AddEvent_DistributionSpelledAsPhpReadsIt_BlockedLevelStillRefused(string distribution)
    {
        var rules = new MemberRules { BlockedDistributionLevels = new[] { 0 }.ToFrozenSet() };

        Assert.Equal("rule-blockedDistributionLevels", Judge("/events/add", """{"Event":{"Tag":[{"name":"tlp:green"}],"distribution":D}}""".Replace("D", distribution, StringComparison.Ordinal), rules).Reason);
    }

    [Theory]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green"}],"distribution":true}}""")]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green"}],"distribution":"0","Attribute":[{"type":"ip-dst","value":"198.51.100.1","distribution":true}]}}""")]
    public void AddEvent_DistributionTrue_ReadAsTheOneMispStores(string body)
    {
        // CakePHP validates (string)true, "1", against MISP's levels, and MySQL stores 1.
        var rules = new MemberRules { BlockedDistributionLevels = new[] { 1 }.ToFrozenSet() };

        Assert.Equal("rule-blockedDistributionLevels", Judge("/events/add", body, rules).Reason);
    }

    [Fact]
    public void AddEvent_AttributeSharedWithABlockedSharingGroup_Refused()
    {
        var rules = new MemberRules { BlockedSharingGroups = new[] { "5f5f5f5f-0000-4000-8000-000000000001" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase) };

        Assert.Equal("rule-blockedSharingGroups", Judge("/events/add", """{"Event":{"Tag":[{"name":"tlp:green"}],"Attribute":[{"distribution":"4","SharingGroup":{"uuid":"5f5f5f5f-0000-4000-8000-000000000001"}}]}}""", rules).Reason);
    }

    [Theory]
    [InlineData("/events/addTag/4/Confidential", "{}")]
    [InlineData("/events/addTag", """{"event":"4","tag":"pap:red"}""")]
    [InlineData("/events/addTag", """{"request":{"Event":{"id":"4","tag_id":"[\"pap:red\"]"}}}""")]
    [InlineData("/tags/attachTagToObject", """{"uuid":"a","tag":["pap:red"]}""")]
    public void AddTag_BlockedTagByName_Refused(string path, string body)
    {
        var rules = new MemberRules { BlockedTags = new[] { "pap:red", "confidential" }.ToFrozenSet() };

        Assert.Equal("rule-blockedTags", Judge(path, body, rules).Reason);
    }

    [Theory]
    [InlineData("pap:re_")]
    [InlineData("PAP:%")]
    [InlineData("%red")]
    [InlineData("""pap\\:red""")]
    public void AttachTagToObject_LikePatternMatchingABlockedTag_Refused(string tag)
    {
        // TagsController::attachTagToObject finds the tag with Tag.name LIKE: % and _ match, \ escapes.
        var rules = new MemberRules { BlockedTags = new[] { "pap:red" }.ToFrozenSet() };

        Assert.Equal("rule-blockedTags", Judge("/tags/attachTagToObject", $$"""{"uuid":"a","tag":"{{tag}}"}""", rules).Reason);
    }

    [Fact]
    public void AttachTagToObject_TextHoldingAJsonList_JudgedAsTheOneNameMispLooksUp()
    {
        // TagsController::attachTagToObject does not decode its tag: MISP looks up, or makes, the tag named ["pap:red"].
        var blockedInside = new MemberRules { BlockedTags = new[] { "pap:red" }.ToFrozenSet() };
        var blockedAsWritten = new MemberRules { BlockedTags = new[] { "[\"pap:red\"]" }.ToFrozenSet() };
        var body = """{"uuid":"a","tag":"[\"pap:red\"]"}""";

        Assert.False(Judge("/tags/attachTagToObject", body, blockedInside).Refused);
        Assert.Equal("rule-blockedTags", Judge("/tags/attachTagToObject", body, blockedAsWritten).Reason);
    }

    [Fact]
    public void AttachTagToObject_WildcardWhereTaxonomiesAreLimited_RefusedAllowedTags()
    {
        var rules = new MemberRules { AllowedTags = new Dictionary<string, FrozenSet<string>> { ["tlp"] = new[] { "tlp:clear" }.ToFrozenSet() }.ToFrozenDictionary() };

        Assert.Equal("rule-allowedTags", Judge("/tags/attachTagToObject", """{"uuid":"a","tag":"tlp:%"}""", rules).Reason);
    }

    [Fact]
    public void AttachTagToObject_EscapedUnderscoreWhereTaxonomiesAreLimited_ReadAsTheNameItSpells()
    {
        var rules = new MemberRules { AllowedTags = new Dictionary<string, FrozenSet<string>> { ["tlp"] = new[] { "tlp:clear" }.ToFrozenSet() }.ToFrozenDictionary() };

        Assert.False(Judge("/tags/attachTagToObject", """{"uuid":"a","tag":"osint:source\\_type"}""", rules).Refused);
    }

    [Theory]
    [InlineData("/tags/attachTagToObject", """{"uuid":"a","tag":"osint:source_type"}""")]
    [InlineData("/events/addTag", """{"event":"4","tag":"pap:re_"}""")]
    public void Tag_PatternMatchingNoBlockedTagOrExactLookUp_Passes(string path, string body)
    {
        // events/addTag looks its tag up by exact (lower-cased) name: a pattern there names no other tag.
        var rules = new MemberRules { BlockedTags = new[] { "pap:red" }.ToFrozenSet() };

        Assert.False(Judge(path, body, rules).Refused);
    }

    [Theory]
    [InlineData("/shadow_attributes/add/4", """{"ShadowAttribute":{"type":"email-src","category":"Payload delivery"}}""")]
    [InlineData("/shadow_attributes/add/4", """{"request":{"Attribute":{"type":"email-src"}}}""")]
    [InlineData("/events/pushProposals/4", """[{"type":"email-src"}]""")]
    [InlineData("/shadow_attributes/add/4", """{"Proposal":{"type":"email-src"}}""")]
    [InlineData("/shadow_attributes/add/4", """{"request":{"Proposal":{"type":"email-src"}}}""")]
    [InlineData("/shadow_attributes/edit/5", """{"type":"email-src","Attribute":{"type":"ip-dst"}}""")]
    [InlineData("/shadow_attributes/edit/5", """{"request":{"type":"email-src","Proposal":{"type":"ip-dst"}}}""")]
    [InlineData("/events/pushProposals/4", """[{"type":"email-src","ShadowAttribute":{"type":"ip-dst"}}]""")]
    [InlineData("/events/pushProposals/4", """{"a":{"type":"ip-dst"},"b":{"type":"email-src"}}""")]
    [InlineData("/events/pushProposals/4", """{"request":{"type":"email-src"}}""")]
    public void Proposal_OfABlockedType_Refused(string path, string body)
    {
        var rules = new MemberRules { BlockedAttributeTypes = new[] { "email-src" }.ToFrozenSet() };

        Assert.Equal("rule-blockedAttributeTypes", Judge(path, body, rules).Reason);
    }

    [Theory]
    [InlineData("""{"Attribute":{"type":"ip-dst"},"Proposal":{"type":"email-src"}}""")]
    [InlineData("""{"ShadowAttribute":{"type":"ip-dst"},"Attribute":{"type":"email-src"}}""")]
    public void ProposalAdd_WrapperMispReadsFirst_OnlyItJudged(string body)
    {
        // ShadowAttributesController::add takes ShadowAttribute, else Attribute, else Proposal.
        var rules = new MemberRules { BlockedAttributeTypes = new[] { "email-src" }.ToFrozenSet() };

        Assert.False(Judge("/shadow_attributes/add/4", body, rules).Refused);
    }

    [Theory]
    [InlineData("/analyst_data/add/Opinion/u1/Event", """{"Note":{"distribution":"3"},"Opinion":{"distribution":"0"}}""")]
    [InlineData("/analyst_data/add", """{"Opinion":{"distribution":"3"},"distribution":"0"}""")]
    [InlineData("/analyst_data/edit/all/u1", """{"Note":{"distribution":"3"},"Relationship":{"distribution":"0"}}""")]
    [InlineData("/analyst_data/pushAnalystData", """{"note_type_name":"Opinion","Note":{"distribution":"3"},"distribution":"0"}""")]
    public void AnalystData_ItemOfTheTypeMispSaves_Judged(string path, string body)
    {
        // The type is the passed one (Note when absent; "all" may be any), on a push note_type_name: its key, else the body.
        var rules = new MemberRules { BlockedDistributionLevels = new[] { 0 }.ToFrozenSet() };

        Assert.Equal("rule-blockedDistributionLevels", Judge(path, body, rules).Reason);
    }

    [Theory]
    [InlineData("""[{"GalaxyCluster":{"distribution":"0"}}]""")]
    [InlineData("""{"a":{"GalaxyCluster":{"distribution":"3"}},"b":{"GalaxyCluster":{"distribution":"0"}}}""")]
    [InlineData("""{"GalaxyCluster":{"distribution":"3"},"x":{"GalaxyCluster":{"distribution":"0"}}}""")]
    public void PushCluster_EveryValueOfTheBody_Judged(string body)
    {
        // Galaxy::importGalaxyAndClusters saves each value of the body, list or object, from its GalaxyCluster.
        var rules = new MemberRules { BlockedDistributionLevels = new[] { 0 }.ToFrozenSet() };

        Assert.Equal("rule-blockedDistributionLevels", Judge("/galaxies/pushCluster", body, rules, sync: true).Reason);
    }

    [Theory]
    [InlineData("""{"id":"5","value":"198.51.100.1","filters":{"eventid":"8"}}""")]
    [InlineData("""{"request":{"Sighting":{"uuid":"a","values":["x"],"filters":{"last":"1d"}}}}""")]
    public void SightingsAdd_WithFilters_RefusedAsSightingByValue(string body)
    {
        // Sighting::saveSightings searches by value with the filters and leaves the id aside.
        Assert.Equal("sightings-by-value", Judge("/sightings/add", body).Reason);
    }

    [Fact]
    public void SightingsAdd_StixDocument_Refused()
    {
        Assert.Equal("sightings-stix", Judge("/sightings/add/stix", "{}").Reason);
    }

    [Fact]
    public void ObjectAdd_DataStringForm_NotRead()
    {
        Assert.Throws<ShapeException>(() => Judge("/objects/add/4", """{"Object":{"data":"{}"}}"""));
    }
}
