using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Decision;
using TlpGateway.Members;
using TlpGateway.Shapes;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// Items MISP answers without their event (positive-model classes 4, 10, 16): each judged as a part of
/// the event it concerns, looked up with the requester's key; never relayed unjudged, never blanked.
/// </summary>
public sealed class ItemRecordTests
{
    private const string EventUuid = "eeeeeeee-0000-4000-8000-000000000008";
    private const string AttributeUuid = "33333333-0000-4000-8000-000000000001";
    private static readonly string Forwarder = FilterHarness.Community.Forwarder.Uuid;

    private static (string Output, List<UnitOutcome> Outcomes, bool Withheld, List<string> Asked) Run(string json, Func<string, EventAccess> lookup, TlpGateway.Admission.Requester? requester = null, bool flatSightings = false)
    {
        var asked = new List<string>();
        var context = FilterHarness.Context(requester ?? FilterHarness.Requester(), lookups: true, flatSightings: flatSightings);
        var (output, outcomes, withheld) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), context, chunk: 61, lookup: reference =>
        {
            asked.Add(reference);
            return lookup(reference);
        });
        return (Encoding.UTF8.GetString(output), outcomes, withheld, asked);
    }

    private static EventAccess Receivable(bool hides = false, TlpLevel tlp = TlpLevel.Clear, string[]? removed = null, string[]? removedIds = null) =>
        new(true, FilterHarness.OrgC, "8", hides, removed ?? []) { EventUuid = EventUuid, Tlp = tlp, RemovedAttributeIds = removedIds ?? [] };

    private const string AttributeView = $$$"""{"Attribute":{"id":"81","event_id":"8","uuid":"{{{AttributeUuid}}}","type":"ip-dst","value":"203.0.113.81","distribution":"5"}}""";

    [Fact]
    public void AttributeView_ItsEventWithheld_WithheldAsMispAnswersAMissingOne()
    {
        var (output, outcomes, withheld, asked) = Run(AttributeView, _ => EventAccess.Withheld);

        Assert.Equal(["8"], asked);
        Assert.True(withheld);
        Assert.Empty(output);
        Assert.Equal(RecordKind.Attribute, Assert.Single(outcomes).Record);
    }

    [Fact]
    public void AttributeView_RemovedFromItsEvent_Withheld()
    {
        var (output, _, withheld, _) = Run(AttributeView, _ => Receivable(removed: [AttributeUuid]));

        Assert.True(withheld);
        Assert.Empty(output);
    }

    [Fact]
    public void AttributeView_ItsOwnRedTagInAClearEvent_Withheld()
    {
        var view = AttributeView.Replace("\"distribution\":\"5\"", "\"distribution\":\"5\",\"Tag\":[{\"name\":\"tlp:red\"}]", StringComparison.Ordinal);

        var (_, outcomes, withheld, _) = Run(view, _ => Receivable());

        Assert.True(withheld);
        Assert.Equal("removed-from-event", Assert.Single(outcomes).Reason);
    }

    [Fact]
    public void AttributeView_Receivable_Released()
    {
        var (output, _, withheld, _) = Run(AttributeView, _ => Receivable());

        Assert.False(withheld);
        Assert.Equal("203.0.113.81", (string?)JsonNode.Parse(output)!["Attribute"]!["value"]);
    }

    [Fact]
    public void ReportView_SourceHidden_TheEventStubBesideItNamesTheForwarder()
    {
        var json = $$$$"""{"EventReport":{"id":"2","uuid":"dddddddd-0000-4000-8000-000000000002","event_id":"8","name":"r","content":"c","distribution":"5"},"SharingGroup":{"id":"1","uuid":"5e5e","name":"SG ORG_C"},"Event":{"id":"8","orgc_id":"3","org_id":"3","info":"x","Orgc":{"id":"3","name":"ORG_C"},"Org":{"id":"3","name":"ORG_C"}}}""";

        var (output, _, withheld, asked) = Run(json, _ => Receivable(hides: true));

        Assert.Equal(["8"], asked);
        Assert.False(withheld);
        Assert.DoesNotContain("ORG_C", output, StringComparison.Ordinal);
        var stub = JsonNode.Parse(output)!["Event"]!;
        Assert.Equal(Forwarder, (string?)stub["Orgc"]!["uuid"]);
        Assert.Equal("0", (string?)stub["orgc_id"]);
    }

    [Fact]
    public void ObjectView_ItsAttributesJudgedEachByItsOwnMarking()
    {
        var json = $$$"""{"Object":{"id":"3","uuid":"cccccccc-0000-4000-8000-000000000003","event_id":"8","name":"file","Event":{"id":"8","uuid":"{{{EventUuid}}}","info":"x"},"Attribute":[{"uuid":"44444444-0000-4000-8000-000000000001","type":"md5","value":"x","Tag":[{"name":"tlp:red"}]},{"uuid":"44444444-0000-4000-8000-000000000002","type":"sha1","value":"y"}]}}""";

        var (output, _, _, asked) = Run(json, _ => Receivable());

        Assert.Equal([EventUuid], asked);
        Assert.DoesNotContain("44444444-0000-4000-8000-000000000001", output, StringComparison.Ordinal);
        Assert.Contains("44444444-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ProposalIndex_RowNamingARemovedAttributeOnlyByOldId_Withheld()
    {
        var json = $$$"""[{"ShadowAttribute":{"id":"1","old_id":"81","uuid":"aaaaaaaa-0000-4000-8000-000000000001","event_uuid":"{{{EventUuid}}}","event_id":"8","type":"ip-dst","value":"203.0.113.82"}},{"ShadowAttribute":{"id":"2","old_id":"0","uuid":"aaaaaaaa-0000-4000-8000-000000000002","event_uuid":"{{{EventUuid}}}","event_id":"8","type":"ip-dst","value":"203.0.113.83"}}]""";

        var (output, _, _, asked) = Run(json, _ => Receivable(removedIds: ["81"]));

        Assert.Equal([EventUuid], asked);
        Assert.DoesNotContain("203.0.113.82", output, StringComparison.Ordinal);
        Assert.Contains("203.0.113.83", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SightingRows_NamingARemovedAttributeById_Withheld()
    {
        var json = $$$$"""{"response":[{"Sighting":{"id":"1","uuid":"bbbbbbbb-0000-4000-8000-000000000001","attribute_id":"81","event_id":"8","org_id":"3","Organisation":{"name":"ORG_C"}}},{"Sighting":{"id":"2","uuid":"bbbbbbbb-0000-4000-8000-000000000002","attribute_id":"82","event_id":"8","org_id":"3","Organisation":{"name":"ORG_C"}}}]}""";

        var (output, _, _, _) = Run(json, _ => Receivable(hides: true, removedIds: ["81"]));

        Assert.DoesNotContain("bbbbbbbb-0000-4000-8000-000000000001", output, StringComparison.Ordinal);
        Assert.Contains("bbbbbbbb-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ORG_C", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SightingList_OrganisationBesideTheSighting_ReleasedAsTheSightingsOwn(bool hides)
    {
        // Sighting::listSightings (and /sightings/view) writes the organisation that sighted beside the sighting.
        var json = """[{"Sighting":{"id":"1","attribute_id":"82","event_id":"8","org_id":"3","date_sighting":"1795342542","uuid":"bbbbbbbb-0000-4000-8000-000000000002","source":"","type":"0"},"Organisation":{"name":"ORG_C"}}]""";

        var (output, outcomes, withheld, _) = Run(json, _ => Receivable(hides: hides, removedIds: ["81"]));

        Assert.False(withheld);
        Assert.Contains("bbbbbbbb-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
        Assert.Equal(!hides, output.Contains("ORG_C", StringComparison.Ordinal));
        Assert.Equal(hides, !output.Contains("\"Organisation\"", StringComparison.Ordinal));
        Assert.All(outcomes, o => Assert.True(o.Released));
    }

    [Fact]
    public void SightingList_OrganisationBesideASightingOfARemovedAttribute_Withheld()
    {
        var json = """[{"Sighting":{"id":"1","attribute_id":"81","event_id":"8","org_id":"3","date_sighting":"1795342542","uuid":"bbbbbbbb-0000-4000-8000-000000000001","source":"","type":"0"},"Organisation":{"name":"ORG_C"}}]""";

        var (output, _, _, _) = Run(json, _ => Receivable(removedIds: ["81"]));

        Assert.DoesNotContain("bbbbbbbb-0000-4000-8000-000000000001", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ORG_C", output, StringComparison.Ordinal);
    }

    // /sightings/index as Sighting::attachToEvent writes it: each sighting flat, its organisation inside it.
    private const string FlatSightingIndex = """[{"id":"1","attribute_id":"81","event_id":"8","org_id":"3","date_sighting":"1795342542","uuid":"bbbbbbbb-0000-4000-8000-000000000001","source":"honeypot-c","type":"0","attribute_uuid":"33333333-0000-4000-8000-000000000001","Organisation":{"id":"3","uuid":"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390","name":"ORG_C"}},{"id":"2","attribute_id":"82","event_id":"8","org_id":"3","date_sighting":"1795342542","uuid":"bbbbbbbb-0000-4000-8000-000000000002","source":"honeypot-c","type":"0","attribute_uuid":"33333333-0000-4000-8000-000000000002","Organisation":{"id":"3","uuid":"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390","name":"ORG_C"}}]""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SightingIndex_FlatRows_JudgedAsSightingsOfTheEventTheyName(bool hides)
    {
        var (output, _, _, asked) = Run(FlatSightingIndex, _ => Receivable(hides: hides, removedIds: ["81"]), flatSightings: true);

        Assert.Equal(["8"], asked.Distinct());
        Assert.DoesNotContain("bbbbbbbb-0000-4000-8000-000000000001", output, StringComparison.Ordinal);
        Assert.Contains("bbbbbbbb-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
        Assert.Equal(!hides, output.Contains("ORG_C", StringComparison.Ordinal));
        Assert.Equal(!hides, output.Contains("honeypot-c", StringComparison.Ordinal));
        Assert.Equal(!hides, output.Contains("13c7e515-44c2-40dc-bc3e-0e7bcaf6d390", StringComparison.Ordinal));
    }

    [Fact]
    public void SightingIndex_FlatRowsOfAWithheldEvent_Withheld()
    {
        var (output, outcomes, _, _) = Run(FlatSightingIndex, _ => EventAccess.Withheld, flatSightings: true);

        Assert.Equal("[]", output);
        Assert.All(outcomes, o => Assert.False(o.Released));
    }

    [Fact]
    public void SightingIndex_FlatRowsWhereTheEndpointAnswersNone_EndTheAnswer()
    {
        // Anywhere else, a record of sighting fields in no wrapper is no shape the gateway knows.
        Assert.Throws<TlpGateway.Filtering.FilterException>(() => Run(FlatSightingIndex, _ => Receivable()));
    }

    [Fact]
    public void SightingRows_WithIncludeAttributeAndIncludeEvent_JudgedByTheAttributeTheyName()
    {
        // Sighting::restSearch with includeAttribute writes the sighted attribute beside the sighting, and with
        // includeEvent the event with its source's name.
        var json = $$$$$"""{"response":[{"Sighting":{"id":"1","uuid":"bbbbbbbb-0000-4000-8000-000000000001","attribute_id":"81","event_id":"8","org_id":"3","value":"203.0.113.81","Attribute":{"id":"81","value":"203.0.113.81","uuid":"{{{{{AttributeUuid}}}}}","type":"ip-dst","category":"Network activity","to_ids":true},"Event":{"id":"8","uuid":"{{{{{EventUuid}}}}}","orgc_id":"3","org_id":"3","info":"x","Orgc":{"name":"ORG_C"}}}},{"Sighting":{"id":"2","uuid":"bbbbbbbb-0000-4000-8000-000000000002","attribute_id":"82","event_id":"8","org_id":"3","value":"203.0.113.82","Attribute":{"id":"82","value":"203.0.113.82","uuid":"33333333-0000-4000-8000-000000000002","type":"ip-dst","category":"Network activity","to_ids":true},"Event":{"id":"8","uuid":"{{{{{EventUuid}}}}}","orgc_id":"3","org_id":"3","info":"x","Orgc":{"name":"ORG_C"}}}}]}""";

        var (output, _, _, _) = Run(json, _ => Receivable(hides: true, removed: [AttributeUuid], removedIds: ["81"]));

        Assert.DoesNotContain("203.0.113.81", output, StringComparison.Ordinal);
        Assert.Contains("203.0.113.82", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ORG_C", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ProposalView_SourceHidden_WithheldAsProposalsNameTheirProposer()
    {
        var json = $$$"""{"ShadowAttribute":{"id":"1","old_id":"0","uuid":"aaaaaaaa-0000-4000-8000-000000000001","event_id":"8","type":"ip-dst","value":"203.0.113.82","org_id":"4"}}""";

        var (_, outcomes, withheld, asked) = Run(json, _ => Receivable(hides: true));

        Assert.Equal(["8"], asked);
        Assert.True(withheld);
        Assert.Equal(RecordKind.Proposal, Assert.Single(outcomes).Record);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GalaxyClusterView_MispsCountOfEventsTaggedWithIt_Removed(bool isOwner)
    {
        // GalaxyClustersController::view counts every event MISP shows the user with the cluster's tag, withheld ones too.
        var json = $$$"""{"GalaxyCluster":{"id":"7","uuid":"77777777-0000-4000-8000-000000000007","value":"Actor X","tag_name":"misp-galaxy:threat-actor=\"Actor X\"","default":true,"distribution":"3","orgc_id":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"Org":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"GalaxyElement":[],"tag_count":12,"event_count":"12","tag_id":"41"}}""";
        var requester = isOwner ? FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3") : FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green);

        var (output, _, withheld, _) = Run(json, _ => throw new InvalidOperationException("no look-up"), requester);

        Assert.False(withheld);
        var cluster = JsonNode.Parse(output)!["GalaxyCluster"]!.AsObject();
        Assert.False(cluster.ContainsKey("tag_count"));
        Assert.False(cluster.ContainsKey("event_count"));
        Assert.Equal("41", (string?)cluster["tag_id"]);
    }

    [Theory]
    [InlineData(false, "Amber", true)]
    [InlineData(false, "Green", false)]
    [InlineData(true, "Green", true)]
    public void GalaxyCluster_CustomJudgedAsDefaultTlp_DefaultOnesArePublic(bool isDefault, string maxTlp, bool released)
    {
        var json = $$$"""{"GalaxyCluster":{"id":"7","uuid":"77777777-0000-4000-8000-000000000007","value":"Actor X","default":{{{(isDefault ? "true" : "false")}}},"distribution":"3","orgc_id":"3","Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"Org":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"GalaxyElement":[{"key":"synonyms","value":"X"}],"authors":["ORG_C analyst"]}}""";

        var (output, _, withheld, asked) = Run(json, _ => throw new InvalidOperationException("no look-up"), FilterHarness.Requester(FilterHarness.OrgD, Enum.Parse<TlpLevel>(maxTlp)));

        Assert.Empty(asked);
        Assert.Equal(!released, withheld);
        if (released && !isDefault)
        {
            // Custom clusters fall under the Chatham House Rule like untagged events.
            Assert.DoesNotContain(FilterHarness.OrgC, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AnalystData_OnAnEvent_JudgedByThatEvent()
    {
        var json = $$$"""[{"Note":{"uuid":"0a0a0a0a-0000-4000-8000-000000000001","object_type":"Event","object_uuid":"{{{EventUuid}}}","note":"n","distribution":"5","orgc_uuid":"{{{FilterHarness.OrgC}}}","Orgc":{"name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"authors":"a@orgc.example"}},{"Note":{"uuid":"0a0a0a0a-0000-4000-8000-000000000002","object_type":"Attribute","object_uuid":"{{{AttributeUuid}}}","note":"m","distribution":"5"}}]""";

        var (output, _, _, asked) = Run(json, reference => reference == EventUuid ? Receivable(hides: true) : EventAccess.Withheld);

        Assert.Equal([EventUuid, "attribute/" + AttributeUuid], asked);
        Assert.Contains("0a0a0a0a-0000-4000-8000-000000000001", output, StringComparison.Ordinal);
        Assert.DoesNotContain("0a0a0a0a-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
        Assert.DoesNotContain("orgc.example", output, StringComparison.Ordinal);
        Assert.DoesNotContain(FilterHarness.OrgC, output, StringComparison.Ordinal);
    }

    private const string RelatedEventUuid = "eeeeeeee-0000-4000-8000-000000000009";

    /// <summary>A relationship on its own, as MISP's view writes it: what it points at embedded, there an event with every column of its own.</summary>
    private const string RelationshipToAnEvent = $$$$$$"""{"Relationship":{"id":"1","uuid":"0c0c0c0c-0000-4000-8000-000000000001","object_type":"Event","object_uuid":"{{{{{{EventUuid}}}}}}","related_object_type":"Event","related_object_uuid":"{{{{{{RelatedEventUuid}}}}}}","relationship_type":"related-to","distribution":"5","orgc_uuid":"{{{{{{FilterHarness.OrgC}}}}}}","related_object":{"Event":{"id":"9","orgc_id":"4","org_id":"4","user_id":"7","uuid":"{{{{{{RelatedEventUuid}}}}}}","info":"x","extends_uuid":"ffffffff-0000-4000-8000-000000000001","Orgc":{"id":"4","name":"ORG_D","uuid":"{{{{{{FilterHarness.OrgD}}}}}}"}}}}}""";

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Relationship_EitherEventHidesItsSource_WhatItPointsAtShowsTheForwarder(bool relationshipsEventHides, bool relatedEventHides)
    {
        var (output, _, withheld, asked) = Run(RelationshipToAnEvent, reference => reference == EventUuid
            ? Receivable(hides: relationshipsEventHides)
            : new EventAccess(true, FilterHarness.OrgD, "9", relatedEventHides, []) { EventUuid = RelatedEventUuid, Tlp = TlpLevel.Clear });

        Assert.Equal([EventUuid, RelatedEventUuid], asked);
        Assert.False(withheld);
        var related = JsonNode.Parse(output)!["Relationship"]!["related_object"]!["Event"]!;
        Assert.Equal(RelatedEventUuid, (string?)related["uuid"]);
        Assert.Equal("0", (string?)related["orgc_id"]);
        Assert.Equal("0", (string?)related["org_id"]);
        Assert.Equal("0", (string?)related["user_id"]);
        Assert.Null(related["extends_uuid"]);
        Assert.Equal(Forwarder, (string?)related["Orgc"]!["uuid"]);
        Assert.DoesNotContain("ORG_D", output, StringComparison.Ordinal);
        Assert.DoesNotContain(FilterHarness.OrgD, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Relationship_ToAnAttributeOfAnEventHidingItsSource_MispsWrappedAttributeShowsTheForwarder()
    {
        // Relationship::getRelatedElement: the attribute under its kind, with its event's columns and source beside it.
        const string Related = "33333333-0000-4000-8000-000000000009";
        var json = $$$$$$"""{"Relationship":{"id":"2","uuid":"0c0c0c0c-0000-4000-8000-000000000002","object_type":"Event","object_uuid":"{{{{{{EventUuid}}}}}}","related_object_type":"Attribute","related_object_uuid":"{{{{{{Related}}}}}}","relationship_type":"related-to","distribution":"5","related_object":{"Attribute":{"id":"91","uuid":"{{{{{{Related}}}}}}","event_id":"9","object_id":"0","type":"ip-dst","category":"Network activity","value":"203.0.113.91","distribution":"5","sharing_group_id":"0","Event":{"id":"9","orgc_id":"4","org_id":"4","user_id":"7","uuid":"{{{{{{RelatedEventUuid}}}}}}","info":"x","sharing_group_id":"2"},"Object":{"id":null,"uuid":null,"name":null},"Organisation":{"id":"4","name":"ORG_D","uuid":"{{{{{{FilterHarness.OrgD}}}}}}"},"orgc_uuid":"{{{{{{FilterHarness.OrgD}}}}}}"}}}}""";

        var (output, _, withheld, asked) = Run(json, reference => reference == EventUuid
            ? Receivable()
            : new EventAccess(true, FilterHarness.OrgD, "9", true, []) { EventUuid = RelatedEventUuid, Tlp = TlpLevel.Clear });

        Assert.Equal([EventUuid, "attribute/" + Related], asked);
        Assert.False(withheld);
        var attribute = JsonNode.Parse(output)!["Relationship"]!["related_object"]!["Attribute"]!;
        Assert.Equal("203.0.113.91", (string?)attribute["value"]);
        Assert.Equal(Forwarder, (string?)attribute["orgc_uuid"]);
        Assert.Equal(Forwarder, (string?)attribute["Organisation"]!["uuid"]);
        Assert.Equal("0", (string?)attribute["Event"]!["orgc_id"]);
        Assert.Equal("0", (string?)attribute["Event"]!["sharing_group_id"]);
        Assert.DoesNotContain("ORG_D", output, StringComparison.Ordinal);
        Assert.DoesNotContain(FilterHarness.OrgD, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Relationship_NeitherEventHidesItsSource_WhatItPointsAtKeepsItsSource()
    {
        var (output, _, _, _) = Run(RelationshipToAnEvent, reference => reference == EventUuid
            ? Receivable()
            : new EventAccess(true, FilterHarness.OrgD, "9", false, []) { EventUuid = RelatedEventUuid, Tlp = TlpLevel.Clear });

        var related = JsonNode.Parse(output)!["Relationship"]!["related_object"]!["Event"]!;
        Assert.Equal("4", (string?)related["orgc_id"]);
        Assert.Equal(FilterHarness.OrgD, (string?)related["Orgc"]!["uuid"]);
    }

    [Theory]
    [InlineData("eeeeeeee-0000-4000-8000-000000000007", true)]
    [InlineData("EEEEEEEE-0000-4000-8000-000000000009", false)]
    public void Relationship_EmbeddingAnotherItemThanItsRelatedUuid_Withheld(string embedded, bool another)
    {
        // Looked up by related_object_uuid (receivable); what it embeds is another event, never asked about (the same one in upper case is no other).
        var json = RelationshipToAnEvent.Replace("\"uuid\":\"" + RelatedEventUuid + "\",\"info\":\"x\"", "\"uuid\":\"" + embedded + "\",\"info\":\"secret\"", StringComparison.Ordinal);
        Assert.NotEqual(RelationshipToAnEvent, json);

        var (output, _, withheld, _) = Run(json, reference => reference == EventUuid
            ? Receivable()
            : new EventAccess(true, FilterHarness.OrgD, "9", false, []) { EventUuid = RelatedEventUuid, Tlp = TlpLevel.Clear });

        Assert.Equal(another, withheld);
        Assert.Equal(!another, output.Contains("secret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"Event\":{\"uuid\":\"eeeeeeee-0000-4000-8000-000000000004\",\"info\":\"x\"}", true)]
    [InlineData("\"Event\":{\"uuid\":\"eeeeeeee-0000-4000-8000-000000000007\",\"info\":\"secret\"}", false)]
    [InlineData("\"Object\":{\"uuid\":\"0b0b0b0b-0000-4000-8000-000000000007\",\"name\":\"secret\"}", false)]
    public void Relationship_InAnEventEmbeddingAnItemOutsideIt_Removed(string besideTheAttribute, bool kept)
    {
        // The relationship names the event's second attribute; what it embeds says that attribute lies in another event or object.
        const string First = "33333333-0000-4000-8000-00000000aaa1", Second = "33333333-0000-4000-8000-00000000aaa2";
        var related = $$$"""{"Attribute":{"id":"2","uuid":"{{{Second}}}","event_id":"4","type":"ip-dst","value":"198.51.100.2",{{{besideTheAttribute}}}}}""";
        var relationship = $$$""","Relationship":[{"uuid":"0c0c0c0c-0000-4000-8000-000000000003","object_type":"Attribute","object_uuid":"{{{First}}}","related_object_type":"Attribute","related_object_uuid":"{{{Second}}}","relationship_type":"related-to","distribution":"5","related_object":{{{related}}}}]""";
        var json = ShapeStrictnessTests.Event($$""","Attribute":[{{ShapeStrictnessTests.Attribute(First, extra: relationship)}},{{ShapeStrictnessTests.Attribute(Second)}}]""", """[{"name":"tlp:clear"}]""");

        var (output, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD)));

        Assert.True(Assert.Single(outcomes).Released);
        var relationships = JsonNode.Parse(output)!["Event"]!["Attribute"]![0]!["Relationship"]!.AsArray();
        Assert.Equal(kept ? 1 : 0, relationships.Count);
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    [Fact]
    public void AnalystDataMinimalIndex_OnlyUuidsTheRequesterMayReceive()
    {
        var json = """{"Note":{"0a0a0a0a-0000-4000-8000-000000000001":"1700000000","0a0a0a0a-0000-4000-8000-000000000002":"1700000001"},"Opinion":{"0b0b0b0b-0000-4000-8000-000000000001":"1700000002"}}""";

        var (output, _, _, asked) = Run(json, reference => reference.EndsWith("0001", StringComparison.Ordinal) && reference.Contains("0a0a", StringComparison.Ordinal) ? Receivable() : EventAccess.Withheld);

        Assert.Equal(3, asked.Count);
        var answer = JsonNode.Parse(output)!;
        Assert.Single(answer["Note"]!.AsObject());
        Assert.Empty(answer["Opinion"]!.AsObject());
    }

    [Theory]
    [InlineData(",\"info\":\"secret\"")]
    [InlineData(",\"Event\":{\"uuid\":\"eeeeeeee-0000-4000-8000-000000000005\",\"info\":\"secret\"}")]
    [InlineData(",\"Tag\":{\"0b0b0b0b-0000-4000-8000-000000000001\":\"tlp:red\"}")]
    public void AnalystDataMinimalIndex_AnythingButAnalystDataBesideIt_EndsTheAnswer(string beside)
    {
        // The index lists notes, opinions and relationships by UUID, nothing else.
        ShapeStrictnessTests.Fails("""{"Note":{"0a0a0a0a-0000-4000-8000-000000000001":"1700000000"}""" + beside + "}");
    }

    [Fact]
    public void AttributeRowWithoutItsEventsTags_JudgedThroughItsEvent()
    {
        // Without includeEventTags (or for an untagged event) a row says nothing of its event's marking.
        var json = $$$"""{"response":{"Attribute":[{"id":"81","event_id":"8","uuid":"{{{AttributeUuid}}}","value":"203.0.113.81","Event":{"id":"8","uuid":"{{{EventUuid}}}","orgc_id":"3"}}]}}""";

        var (withheldOut, _, _, asked) = Run(json, _ => EventAccess.Withheld);
        var (releasedOut, _, _, _) = Run(json, _ => Receivable());

        Assert.Equal([EventUuid], asked);
        Assert.DoesNotContain("203.0.113.81", withheldOut, StringComparison.Ordinal);
        Assert.Contains("203.0.113.81", releasedOut, StringComparison.Ordinal);
    }

    [Fact]
    public void ItemRecord_NoLookupPossible_Withheld()
    {
        var (output, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(AttributeView), FilterHarness.Context(FilterHarness.Requester()));

        Assert.Empty(output);
        Assert.Equal("not-judgeable", Assert.Single(outcomes).Reason);
    }
}
