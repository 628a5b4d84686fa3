using System.Collections.Frozen;
using TlpGateway.Requests;

namespace TlpGateway.Endpoints;

/// <summary>
/// Every route the gateway serves (docs/endpoints.md explains the choices). A route not listed is
/// refused <c>403</c> for everyone: what the gateway cannot judge does not reach MISP. The list holds
/// what PyMISP's common calls and a MISP server's pull and push use.
/// </summary>
internal static class EndpointCatalog
{
    private static readonly string[] Get = [HttpMethods.Get];
    private static readonly string[] GetPost = [HttpMethods.Get, HttpMethods.Post];
    private static readonly string[] Post = [HttpMethods.Post];
    private static readonly string[] PostPut = [HttpMethods.Post, HttpMethods.Put];
    private static readonly string[] PostDelete = [HttpMethods.Post, HttpMethods.Delete];

    // RequestRearrangeTool: request and Event (or Attribute) unwrapped, tag_id, event_id and id read as the target; with a
    // passed id that is no number, the unwrapped data's own Event.id (Attribute.id) in its place.
    private static readonly string[] EventTagTargets = ["event", "event_id", "id", "Event.event", "Event.event_id", "Event.id", "Event.Event.id"];
    private static readonly string[] AttributeTagTargets = ["attribute", "attribute_id", "id", "Attribute.attribute", "Attribute.attribute_id", "Attribute.id", "Attribute.Attribute.id"];

    // EventsController::removeTag($id, $tag_id, $galaxy) and AttributesController::removeTag($id, $tag_id): what is left of the body after RequestRearrangeTool.
    private static readonly BodyKeys EventTagRemoval = BodyKeys.Rearranged("Event", "tag", "tag_id", "event", "event_id", "id", "Event.id");
    private static readonly BodyKeys AttributeTagRemoval = BodyKeys.Rearranged("Attribute", "tag", "tag_id", "attribute", "attribute_id", "id", "Attribute.id");

    // AttributesController::deleteSelected: Attribute when not empty, else the body; its id (ids), else every value of it, as ids.
    private static readonly BodyKeys SelectedAttributes = SelectedIds();

    // The deletions of an item ($id, $hard) read a 'hard' of their body (not object references', nor analyst data's: $type, $id, $hard).
    private static readonly BodyKeys Hard = BodyKeys.Of("hard");

    // Event::_add and _edit capture each object's references, updating one found by its uuid in any event.
    private static readonly TargetSource WrittenReferences = new(TargetKind.WrittenReference, null, "Event.Object.#.ObjectReference.#.uuid", "Object.#.ObjectReference.#.uuid");

    // EventsController::index: passedArgs' search filters (any case after the prefix) and order. Not 'email' (a filter on
    // the creator, whom the filter never releases), 'order' (a raw SQL order), 'includeAnalystData' (a row shape the index lacks),
    // 'limit' and 'page' (the gateway pages itself: Paged).
    private static readonly NamedParameters EventIndexNamed = NamedParameters.WithSearchPrefix(
        ["sort", "direction"],
        ["all", "attribute", "published", "hasproposal", "eventid", "datefrom", "dateuntil", "timestamp", "publish_timestamp", "publishtimestamp", "org", "sharinggroup", "eventinfo", "tag", "tags", "distribution", "analysis", "threatlevel", "value"]);

    // EventsController::view, REST: what narrows or adds shapes the filter judges. Not 'viewAs' (a site admin's view as another
    // user), 'extended' (refused), 'excludeLocalTags' (the gateway's), 'overrideLimit' (not REST).
    private static readonly NamedParameters EventViewNamed = NamedParameters.Of(
        "deleted", "toIDS", "includeAttachments", "includeRelatedTags", "includeDecayScore", "public", "excludeGalaxy", "includeCustomGalaxyCluster",
        "includeGranularCorrelations", "includeServerCorrelations", "includeEventCorrelations", "includeFeedCorrelations", "includeWarninglistHits",
        "noEventReports", "noShadowAttributes");

    // EventsController::add, edit and populate echo the event written without its attributes (a MISP server pushes with
    // metadata:1): a shape the filter judges. Not edit's 'fast_update', which skips MISP's own checks of the attributes.
    private static readonly NamedParameters EchoNamed = NamedParameters.Of("metadata");

    // Tags attached locally (not synchronised): the gateway judges local tags as any other (it asks with excludeLocalTags:0).
    private static readonly NamedParameters LocalNamed = NamedParameters.Of("local");

    private static readonly FrozenDictionary<(string Controller, string Action), MispEndpoint> ByRoute = Build();

