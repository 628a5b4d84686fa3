namespace TlpGateway.Requests;

/// <summary>
/// Whether an event search asks MISP to choose events by what their attributes hold: MISP answers an event
/// whole when any attribute matches, so an event the gateway releases without some of its attributes tells
/// that one of those holds the value, tag or type asked for; so does an index row of such an event. An attribute
/// search answers only the matching attributes, whose removal tells nothing. Pure code over the request model.
/// </summary>
internal static class ContentSelection
{
    // Event::filterEventIds: set_filter_value and set_filter_simple_attribute (attribute columns),
    // set_filter_tags (attribute tags as well as event tags; tag is tags' alias), set_filter_wildcard.
    private static readonly string[] AttributeFilters = ["value", "type", "category", "object_relation", "tags", "tag", "searchall"];

    // EventsController::index: searchall (__quickFilter, attribute values and comments among what it searches),
    // searchattribute and searchvalue; body keys in any case, with or without "search".
    private static readonly string[] IndexFilters = ["all", "searchall", "attribute", "searchattribute", "value", "searchvalue"];

    public static bool SelectsByContent(MispRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var endpoint = request.Endpoint;
        var filters = endpoint.Search is RestSearchScope.Event ? AttributeFilters
            : endpoint.Search is null && (endpoint.Controller, endpoint.Action) == ("events", "index") ? IndexFilters
            : [];
        return filters.Any(name => request.AllSpellings(name).Any(PhpValue.IsTruthy));
    }
}
