using TlpGateway.Requests;

namespace TlpGateway.Provenance;

/// <summary>
/// Whether a request asks MISP to select or order what it answers by its source (SPEC section 4): an
/// answer chosen by organisation names the source of every event in it, hidden or not, so such an
/// answer may hold only what shows its source to the requester. Pure code over the request model.
/// </summary>
internal static class SourceSelection
{
    // Event::set_filter_org (the creator organisation by name, id or uuid, "!" negating), and the
    // organisation fields RestSearchComponent filters on: restSearch of events and attributes. So is
    // what the gateway removes with a hidden source: the sharing group (with the organisations it
    // names) and the event an event extends (Event.extends_uuid).
    private static readonly string[] SearchFilters = ["org", "org.sector", "org.local", "org.nationality", "sharinggroup", "sharing_group_id", "eventsExtendingUuid"];

    // EventsController::index: body keys in any case, with or without "search"; named searchorg, searchemail.
    private static readonly string[] IndexFilters = ["org", "searchorg", "email", "searchemail", "sharinggroup", "searchsharinggroup"];

    // EventsController::index sorts by any column of the event (__indexRestResponse: isset($fieldNames[sort])).
    private static readonly string[] IndexOrders = ["sort", "order"];

    // The columns among them that hiding a source rewrites or removes in an index row (MispShapes: orgc_id, org_id, user_id,
    // sharing_group_id zeroed; extends_uuid, locked removed), whose order tells what the row no longer shows.
    private static readonly string[] HiddenColumnParts = ["org", "user", "sharing_group", "extends", "locked"];

    // Sighting::restSearch and listSightings: the organisation that sighted, and its source text.
    private static readonly string[] SightingFilters = ["org_id", "source"];

    // GalaxyClustersController::restSearch: the cluster's organisations.
    private static readonly string[] ClusterFilters = ["org_id", "orgc_id"];

    // AnalystDataController::indexMinimal: the creator organisation by name ("!" negating), which a
    // MISP server's pull rules on organisations send.
    private static readonly string[] AnalystDataFilters = ["orgc_name"];

    public static bool SelectsBySource(MispRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var endpoint = request.Endpoint;
        return endpoint.Search switch
        {
            RestSearchScope.Event or RestSearchScope.Attribute => AnySet(request, SearchFilters),
            RestSearchScope.Sighting => AnySet(request, SightingFilters),
            RestSearchScope.GalaxyCluster => AnySet(request, ClusterFilters),
            _ => (endpoint.Controller, endpoint.Action) switch
            {
                ("events", "index") => AnySet(request, IndexFilters) || IndexOrders.Any(name => request.AllSpellings(name).Any(NamesHiddenSourceColumn)),

                // listSightings($id, $context, $org_id): the third passed segment, or org_id in a POST body.
                ("sightings", "listSightings") => AnySet(request, ["org_id"]) || (request.Route.Passed.Count > 2 && PhpValue.IsTruthy(request.Route.Passed[2])),
                ("analyst_data", "indexMinimal") => AnySet(request, AnalystDataFilters),
                _ => false,
            },
        };
    }

    /// <summary>A filter MISP applies: set under any spelling to a value PHP's <c>empty</c> does not skip.</summary>
    private static bool AnySet(MispRequest request, string[] names) => names.Any(name => request.AllSpellings(name).Any(PhpValue.IsTruthy));

    /// <summary>
    /// An order by a column hiding a source rewrites or removes, in any case: the source or its creator (<c>orgc_id</c>,
    /// <c>Orgc.name</c>, <c>user_id</c>), the sharing group, the event it extends (<c>extends_uuid</c>: rows sorted by it
    /// tell which extend the same event), <c>locked</c>.
    /// </summary>
    private static bool NamesHiddenSourceColumn(System.Text.Json.Nodes.JsonNode? value) =>
        value?.ToJsonString() is { } text && HiddenColumnParts.Any(part => text.Contains(part, StringComparison.OrdinalIgnoreCase));
}
