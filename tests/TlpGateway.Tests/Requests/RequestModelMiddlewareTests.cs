using System.Text;
using TlpGateway.Fuzz;

namespace TlpGateway.Tests.Requests;

/// <summary>
/// The request model and the way in, driven whole (the request fuzzer's harness: the real middleware with a
/// <c>DefaultHttpContext</c>, look-ups answered in process), for what the request fuzzer found.
/// </summary>
public sealed class RequestModelMiddlewareTests
{
    [Theory]
    [InlineData("/events/restSearch", """{"value":"x","includeEventUuid":1,"disable_background_processing":1}""", """{"value":"x"}""")]
    [InlineData("/galaxy_clusters/restSearch", """{"published":true,"uuid":"u"}""", """{"uuid":"u"}""")]
    [InlineData("/events/restSearch", """{"request":{"value":"x","Value":"y"},"eventid":5}""", """{"request":{"value":"x"}}""")]
    [InlineData("/events/restSearch", """{"request":"value","eventid":5}""", """{"returnFormat":"json"}""")]
    [InlineData("/events/restSearch", """{"galaxy.*":"x","value":"y"}""", """{"value":"y"}""")]
    public void RequestModelMiddleware_SearchBodyNamesMispDoesNotRead_NotForwarded(string path, string body, string expected)
    {
        // _harvestParameters reads a search body through the scope's paramArray, by exact name, from the request wrapper when there is one.
        var forwarded = Forward("POST", path, body);

        Assert.Equal(expected, Encoding.UTF8.GetString(forwarded.Body));
    }

    [Fact]
    public void RequestModelMiddleware_SearchNamedParametersMispDoesNotRead_NotForwarded()
    {
        // Named parameters outside paramArray are no filter; AppController reads disable_background_processing on any action.
        var forwarded = Forward("GET", "/events/restSearch/value:x/disable_background_processing:1/Value:y/deleted[]:1/foo:bar", string.Empty);

        Assert.Equal("/events/restSearch/value:x/deleted[]:1/excludeLocalTags:0/returnFormat:json", Uri.UnescapeDataString(forwarded.Target));
    }

    [Theory]
    [InlineData("GET", "/events/view/5/disable_background_processing:1/viewAs:1/deleted:1/foo:bar/Deleted:1", "/events/view/5/deleted:1")]
    [InlineData("GET", "/events/view/5/includeGranularCorrelations:1/extendedView:1/overrideLimit:1", "/events/view/5/includeGranularCorrelations:1")]
    [InlineData("GET", "/events/index/searchAll:x/searchemail:a@b.c/order:Event.user_id/includeAnalystData:1/sort:timestamp", "/events/index/searchAll:x/sort:timestamp")]
    [InlineData("GET", "/shadow_attributes/index/all:1/sort:value1/direction:asc/deleted:0", "/shadow_attributes/index/all:1/deleted:0")]
    [InlineData("GET", "/attributes/view/7/disable_background_processing:1", "/attributes/view/7")]
    [InlineData("GET", "/analyst_data/index/Note/uuid:x/foo:1", "/analyst_data/index/Note/uuid:x")]
    [InlineData("POST", "/attributes/add/5/breakOnDuplicate:0/disable_background_processing:1", "/attributes/add/5/breakOnDuplicate:0")]
    [InlineData("POST", "/attributes/delete/7/hard:1/disable_background_processing:1", "/attributes/delete/7/hard:1")]
    [InlineData("POST", "/events/publish/5/disable_background_processing:1", "/events/publish/5")]
    [InlineData("POST", "/events/edit/5/metadata:1/fast_update:1", "/events/edit/5/metadata:1")]
    [InlineData("POST", "/sightings/add/7/disable_background_processing:1", "/sightings/add/7")]
    public void RequestModelMiddleware_NamedParameterTheActionDoesNotReadOrTheGatewayDoesNotUnderstand_NotForwarded(string method, string path, string expected)
    {
        // Off the searches, only what the action reads and the gateway understands: not AppController's
        // disable_background_processing, a site admin's viewAs, the index's raw SQL order, a proposal index's sort.
        var body = method == "POST" ? path.Contains("/attributes/add/", StringComparison.Ordinal) ? """{"type":"comment","value":"x"}""" : "{}" : string.Empty;
        var forwarded = Forward(method, path, body);

        Assert.Equal(expected, Uri.UnescapeDataString(forwarded.Target));
        RequestTarget.CheckFixedPoint(FuzzRequester.Member, forwarded);
    }