    /// <summary>All served endpoints, for the documentation and its test.</summary>
    public static IEnumerable<MispEndpoint> All => ByRoute.Values.OrderBy(e => e.Controller, StringComparer.Ordinal).ThenBy(e => e.Action, StringComparer.Ordinal);

    /// <summary>
    /// The endpoint a route reaches, compared as MISP's dispatcher compares: controllers case-insensitive
    /// with underscores ignored (CakePHP camelizes them), actions case-insensitive (PHP methods); null when not served.
    /// </summary>
    public static MispEndpoint? Find(MispRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return ByRoute.GetValueOrDefault((route.ControllerKey, route.ActionKey));
    }

    private static FrozenDictionary<(string, string), MispEndpoint> Build()
    {
        var readOnly = WriteDescription.ReadsOnly;
        MispEndpoint[] endpoints =
        [
            // PassedRead: the arguments each MISP 2.5.1 action reads (none reads func_get_args() or params['pass'] but the searches,
            // whose ordered parameters are forwarded as the named ones of their paramArray instead).

            // Start-up, negotiation and the requester's own account: no MISP data.
            new("servers", "getVersion", Get, AnswerKind.Metadata) { PassedRead = 0, Sync = true },
            new("servers", "getPyMISPVersion", Get, AnswerKind.Metadata) { PassedRead = 0 },
            new("servers", "postTest", Post, AnswerKind.Metadata) { PassedRead = 0, Sync = true, Write = readOnly },
            new("attributes", "describeTypes", Get, AnswerKind.Metadata) { PassedRead = 0 },
            new("users", "view", Get, AnswerKind.Metadata) { PassedRead = 1, Sync = true, OnlyPassed = "me" },

            // Reads of MISP data, judged by what the answer contains.
            new("events", "index", GetPost, AnswerKind.Data) { PassedRead = 0, Sync = true, Write = readOnly, Parameters = EndpointParameters.MinimalIndex | EndpointParameters.Paged, Named = EventIndexNamed, Body = new(EventIndexNamed.ForwardsIndexKey, Unwraps: true) },
            // EventsController::view($id, $continue, $fromEvent): the last two feed only the HTML view's pivots, which REST never reaches.
            // PyMISP's get_event POSTs {"deleted": ..., "extended": ...} to the view, which reads 'deleted' of its body ('extended' is refused).
            new("events", "view", GetPost, AnswerKind.Data) { PassedRead = 1, Sync = true, Write = readOnly, Parameters = EndpointParameters.LocalTags, Named = EventViewNamed, Body = BodyKeys.Of("deleted") },
            new("events", "restSearch", GetPost, AnswerKind.Data) { Sync = true, Write = readOnly, Search = RestSearchScope.Event, Parameters = EndpointParameters.LocalTags | EndpointParameters.ReturnFormat | EndpointParameters.Paged },
            new("attributes", "restSearch", GetPost, AnswerKind.Data) { Sync = true, Write = readOnly, Search = RestSearchScope.Attribute, Parameters = EndpointParameters.EventTags | EndpointParameters.ReturnFormat | EndpointParameters.Paged },
            new("attributes", "view", Get, AnswerKind.Data) { PassedRead = 1 },
            new("objects", "view", Get, AnswerKind.Data) { PassedRead = 1 },
            // EventReportsController::view($reportId, $ajax): $ajax only picks the HTML view's layout.
            new("event_reports", "view", Get, AnswerKind.Data) { PassedRead = 1 },
            new("event_reports", "index", Get, AnswerKind.Data) { PassedRead = 0, Named = NamedParameters.Of("event_id", "value", "context") },
            new("shadow_attributes", "index", Get, AnswerKind.Data) { PassedRead = 1, Sync = true, Parameters = EndpointParameters.Paged, Named = NamedParameters.Of("all", "searchall", "deleted", "timestamp") },
            new("shadow_attributes", "view", Get, AnswerKind.Data) { PassedRead = 1 },
            new("sightings", "restSearch", GetPost, AnswerKind.Data) { Sync = true, Write = readOnly, Search = RestSearchScope.Sighting, Parameters = EndpointParameters.Paged },

            // SightingsController::index($eventid) reads none of its body (PyMISP's sightings(org=...) POSTs an org_id it ignores);
            // listSightings($id, $context, $org_id) reads those three of a POST's body, wrapper-less, over the passed ones.
            new("sightings", "index", GetPost, AnswerKind.Data) { PassedRead = 1, Write = readOnly, Body = BodyKeys.None, FlatSightings = true },
            new("sightings", "listSightings", GetPost, AnswerKind.Data) { PassedRead = 3, Write = readOnly, Body = BodyKeys.Of("id", "context", "org_id"), ListsSightings = true },
            new("sightings", "view", Get, AnswerKind.Data) { PassedRead = 1 },
            new("analyst_data", "index", Get, AnswerKind.Data) { PassedRead = 1, Sync = true, Parameters = EndpointParameters.Paged, Named = NamedParameters.Of("uuid", "target_object", "quickFilter") },
            new("analyst_data", "view", Get, AnswerKind.Data) { PassedRead = 2, Sync = true },
            // AnalystDataController::indexMinimal reads a POST body's orgc_name alone (a MISP server's pull rules on organisations).
            new("analyst_data", "indexMinimal", GetPost, AnswerKind.Data) { PassedRead = 0, Sync = true, Write = readOnly, Body = BodyKeys.Of("orgc_name") },
            new("galaxy_clusters", "view", Get, AnswerKind.Data) { PassedRead = 1, Sync = true },
            new("galaxy_clusters", "restSearch", GetPost, AnswerKind.Data) { Sync = true, Write = readOnly, Search = RestSearchScope.GalaxyCluster, Parameters = EndpointParameters.MinimalClusters | EndpointParameters.Paged },

            // A pushing MISP server asks which of its events, sightings and analyst data the hub lacks: answers of UUIDs.
            // EventsController::filterEventIdsForPush() reads each pushed event's Event.uuid and Event.timestamp.
            new("events", "filterEventIdsForPush", Post, AnswerKind.Metadata) { Sync = true, Write = readOnly, PassedRead = 0, Body = BodyKeys.None with { Each = BodyKeys.Of("Event.uuid", "Event.timestamp") } },
            new("sightings", "filterSightingUuidsForPush", Post, AnswerKind.Metadata) { Sync = true, Write = Contributes(WriteContent.None, new TargetSource(TargetKind.Event, 0)), PassedRead = 1, Body = BodyKeys.Ids([]) },
            new("analyst_data", "filterAnalystDataForPush", Post, AnswerKind.Metadata) { PassedRead = 0, Sync = true, Write = readOnly },

            // Events: created, changed by their owner only.
            new("events", "add", Post, AnswerKind.Data) { PassedRead = 0, Sync = true, Write = new(WriteEffect.Creates, WriteContent.Event, [WrittenReferences]) { TargetRequired = false }, Named = EchoNamed },
            new("events", "edit", PostPut, AnswerKind.Data)
            {
                Sync = true,
                PassedRead = 1,
                Named = EchoNamed,
                Write = Changes(WriteContent.Event, new TargetSource(TargetKind.Event, 0, "Event.uuid", "uuid"), new TargetSource(TargetKind.WrittenReport, null, "Event.EventReport.#.uuid", "EventReport.#.uuid"), WrittenReferences),
            },
            new("events", "populate", PostPut, AnswerKind.Data) { PassedRead = 2, Write = Changes(WriteContent.Event, new TargetSource(TargetKind.Event, 0)), Named = EchoNamed },
            // EventsController::delete: the body's id (then the body is its Event) or Event.id, when none is passed.
            new("events", "delete", PostDelete, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Event, 0, "id", "Event.id")), PassedRead = 1, Body = BodyKeys.Of("id", "Event.id") },
            new("events", "publish", Post, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Event, 0)), PassedRead = 1, Body = BodyKeys.None },
            new("events", "unpublish", Post, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Event, 0)), PassedRead = 1, Body = BodyKeys.None },

            // PyMISP's publish(alert=True): publishing with MISP's e-mail alerts.
            new("events", "alert", Post, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Event, 0)), PassedRead = 1, Body = BodyKeys.None },
            new("events", "addTag", Post, AnswerKind.Metadata) { PassedRead = 2, Write = Changes(WriteContent.Tag, new TargetSource(TargetKind.Event, 0, EventTagTargets)) },
            new("events", "removeTag", Post, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Event, 0, EventTagTargets)), PassedRead = 3, Body = EventTagRemoval },
            new("events", "freeTextImport", Post, AnswerKind.Data) { PassedRead = 3, Write = Changes(WriteContent.FreeText, new TargetSource(TargetKind.Event, 0)) },
            new("events", "saveFreeText", Post, AnswerKind.Metadata) { PassedRead = 1, Write = Changes(WriteContent.ResolvedFreeText, new TargetSource(TargetKind.Event, 0)) },

            // Attributes, objects, references, reports and tags: changes to their event.
            new("attributes", "add", Post, AnswerKind.Data) { PassedRead = 1, Write = Changes(WriteContent.Attributes, new TargetSource(TargetKind.Event, 0)), Named = NamedParameters.Of("enforceWarninglist", "breakOnDuplicate") },
            new("attributes", "edit", PostPut, AnswerKind.Data) { PassedRead = 1, Write = Changes(WriteContent.Attributes, new TargetSource(TargetKind.Attribute, 0)) },
            new("attributes", "delete", PostDelete, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Attribute, 0)), Named = NamedParameters.Of("hard"), PassedRead = 2, Body = Hard },
            new("attributes", "deleteSelected", Post, AnswerKind.Metadata)
            {
                Write = Changes(WriteContent.None, new TargetSource(TargetKind.Event, 0, "Attribute.event_id", "event_id"), new TargetSource(TargetKind.Attribute, null, "Attribute.id", "Attribute.*", "id", "*")),
                PassedRead = 2,
                Body = SelectedAttributes,
            },

            // MISP restores an attribute on a GET as well.
            new("attributes", "restore", GetPost, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Attribute, 0)), PassedRead = 1, Body = BodyKeys.None },
            new("attributes", "addTag", Post, AnswerKind.Metadata) { PassedRead = 2, Write = Changes(WriteContent.Tag, new TargetSource(TargetKind.Attribute, 0, AttributeTagTargets)), Named = LocalNamed },
            new("attributes", "removeTag", Post, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Attribute, 0, AttributeTagTargets)), PassedRead = 2, Body = AttributeTagRemoval },
            new("objects", "add", Post, AnswerKind.Data) { PassedRead = 3, Write = Changes(WriteContent.Object, new TargetSource(TargetKind.Event, 0)), Named = NamedParameters.Of("breakOnDuplicate") },
            new("objects", "edit", PostPut, AnswerKind.Data) { PassedRead = 3, Write = Changes(WriteContent.Object, new TargetSource(TargetKind.Object, 0)) },
            new("objects", "delete", PostDelete, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Object, 0)), PassedRead = 2, Body = Hard },

            // ObjectReferencesController::add: the body's object_uuid when none is passed; ObjectReference when set, else the body, for the rest.
            new("object_references", "add", Post, AnswerKind.Data)
            {
                Write = Changes(WriteContent.None, new TargetSource(TargetKind.Object, 0, "object_uuid"), new TargetSource(TargetKind.ReferencedItem, null, "referenced_uuid", "ObjectReference.referenced_uuid")),
                PassedRead = 1,
                Body = BodyKeys.Of(
                    "object_uuid", "referenced_uuid", "relationship_type", "relationship_type_select", "comment",
                    "ObjectReference.referenced_uuid", "ObjectReference.relationship_type", "ObjectReference.relationship_type_select", "ObjectReference.comment"),
            },
            new("object_references", "delete", PostDelete, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.ObjectReference, 0)), PassedRead = 2, Body = BodyKeys.None },
            new("event_reports", "add", Post, AnswerKind.Data) { PassedRead = 1, Write = Changes(WriteContent.Report, new TargetSource(TargetKind.Event, 0)) },
            new("event_reports", "edit", PostPut, AnswerKind.Data) { PassedRead = 1, Write = Changes(WriteContent.Report, new TargetSource(TargetKind.EventReport, 0)) },
            new("event_reports", "delete", PostDelete, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.EventReport, 0)), PassedRead = 2, Body = Hard },
            new("tags", "attachTagToObject", Post, AnswerKind.Metadata) { PassedRead = 3, Write = Changes(WriteContent.Tag, new TargetSource(TargetKind.EventOrAttribute, 0, "uuid")) },
            new("tags", "removeTagFromObject", Post, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.EventOrAttribute, 0, "uuid")), PassedRead = 2, Body = BodyKeys.Of("uuid", "tag") },

            // GalaxiesController::attachCluster($target_id, $target_type) reads the cluster's id of Galaxy.target_id; attachMultipleClusters
            // Galaxy.target_ids and mirror_on_event (its attribute_ids only for the target 'selected', which names no attribute the gateway finds).
            new("galaxies", "attachCluster", Post, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.ByTypeParameter, 0)), Named = LocalNamed, PassedRead = 2, Body = BodyKeys.Of("Galaxy.target_id") },
            new("galaxies", "attachMultipleClusters", Post, AnswerKind.Metadata)
            {
                Write = Changes(WriteContent.None, new TargetSource(TargetKind.ByTypeParameter, 0)),
                Named = LocalNamed,
                PassedRead = 2,
                Body = BodyKeys.Of("Galaxy.target_ids", "Galaxy.mirror_on_event"),
            },

            // Contributions on any event the requester may receive (SPEC section 6).
            new("shadow_attributes", "add", Post, AnswerKind.Data) { PassedRead = 1, Write = Contributes(WriteContent.Proposals, new TargetSource(TargetKind.Event, 0)) },
            new("shadow_attributes", "edit", PostPut, AnswerKind.Data) { PassedRead = 1, Write = Contributes(WriteContent.Proposals, new TargetSource(TargetKind.Attribute, 0)) },
            // ShadowAttributesController::delete($id) proposes to delete the attribute $id names.
            new("shadow_attributes", "delete", PostDelete, AnswerKind.Metadata) { Write = Contributes(WriteContent.None, new TargetSource(TargetKind.Attribute, 0)), PassedRead = 1, Body = BodyKeys.None },

            // Accepting or discarding a proposal changes the event: its owner decides.
            new("shadow_attributes", "accept", Post, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Proposal, 0), new TargetSource(TargetKind.ProposedEdit, 0)), PassedRead = 1, Body = BodyKeys.None },
            new("shadow_attributes", "discard", Post, AnswerKind.Metadata) { Write = Changes(WriteContent.None, new TargetSource(TargetKind.Proposal, 0)), PassedRead = 1, Body = BodyKeys.None },
            new("events", "pushProposals", Post, AnswerKind.Metadata) { PassedRead = 1, Sync = true, Write = Contributes(WriteContent.Proposals, new TargetSource(TargetKind.Event, 0)) },
            new("sightings", "add", Post, AnswerKind.Data) { PassedRead = 1, Write = Contributes(WriteContent.Sightings, new TargetSource(TargetKind.Attribute, 0, "uuid", "id", "Sighting.uuid", "Sighting.id")) },
            new("sightings", "delete", PostDelete, AnswerKind.Metadata) { Write = Contributes(WriteContent.None, new TargetSource(TargetKind.Sighting, 0)), PassedRead = 1, Body = BodyKeys.None },
            new("sightings", "bulkSaveSightings", Post, AnswerKind.Metadata)
            {
                Sync = true,
                PassedRead = 1,
                // SightingsController::bulkSaveSightings: Sighting when set, else the body; every value of it a sighting.
                Write = Contributes(
                    WriteContent.SightingList,
                    new TargetSource(TargetKind.Event, 0, "#.event_uuid", "*.Sighting.event_uuid", "Sighting.#.event_uuid"),
                    new TargetSource(TargetKind.Attribute, null, "#.attribute_uuid", "*.Sighting.attribute_uuid", "Sighting.#.attribute_uuid")),
            },
            new("analyst_data", "add", Post, AnswerKind.Data) { PassedRead = 3, Sync = true, Write = Contributes(WriteContent.AnalystData, new TargetSource(TargetKind.ByTypeParameter, 1)) },
            new("analyst_data", "edit", PostPut, AnswerKind.Data) { PassedRead = 2, Sync = true, Write = Contributes(WriteContent.AnalystData, new TargetSource(TargetKind.AnalystData, 1)) },
            new("analyst_data", "delete", PostDelete, AnswerKind.Metadata) { Sync = true, Write = Contributes(WriteContent.None, new TargetSource(TargetKind.AnalystData, 1)), PassedRead = 3, Body = BodyKeys.None },
            new("analyst_data", "pushAnalystData", Post, AnswerKind.Metadata) { PassedRead = 0, Sync = true, Write = Contributes(WriteContent.AnalystData, new TargetSource(TargetKind.ByTypeParameter)) },

            // A MISP server pushes the galaxy clusters its events use (MISP's ServerSyncTool).
            new("galaxies", "pushCluster", Post, AnswerKind.Metadata) { PassedRead = 0, Sync = true, Write = new(WriteEffect.None, WriteContent.Clusters, []) { TargetRequired = false } },
        ];

        return endpoints.ToFrozenDictionary(e => (MispRoute.Key(e.Controller), e.Action.ToLowerInvariant()));
    }

    private static BodyKeys SelectedIds()
    {
        string[] named = ["id", "event_id", "allow_hard_delete"];
        var attribute = BodyKeys.Ids(["id"], named);
        return BodyKeys.Ids(["id", "Attribute"], named) with { Within = new Dictionary<string, BodyKeys>(StringComparer.Ordinal) { ["Attribute"] = attribute }.ToFrozenDictionary(StringComparer.Ordinal) };
    }

    private static WriteDescription Changes(WriteContent content, params TargetSource[] targets) => new(WriteEffect.Changes, content, targets);

    private static WriteDescription Contributes(WriteContent content, params TargetSource[] targets) => new(WriteEffect.Contributes, content, targets);
}
