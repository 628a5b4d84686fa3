using TlpGateway.Endpoints;
using TlpGateway.Ingress;
using TlpGateway.Tests.Requests;

namespace TlpGateway.Tests.Ingress;

/// <summary>Every event or item a write names, wherever MISP reads it.</summary>
public sealed class WriteTargetsTests
{
    private static List<TargetRef> Collect(string method, string path, string? body = null)
    {
        var model = RequestTestData.Model(method, path, body)!;
        return WriteTargets.Collect(model, model.Endpoint.Write!);
    }

    [Theory]
    [InlineData("/events/delete", """{"id":"5"}""")]
    [InlineData("/events/delete", """{"Event":{"id":5}}""")]
    [InlineData("/events/delete", """{"request":{"id":"5"}}""")]
    [InlineData("/events/delete/5", null)]
    [InlineData("/events/5", null)]
    public void EventsDelete_IdInPathOrBody_Named(string path, string? body)
    {
        var target = Assert.Single(Collect(path == "/events/5" ? "DELETE" : "POST", path, body));

        Assert.Equal(new TargetRef(TargetKind.Event, "5"), target);
    }

    [Theory]
    [InlineData("""{"id":["5","6"]}""")]
    [InlineData("""{"id":"[5,6]"}""")]
    [InlineData("""{"Event":{"id":[5,6]}}""")]
    public void EventsDelete_ListsOfIds_EachNamed(string body)
    {
        Assert.Equal(["5", "6"], Collect("POST", "/events/delete", body).Select(t => t.Id));
    }

    [Fact]
    public void EventsEdit_BodyUuidOfAnotherEvent_BothNamed()
    {
        var targets = Collect("POST", "/events/edit/5", """{"Event":{"uuid":"9a5a8fbf-71a6-47b5-b84b-52e55399c2d2"}}""");

        Assert.Equal(["5", "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2"], targets.Select(t => t.Id));
    }

    [Theory]
    [InlineData("/events/addTag", """{"event":"5","tag":"x"}""")]
    [InlineData("/events/addTag", """{"event_id":"5","tag":"x"}""")]
    [InlineData("/events/addTag", """{"request":{"Event":{"id":"5"}}}""")]
    [InlineData("/events/addTag/5/1", null)]
    public void EventsAddTag_EventFromEverySpellingTheRearrangeToolReads(string path, string? body)
    {
        Assert.Contains(new TargetRef(TargetKind.Event, "5"), Collect("POST", path, body));
    }

    [Theory]
    [InlineData("/tags/attachTagToObject", """{"uuid":"9a5a8fbf-71a6-47b5-b84b-52e55399c2d2","tag":"x"}""")]
    [InlineData("/tags/removeTagFromObject/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2/x", null)]
    public void Tags_ObjectUuid_NamedAsEventOrAttribute(string path, string? body)
    {
        Assert.Equal(new TargetRef(TargetKind.EventOrAttribute, "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2"), Assert.Single(Collect("POST", path, body)));
    }

    [Fact]
    public void AttributesDeleteSelected_IdsInEveryPlace_EachNamed()
    {
        var targets = Collect("POST", "/attributes/deleteSelected/4", """{"Attribute":{"id":["7","8"]},"id":"9"}""");

        Assert.Contains(new TargetRef(TargetKind.Event, "4"), targets);
        Assert.Contains(new TargetRef(TargetKind.Attribute, "7"), targets);
        Assert.Contains(new TargetRef(TargetKind.Attribute, "8"), targets);
        Assert.Contains(new TargetRef(TargetKind.Attribute, "9"), targets);
    }

    [Fact]
    public void AttributesRestore_OnAGet_Named()
    {
        Assert.Equal(new TargetRef(TargetKind.Attribute, "7"), Assert.Single(Collect("GET", "/attributes/restore/7")));
    }

    [Fact]
    public void GalaxiesAttachCluster_TargetTypeBesideTheId()
    {
        Assert.Equal(new TargetRef(TargetKind.ByTypeParameter, "7", "attribute"), Assert.Single(Collect("POST", "/galaxies/attachCluster/7/attribute", """{"Galaxy":{"target_id":"1"}}""")));
        Assert.Equal("event", Assert.Single(Collect("POST", "/galaxies/attachCluster/7", """{"Galaxy":{"target_id":"1"}}""")).Type);
    }

    [Fact]
    public void AnalystDataAdd_TargetFromPathOrBody()
    {
        Assert.Equal(new TargetRef(TargetKind.ByTypeParameter, "u1", "Attribute"), Assert.Single(Collect("POST", "/analyst_data/add/Note/u1/Attribute", "{}")));
        Assert.Equal(new TargetRef(TargetKind.ByTypeParameter, "u2", "Event"), Assert.Single(Collect("POST", "/analyst_data/add/Note", """{"Note":{"object_uuid":"u2","object_type":"Event"}}""")));
    }

    [Theory]
    [InlineData("""{"Note":{"object_uuid":"u1","object_type":"Event"}}""", "u1")]
    [InlineData("""{"Note":{"object_uuid":"u2"},"Opinion":{"object_uuid":"u1"},"note_type_name":"Opinion"}""", "u1")]
    [InlineData("""{"note_type_name":"Relationship","object_uuid":"u1","Note":{"object_uuid":"u2"}}""", "u1")]
    public void PushAnalystData_TheItemMispDeduces_ItsTargetNamed(string body, string target)
    {
        // ServerSyncTool pushes one item; AnalystData::deduceAnalystDataType takes note_type_name, else the first type key.
        Assert.Equal(target, Assert.Single(Collect("POST", "/analyst_data/pushAnalystData", body)).Id);
    }