    [Theory]
    [InlineData("""{"searchall":"x","order":"Event.user_id","email":"a@b.c","includeAnalystData":1,"sort":"timestamp"}""", """{"searchall":"x","sort":"timestamp"}""")]
    [InlineData("""{"request":{"Org":"x","searchEmail":"a"},"order":"id"}""", """{"request":{"Org":"x"}}""")]
    public void RequestModelMiddleware_EventIndexBodyKeyTheIndexDoesNotReadOrTheGatewayDoesNotUnderstand_NotForwarded(string body, string expected)
    {
        // EventsController::index reads the request wrapper alone when there is one, its filters in any case, and a raw 'order'.
        var forwarded = Forward("POST", "/events/index", body);

        Assert.Equal(expected, Encoding.UTF8.GetString(forwarded.Body));
    }

    [Theory]
    [InlineData("/sightings/index", """{"org_id":"4","id":"8","context":"event"}""", "{}")]
    [InlineData("/sightings/index/5", """{"request":{"org_id":"4"}}""", "{}")]
    [InlineData("/sightings/listSightings", """{"id":"5","context":"event","org_id":"4","includeEvent":1,"Id":"8","disable_background_processing":1}""", """{"id":"5","context":"event","org_id":"4"}""")]
    [InlineData("/sightings/listSightings/5/attribute", """{"request":{"id":"8","context":"event"},"org_id":"4"}""", """{"org_id":"4"}""")]
    [InlineData("/events/view/5", """{"deleted":1,"extended":0,"includeAttachments":0,"excludeLocalTags":1}""", """{"deleted":1}""")]
    [InlineData("/analyst_data/indexMinimal", """{"orgc_name":["!ORG_C"],"uuid":"x","request":{"orgc_name":"ORG_D"}}""", """{"orgc_name":["!ORG_C"]}""")]
    [InlineData("/events/filterEventIdsForPush", """[{"Event":{"uuid":"u1","timestamp":"1","info":"x"},"Attribute":[]}]""", """[{"Event":{"uuid":"u1","timestamp":"1"}}]""")]
    public void RequestModelMiddleware_ReadBodyKeyTheActionDoesNotRead_NotForwarded(string path, string body, string expected)
    {
        // SightingsController::index reads no body, listSightings a POST's id, context and org_id (no request wrapper),
        // EventsController::view its 'deleted', AnalystDataController::indexMinimal its orgc_name, filterEventIdsForPush
        // each pushed event's Event.uuid and Event.timestamp.
        var forwarded = Forward("POST", path, body);

        Assert.Equal(expected, Encoding.UTF8.GetString(forwarded.Body));
        RequestTarget.CheckFixedPoint(FuzzRequester.Member, forwarded);
    }

    [Theory]
    [InlineData("/events/publish/15", """{"id":"18","Event":{"id":"18"}}""", "{}")]
    [InlineData("/events/publish/15", """[1,2]""", "[]")]
    [InlineData("/events/delete", """{"Event":{"id":"15","info":"x","Attribute":[]},"uuid":"18"}""", """{"Event":{"id":"15"}}""")]
    [InlineData("/events/removeTag", """{"request":{"Event":{"id":"15","tag":"3","local":1}},"id":"18"}""", """{"request":{"Event":{"id":"15","tag":"3"}}}""")]
    [InlineData("/attributes/removeTag", """{"Attribute":{"attribute_id":"25","tag":"3","event_id":"18"}}""", """{"Attribute":{"attribute_id":"25","tag":"3"}}""")]
    [InlineData("/attributes/delete/25", """{"hard":1,"uuid":"18"}""", """{"hard":1}""")]
    [InlineData("/attributes/deleteSelected/15", """{"id":["25","26"],"event_id":"15","comment":"x"}""", """{"id":["25","26"],"event_id":"15"}""")]
    [InlineData("/attributes/deleteSelected/15", """{"Attribute":["25","26"],"comment":"x"}""", """{"Attribute":["25","26"]}""")]
    [InlineData("/object_references/add/25", """{"referenced_uuid":"r5","relationship_type":"related-to","uuid":"x","event_id":"18","ObjectReference":{"comment":"c","object_id":"28"}}""", """{"referenced_uuid":"r5","relationship_type":"related-to","ObjectReference":{"comment":"c"}}""")]
    [InlineData("/tags/removeTagFromObject", """{"uuid":"u5","tag":"tlp:green","local":1}""", """{"uuid":"u5","tag":"tlp:green"}""")]
    [InlineData("/galaxies/attachCluster/15/event", """{"Galaxy":{"target_id":"7","uuid":"x"},"local":1}""", """{"Galaxy":{"target_id":"7"}}""")]
    [InlineData("/galaxies/attachCluster/15/event", """{"Galaxy":"7"}""", "{}")]
    [InlineData("/galaxies/attachMultipleClusters/25/attribute", """{"Galaxy":{"target_ids":"[7]","attribute_ids":"[28]"}}""", """{"Galaxy":{"target_ids":"[7]"}}""")]
    [InlineData("/sightings/delete/5", """{"id":"8"}""", "{}")]
    public void RequestModelMiddleware_WriteBodyKeyTheActionDoesNotRead_NotForwarded(string path, string body, string expected)
    {
        // A write whose body carries ids and flags alone forwards what its MISP 2.5.1 action reads (after RequestRearrangeTool's
        // request and model wrappers, inside Event, Galaxy, ObjectReference), so every target it names was judged.
        var forwarded = Forward("POST", path, body);

        Assert.Equal(expected, Encoding.UTF8.GetString(forwarded.Body));
        RequestTarget.CheckFixedPoint(FuzzRequester.Member, forwarded);
    }

