namespace TlpGateway.Requests;

/// <summary>The search scopes of MISP's <c>restSearch</c> (<c>AppController::restSearch</c>).</summary>
internal enum RestSearchScope
{
    Event,
    Attribute,
    Sighting,
    GalaxyCluster,
}

/// <summary>
/// <c>RestSearchComponent::$paramArray</c> of MISP 2.5.1, per scope: the filters <c>_harvestParameters</c>
/// takes from the body and named parameters, and the order in which ordered URL parameters
/// (<c>/events/restSearch/json/null/...</c>) are mapped onto them. <c>page</c> and <c>limit</c> are
/// appended where a scope lacks them, as <c>_harvestParameters</c> does.
/// </summary>
internal static class RestSearchParameters
{
    private static readonly string[] Event =
    [
        "returnFormat", "value", "type", "category", "org", "tags", "searchall", "from", "to", "last", "eventid", "withAttachments", "metadata",
        "uuid", "publish_timestamp", "timestamp", "event_timestamp", "event_tags", "published", "enforceWarninglist", "sgReferenceOnly", "limit",
        "page", "requested_attributes", "includeContext", "headerless", "includeWarninglistHits", "attackGalaxy", "to_ids", "deleted",
        "excludeLocalTags", "date", "includeSightingdb", "tag", "object_relation", "threat_level_id", "eventinfo", "sharinggroup", "idList",
        "includeAllTags", "includeAttachments", "event_uuid", "distribution", "sharing_group_id", "disableSiteAdmin", "flatten",
        "blockedAttributeTags", "eventsExtendingUuid", "extended", "extensionList", "excludeGalaxy", "includeAnalystData", "includeRelatedTags",
        "includeDecayScore", "includeScoresOnEvent", "includeFeedCorrelations", "includeServerCorrelations", "noEventReports", "noShadowAttributes",
        "order", "protected", "includeGranularCorrelations", "policy", "walled_garden", "ns", "email", "serial", "refresh", "retry", "expiry",
        "minimum_ttl", "ttl", "org.sector", "org.local", "org.nationality", "galaxy.*",
    ];

    private static readonly string[] Attribute =
    [
        "returnFormat", "value", "value1", "value2", "type", "category", "org", "tags", "from", "to", "last", "eventid", "withAttachments", "uuid",
        "publish_timestamp", "published", "timestamp", "enforceWarninglist", "to_ids", "deleted", "includeEventUuid", "event_timestamp",
        "threat_level_id", "includeEventTags", "includeProposals", "limit", "page", "requested_attributes", "includeContext", "headerless",
        "includeWarninglistHits", "attackGalaxy", "object_relation", "includeSightings", "includeCorrelations", "includeDecayScore", "decayingModel",
        "excludeDecayed", "modelOverrides", "includeFullModel", "score", "attribute_timestamp", "first_seen", "last_seen", "eventinfo",
        "sharinggroup", "allow_proposal_blocking", "flatten", "list", "event_ids", "includeAllTags", "includeAttributeUuid", "includeGalaxy",
        "order", "policy", "walled_garden", "ns", "email", "serial", "refresh", "retry", "expiry", "minimum_ttl", "ttl",
    ];

    private static readonly string[] Sighting =
    [
        "context", "returnFormat", "id", "uuid", "type", "from", "to", "last", "org_id", "source", "includeAttribute", "includeEvent", "includeUuid", "page", "limit",
    ];

    private static readonly string[] GalaxyCluster =
    [
        "page", "limit", "id", "uuid", "galaxy_id", "galaxy_uuid", "version", "distribution", "org_id", "orgc_id", "tag_name", "custom",
        "sgReferenceOnly", "minimal", "list", "first", "count", "order",
    ];

    /// <summary>The ordered filter names of <paramref name="scope"/>.</summary>
    public static IReadOnlyList<string> Of(RestSearchScope scope) => scope switch
    {
        RestSearchScope.Event => Event,
        RestSearchScope.Attribute => Attribute,
        RestSearchScope.Sighting => Sighting,
        _ => GalaxyCluster,
    };
}