    [Theory]
    [InlineData("/events/add", """{"Event":{"Object":[{"uuid":"o1","ObjectReference":[{"uuid":"r1"}]}]}}""")]
    [InlineData("/events/edit/6", """{"response":{"Event":{"Object":{"0":{"ObjectReference":{"1":{"uuid":"r1"}}}}}}}""")]
    public void EventWrite_ObjectReferenceByUuid_NamedForTheReferenceMispWouldUpdate(string path, string body)
    {
        // ObjectReference::captureReference updates the reference with that uuid, in whatever event it is.
        Assert.Contains(new TargetRef(TargetKind.WrittenReference, "r1"), Collect("POST", path, body));
    }

    [Theory]
    [InlineData("/events/edit/6", """{"Event":{"Note":[{"uuid":"n1"}]}}""")]
    [InlineData("/events/add", """{"Event":{"Attribute":[{"Opinion":{"0":{"uuid":"n1"}}}]}}""")]
    [InlineData("/events/add", """{"Event":{"Object":[{"Attribute":[{"Relationship":[{"uuid":"n1"}]}]}]}}""")]
    [InlineData("/attributes/add/6", """{"type":"ip-dst","Note":[{"uuid":"n2","Opinion":[{"uuid":"n1"}]}]}""")]
    [InlineData("/analyst_data/pushAnalystData", """{"Note":{"uuid":"n1","object_uuid":"u1"}}""")]
    public void WrittenAnalystData_AtAnyDepth_ItsUuidNamedForTheItemMispWouldUpdate(string path, string body)
    {
        // AnalystData::captureAnalystData updates the item with that uuid wherever it is, and points it at the writer's object.
        Assert.Contains(new TargetRef(TargetKind.WrittenAnalystData, "n1", "all"), Collect("POST", path, body));
    }

    [Theory]
    [InlineData("""[{"Note":{"object_uuid":"u1"}}]""")]
    [InlineData("""{"object_uuid":"u1"}""")]
    [InlineData("""{"Note":"u1"}""")]
    public void PushAnalystData_NoItemMispCouldDeduce_Refused(string body)
    {
        Assert.Throws<ShapeException>(() => Collect("POST", "/analyst_data/pushAnalystData", body));
    }

    [Fact]
    public void BulkSaveSightings_EventAndAttributesOfEachSighting()
    {
        var targets = Collect("POST", "/sightings/bulkSaveSightings/e1", """[{"event_uuid":"e2","attribute_uuid":"a1"}]""");

        Assert.Equal([new(TargetKind.Event, "e1"), new(TargetKind.Event, "e2"), new(TargetKind.Attribute, "a1")], targets);
    }

    [Theory]
    [InlineData("""{"Sighting":[{"attribute_uuid":"a1"}]}""")]
    [InlineData("""{"Sighting":{"s":{"attribute_uuid":"a1"}}}""")]
    [InlineData("""{"s":{"attribute_uuid":"a1"}}""")]
    public void BulkSaveSightings_SightingsAsMispReadsThem_EachAttributeNamed(string body)
    {
        // SightingsController::bulkSaveSightings takes Sighting when set, else the body, and every value of it.
        Assert.Contains(new TargetRef(TargetKind.Attribute, "a1"), Collect("POST", "/sightings/bulkSaveSightings/e1", body));
    }

    [Theory]
    [InlineData("""{"id":{"x":1}}""")]
    [InlineData("""{"id":"[1,"}""")]
    [InlineData("""{"id":[[1]]}""")]
    public void EventsDelete_IdMispWouldMisread_Refused(string body)
    {
        Assert.Throws<ShapeException>(() => Collect("POST", "/events/delete", body));
    }

    [Theory]
    [InlineData("/events/removeTag/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2/3", """{"Event":{"Event":{"id":"7"}}}""")]
    [InlineData("/events/removeTag/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2/3", """{"request":{"Event":{"Event":{"id":"7"}}}}""")]
    [InlineData("/attributes/removeTag/9a5a8fbf-71a6-47b5-b84b-52e55399c2d2/3", """{"Attribute":{"Attribute":{"id":"7"}}}""")]
    public void RemoveTag_IdOfTheUnwrappedDatasOwnModel_Named(string path, string body)
    {
        // RequestRearrangeTool unwraps request and Event (Attribute); with a passed id that is no number, removeTag then
        // acts on the Event.id (Attribute.id) of what is left, not on the id it looked up.
        var kind = path.StartsWith("/events/", StringComparison.Ordinal) ? TargetKind.Event : TargetKind.Attribute;

        Assert.Contains(new TargetRef(kind, "7"), Collect("POST", path, body));
    }

    [Theory]
    [InlineData("""{"referenced_uuid":"r1"}""")]
    [InlineData("""{"ObjectReference":{"referenced_uuid":"r1"}}""")]
    public void ObjectReferencesAdd_WhatTheReferencePointsAt_NamedBesideTheObject(string body)
    {
        // ObjectReference::getReferencedInfo finds an object, else an attribute, by that uuid, in the object's event or the one it extends.
        var targets = Collect("POST", "/object_references/add/25", body);

        Assert.Equal([new(TargetKind.Object, "25"), new(TargetKind.ReferencedItem, "r1")], targets);
    }

    [Fact]
    public void ShadowAttributesDelete_PassedId_NamedAsTheAttributeProposedForDeletion()
    {
        // ShadowAttributesController::delete($id) fetches the attribute $id names and proposes its deletion: no proposal is named.
        Assert.Equal(new TargetRef(TargetKind.Attribute, "7"), Assert.Single(Collect("POST", "/shadow_attributes/delete/7")));
    }
}