    [Theory]
    [InlineData("/events/publish/15/18/19", "/events/publish/15")]
    [InlineData("/attributes/delete/25/1/18", "/attributes/delete/25/1")]
    [InlineData("/events/removeTag/15/3/1/18", "/events/removeTag/15/3/1")]
    [InlineData("/galaxies/attachCluster/15/event/18/local:1", "/galaxies/attachCluster/15/event/local:1")]
    [InlineData("/shadow_attributes/accept/5/18", "/shadow_attributes/accept/5")]
    [InlineData("/analyst_data/delete/Note/5/1/18", "/analyst_data/delete/Note/5/1")]
    public void RequestModelMiddleware_PassedArgumentsBeyondTheAction_NotForwarded(string path, string expected)
    {
        // PHP hands an action its own arguments: what follows them is read by no one, and a later MISP may read it.
        var forwarded = Forward("POST", path, "{}");

        Assert.Equal(expected, Uri.UnescapeDataString(forwarded.Target));
        RequestTarget.CheckFixedPoint(FuzzRequester.Member, forwarded);
    }

    [Theory]
    [InlineData("/events/view/4/999/1", "/events/view/4")]
    [InlineData("/events/view/4/1/deleted:1", "/events/view/4/deleted:1")]
    [InlineData("/attributes/view/5/x", "/attributes/view/5")]
    [InlineData("/objects/view/5/6", "/objects/view/5")]
    [InlineData("/event_reports/view/1/1", "/event_reports/view/1")]
    [InlineData("/event_reports/index/5/event_id:4", "/event_reports/index/event_id:4")]
    [InlineData("/shadow_attributes/index/4/9", "/shadow_attributes/index/4")]
    [InlineData("/sightings/index/4/9", "/sightings/index/4")]
    [InlineData("/sightings/listSightings/5/attribute/4/9", "/sightings/listSightings/5/attribute/4")]
    [InlineData("/analyst_data/view/Note/5/extra", "/analyst_data/view/Note/5")]
    [InlineData("/analyst_data/index/Note/5", "/analyst_data/index/Note")]
    [InlineData("/galaxy_clusters/view/7/1", "/galaxy_clusters/view/7")]
    [InlineData("/servers/getVersion/1", "/servers/getVersion")]
    [InlineData("/events/index/1/searchall:x", "/events/index/searchall:x")]
    public void RequestModelMiddleware_ReadPassedArgumentsBeyondTheAction_NotForwarded(string path, string expected)
    {
        // A read's action takes a fixed number of arguments (EventsController::view reads $continue and $fromEvent for the HTML
        // view alone): the extras reach no one in MISP 2.5.1, and what the gateway judged is what MISP is asked.
        var forwarded = Forward("GET", path, string.Empty);

        Assert.Equal(expected, Uri.UnescapeDataString(forwarded.Target));
        RequestTarget.CheckFixedPoint(FuzzRequester.Member, forwarded);
    }

    [Theory]
    [InlineData("/sightings/filterSightingUuidsForPush/15", """[{"uuid":"u1"}]""")]
    [InlineData("/attributes/deleteSelected/15", """{"Attribute":[["25"]]}""")]
    [InlineData("/attributes/deleteSelected/15", """{"a":{"id":"25"}}""")]
    [InlineData("/events/filterEventIdsForPush", """["u1"]""")]
    public void RequestModelMiddleware_ListHoldingItemsOfAnotherShape_Refused400(string path, string body)
    {
        // MISP reads every value of these as an id (an SQL IN list), or as a pushed event: an object or a list among ids is
        // no id it would read as one, an id among events no event.
        var outcome = RequestTarget.Send(new FuzzRequest(FuzzRequester.Member, "POST", path, [new("Content-Type", "application/json")], Encoding.UTF8.GetBytes(body)));

        Assert.Null(outcome.Forwarded);
        Assert.Equal(400, outcome.Status);
    }

    [Theory]
    [InlineData("/events/removeTag/1bfc1897-b375-497c-9f02-b164e32bc94a/3", """{"Event":{"Event":{"id":"18"}}}""", 403)]
    [InlineData("/attributes/removeTag/1bfc1897-b375-497c-9f02-b164e32bc94a/3", """{"request":{"Attribute":{"Attribute":{"id":"28"}}}}""", 403)]
    [InlineData("/object_references/add/25", """{"referenced_uuid":"r9","relationship_type":"related-to"}""", 404)]
    [InlineData("/object_references/add/25", """{"ObjectReference":{"referenced_uuid":"r9"}}""", 404)]
    public void RequestModelMiddleware_WriteBodyTargetMispReads_Judged(string path, string body, int status)
    {
        // removeTag with a passed id that is no number acts on the unwrapped data's own Event.id (Attribute.id); an object
        // reference points at an object or attribute by referenced_uuid: another organisation's event, or one withheld.
        var outcome = RequestTarget.Send(new FuzzRequest(FuzzRequester.Member, "POST", path, [new("Content-Type", "application/json")], Encoding.UTF8.GetBytes(body)));

        Assert.Null(outcome.Forwarded);
        Assert.Equal(status, outcome.Status);
    }

    [Fact]
    public void RequestModelMiddleware_ExportSearchReadAgain_ForwardedUnchanged()
    {
        // An export asks MISP for JSON with the export's defaults (to_ids, published) before the gateway's parameters,
        // where the same request read again has them: canonical once, canonical for good.
        var forwarded = Forward("POST", "/attributes/restSearch", """{"returnFormat":"csv","type":"ip-dst"}""");

        Assert.Equal("/attributes/restSearch/to_ids:1/published:1/includeEventTags:1/returnFormat:json", forwarded.Target);
        RequestTarget.CheckFixedPoint(FuzzRequester.Member, forwarded);
    }

    [Theory]
    [InlineData("GET", "/galaxy_clusters/restSearch/minimal:1", "")]
    [InlineData("GET", "/galaxy_clusters/restSearch/value:a/minimal[]:1", "")]
    [InlineData("POST", "/galaxy_clusters/restSearch", """{"minimal":true,"published":true}""")]
    public void RequestModelMiddleware_ClusterSearchWhoseOnlyFilterIsMinimal_AskedForWholeClustersAsMispsFilter(string method, string path, string body)
    {
        // MISP answers a GET search whose filters are empty with 400: minimal, removed, is said again as minimal:0.
        var forwarded = Forward(method, path, body);

        Assert.Equal("/galaxy_clusters/restSearch/minimal:0", forwarded.Target);
        RequestTarget.CheckFixedPoint(FuzzRequester.Member, forwarded);
    }

    [Theory]
    [InlineData("/events/restSearch", new byte[] { 0x7B, 0x22, 0x76, 0x61, 0x6C, 0x75, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D })]
    [InlineData("/events/add", new byte[] { 0x7B, 0x22, 0x45, 0x76, 0x65, 0x6E, 0x74, 0x22, 0x3A, 0x7B, 0x22, 0x69, 0xFF, 0x22, 0x3A, 0x31, 0x7D, 0x7D })]
    [InlineData("/attributes/add/5", new byte[] { 0x7B, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3A, 0x22, 0x69, 0x70, 0x2D, 0x64, 0x73, 0x74, 0x22, 0x2C, 0x22, 0x76, 0x61, 0x6C, 0x75, 0x65, 0x22, 0x3A, 0x22, 0x80, 0x22, 0x7D })]
    public void RequestModelMiddleware_JsonBodyNotUtf8_Refused400(string path, byte[] body)
    {
        // PHP's json_decode refuses what is not UTF-8; System.Text.Json parsed it and threw where a text was read, or wrote U+FFFD.
        var outcome = RequestTarget.Send(new FuzzRequest(FuzzRequester.Member, "POST", path, [new("Content-Type", "application/json")], body));

        Assert.Null(outcome.Forwarded);
        Assert.Equal(400, outcome.Status);
    }

    private static ForwardedRequest Forward(string method, string path, string body)
    {
        var outcome = RequestTarget.Send(new FuzzRequest(FuzzRequester.Member, method, path, body.Length == 0 ? [] : [new("Content-Type", "application/json")], Encoding.UTF8.GetBytes(body)));
        return outcome.Forwarded ?? throw new InvalidOperationException($"refused {outcome.Status}: {outcome.Answer}");
    }
}
