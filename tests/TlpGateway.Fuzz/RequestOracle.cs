using System.Text;
using System.Text.Json;
using TlpGateway.Endpoints;
using TlpGateway.Requests;

namespace TlpGateway.Fuzz;

/// <summary>
/// What a forwarded request may hold, read from the request itself with code of the oracle's own (its own reading
/// of the path, of PHP truthiness and of SPEC's rules; the gateway's catalog and <c>paramArray</c> only as the lists
/// of names its model knows, never its decisions). Each broken rule throws <see cref="FuzzFinding"/>.
/// </summary>
internal static class RequestOracle
{
    // The endpoints a MISP server pulls and pushes with (SPEC section 6, misp-samples/real-2.5.1/sync-trace.md, docs/endpoints.md).
    private static readonly HashSet<string> SyncEndpoints =
    [
        "servers/getVersion", "servers/postTest", "users/view", "events/index", "events/view", "events/restSearch", "attributes/restSearch",
        "shadow_attributes/index", "sightings/restSearch", "analyst_data/index", "analyst_data/view", "analyst_data/indexMinimal",
        "galaxy_clusters/view", "galaxy_clusters/restSearch", "events/filterEventIdsForPush", "sightings/filterSightingUuidsForPush",
        "analyst_data/filterAnalystDataForPush", "events/add", "events/edit", "events/pushProposals", "sightings/bulkSaveSightings",
        "analyst_data/add", "analyst_data/edit", "analyst_data/delete", "analyst_data/pushAnalystData", "galaxies/pushCluster",
    ];

    // SPEC section 6: changes to an event (its attributes, objects, references, reports, tags, clusters, proposals
    // accepted) need its owner; contributions (proposals, sightings, analyst data) an event the requester may receive.
    private static readonly HashSet<string> Changes =
    [
        "events/edit", "events/populate", "events/delete", "events/publish", "events/unpublish", "events/alert", "events/addTag", "events/removeTag",
        "events/freeTextImport", "events/saveFreeText", "attributes/add", "attributes/edit", "attributes/delete", "attributes/deleteSelected",
        "attributes/restore", "attributes/addTag", "attributes/removeTag", "objects/add", "objects/edit", "objects/delete", "object_references/add",
        "object_references/delete", "event_reports/add", "event_reports/edit", "event_reports/delete", "tags/attachTagToObject",
        "tags/removeTagFromObject", "galaxies/attachCluster", "galaxies/attachMultipleClusters", "shadow_attributes/accept", "shadow_attributes/discard",
    ];

    private static readonly HashSet<string> Contributions =
    [
        "shadow_attributes/add", "shadow_attributes/edit", "shadow_attributes/delete", "events/pushProposals", "sightings/add", "sightings/delete",
        "sightings/bulkSaveSightings", "sightings/filterSightingUuidsForPush",
    ];

    // What the gateway writes itself on the way in (docs/way-in.md, step 8): exactly these, once, and no other spelling of their names.
    private static readonly Dictionary<string, (string Name, string Value)[]> Written = new(StringComparer.Ordinal)
    {
        ["events/restSearch"] = [("excludeLocalTags", "0"), ("returnFormat", "json")],
        ["attributes/restSearch"] = [("includeEventTags", "1"), ("returnFormat", "json")],
        ["sightings/restSearch"] = [("returnFormat", "json")],
        ["galaxy_clusters/restSearch"] = [("minimal", "0")],
    };

    // Names the gateway removes (the filter answers these itself, or MISP's default applies): in no spelling, anywhere.
    private static readonly Dictionary<string, string[]> Removed = new(StringComparer.Ordinal)
    {
        ["events/view"] = ["excludeLocalTags"],
        ["events/index"] = ["minimal", "searchminimal", "limit", "page"],

        // MISP pages over what the gateway withholds too: the gateway asks for every record and releases the page itself.
        ["events/restSearch"] = ["limit", "page"],
        ["attributes/restSearch"] = ["limit", "page"],
        ["sightings/restSearch"] = ["limit", "page"],
        ["galaxy_clusters/restSearch"] = ["limit", "page"],
        ["shadow_attributes/index"] = ["limit", "page"],
        ["analyst_data/index"] = ["limit", "page"],
    };

    // Parameters that merge or list what the requester may not receive: never truthy where MISP reads them.
    private static readonly Dictionary<string, string[]> NeverTruthy = new(StringComparer.Ordinal)
    {
        ["events/view"] = ["extended"],
        ["events/restSearch"] = ["extended", "extensionList", "flatten"],
    };

    // Off the searches, the named parameters MISP 2.5.1's action reads and the oracle accepts (read from its controllers):
    // every other is none the action reads, or one that changes whom MISP answers as, or a raw SQL order. None elsewhere.
    private static readonly Dictionary<string, string[]> NamedRead = new(StringComparer.Ordinal)
    {
        ["events/index"] = ["sort", "direction"],
        ["events/view"] =
        [
            "deleted", "toIDS", "includeAttachments", "includeRelatedTags", "includeDecayScore", "public", "excludeGalaxy", "includeCustomGalaxyCluster",
            "includeGranularCorrelations", "includeServerCorrelations", "includeEventCorrelations", "includeFeedCorrelations", "includeWarninglistHits",
            "noEventReports", "noShadowAttributes",
        ],
        ["event_reports/index"] = ["event_id", "value", "context"],
        ["shadow_attributes/index"] = ["all", "searchall", "deleted", "timestamp"],
        ["analyst_data/index"] = ["uuid", "target_object", "quickFilter"],
        ["events/add"] = ["metadata"],
        ["events/edit"] = ["metadata"],
        ["events/populate"] = ["metadata"],
        ["attributes/add"] = ["enforceWarninglist", "breakOnDuplicate"],
        ["attributes/delete"] = ["hard"],
        ["attributes/addTag"] = ["local"],
        ["objects/add"] = ["breakOnDuplicate"],
        ["galaxies/attachCluster"] = ["local"],
        ["galaxies/attachMultipleClusters"] = ["local"],
    };

    // Reads that are no search and take a body: the top-level keys MISP 2.5.1's action reads of it (none unwraps 'request').
    private static readonly Dictionary<string, string[]> BodyRead = new(StringComparer.Ordinal)
    {
        ["events/view"] = ["deleted"],
        ["sightings/index"] = [],
        ["sightings/listSightings"] = ["id", "context", "org_id"],
        ["analyst_data/indexMinimal"] = ["orgc_name"],
    };

    // EventsController::__setIndexFilterConditions: 'search' then one of these in any case. Not 'email' (the creator).
    private static readonly string[] IndexFilters =
    [
        "all", "attribute", "published", "hasproposal", "eventid", "datefrom", "dateuntil", "timestamp", "publish_timestamp", "publishtimestamp",
        "org", "sharinggroup", "eventinfo", "tag", "tags", "distribution", "analysis", "threatlevel", "value",
    ];

    // Where MISP reads a write's target from the body (the path's missing, or read beside it): the body paths the oracle holds to SPEC section 6.
    private static readonly Dictionary<string, string[]> BodyTargets = new(StringComparer.Ordinal)
    {
        ["tags/attachTagToObject"] = ["uuid"],
        ["tags/removeTagFromObject"] = ["uuid"],
        ["object_references/add"] = ["object_uuid"],
        ["events/removeTag"] = ["event", "event_id", "id", "Event.event", "Event.event_id", "Event.id", "Event.Event.id"],
        ["attributes/removeTag"] = ["attribute", "attribute_id", "id", "Attribute.attribute", "Attribute.attribute_id", "Attribute.id", "Attribute.Attribute.id"],
        ["sightings/add"] = ["uuid", "id", "Sighting.uuid", "Sighting.id"],
        ["events/delete"] = ["id", "Event.id"],
        ["analyst_data/add"] = ["Note.object_uuid", "Opinion.object_uuid", "Relationship.object_uuid", "object_uuid"],
    };

    /// <summary>A refusal is MISP's error shape with a 4xx status (or 503: MISP could not be asked).</summary>
    public static void CheckRefusal(RequestOutcome outcome)
    {
        if (outcome.Status is < 400 or > 499 and not 503)
        {
            throw new FuzzFinding($"neither forwarded nor refused: status {outcome.Status}");
        }

        if (outcome.HeadOnly)
        {
            // Status and headers only.
            if (outcome.Answer.Length > 0)
            {
                throw new FuzzFinding("a refusal of a HEAD has a body: " + outcome.Answer);
            }

            return;
        }

        try
        {
            using var error = JsonDocument.Parse(outcome.Answer);
            if (error.RootElement.ValueKind != JsonValueKind.Object || !error.RootElement.TryGetProperty("message", out _))
            {
                throw new FuzzFinding("a refusal is not MISP's error shape: " + outcome.Answer);
            }
        }
        catch (JsonException)
        {
            throw new FuzzFinding("a refusal is not JSON: " + outcome.Answer);
        }
    }

    /// <summary>Holds one forwarded request to every rule the oracle knows.</summary>
    public static void Check(FuzzRequester requester, ForwardedRequest forwarded)
    {
        if (forwarded.Method is not ("GET" or "POST" or "PUT" or "DELETE"))
        {
            throw new FuzzFinding($"forwarded as {forwarded.Method}");
        }

        if (forwarded.Target.Contains('?', StringComparison.Ordinal))
        {
            throw new FuzzFinding("a query string was forwarded: " + forwarded.Target);
        }

        if (forwarded.Header("Accept") != "application/json")
        {
            throw new FuzzFinding("forwarded with Accept " + forwarded.Header("Accept"));
        }

        var segments = Segments(forwarded.Target);
        if (segments.Count < 2)
        {
            throw new FuzzFinding("forwarded to no action: " + forwarded.Target);
        }

        var route = segments[0] + "/" + segments[1];
        var endpoint = EndpointCatalog.All.FirstOrDefault(e => e.Controller == segments[0] && e.Action == segments[1])
            ?? throw new FuzzFinding("forwarded to a route the gateway does not serve, or in another spelling: " + route);
        if (!endpoint.Methods.Contains(forwarded.Method))
        {
            throw new FuzzFinding($"{route} forwarded as {forwarded.Method}, which it does not serve");
        }

        // SPEC section 1 and docs/endpoints.md: a member's MISP server (restrictSyncEndpoints) reaches the sync endpoints only.
        if (requester == FuzzRequester.Sync && !SyncEndpoints.Contains(route))
        {
            throw new FuzzFinding("a MISP server reached " + route);
        }

        using var document = Body(forwarded);

        // MISP refuses a POST search with no data (400): where the gateway removed all of it, it says returnFormat json
        // instead, as its own parameter does (a name the galaxy cluster scope does not read, which then answers JSON).
        var placeholder = endpoint.Search is not null && document?.RootElement.GetRawText() == "{\"returnFormat\":\"json\"}";
        var body = placeholder ? null : document;
        var named = segments.Skip(2).Where(s => s.Contains(':', StringComparison.Ordinal)).Select(s => (Name: s[..s.IndexOf(':', StringComparison.Ordinal)], Value: s[(s.IndexOf(':', StringComparison.Ordinal) + 1)..])).ToList();
        CheckIdentity(named);
        CheckWrittenAndRemoved(route, named, body);
        if (endpoint.Search is { } scope)
        {
            CheckSearchNames(route, scope, segments, named, body);
        }

        else
        {
            CheckNamedRead(route, named, body);
        }

        CheckTarget(route, segments);
        CheckBodyTargets(route, segments, body);
        PassedArgumentsOracle.Check(route, segments);
        WriteBodyOracle.Check(route, body);
        if (route is "events/add" or "events/edit" && body is { } written)
        {
            CheckWrittenEvent(route, requester, written.RootElement);
        }
    }

    /// <summary>The body as JSON (what MISP decodes under <c>application/json</c>), or null for none.</summary>
    private static JsonDocument? Body(ForwardedRequest forwarded)
    {
        var type = forwarded.Header("Content-Type");
        if (forwarded.Body.Length == 0)
        {
            return null;
        }

        if (forwarded.Method == "GET")
        {
            throw new FuzzFinding("a GET forwarded with a body");
        }

        if (type != "application/json")
        {
            throw new FuzzFinding("a body forwarded as " + type);
        }

        try
        {
            var document = JsonDocument.Parse(forwarded.Body, new JsonDocumentOptions { MaxDepth = 300 });
            if (document.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                throw new FuzzFinding("a body forwarded that is neither an object nor a list");
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw new FuzzFinding("a body forwarded that is not JSON: " + ex.Message);
        }
    }

    /// <summary>No second key and no SQL log in the path, in any case or form (<c>apikey[]:</c>).</summary>
    private static void CheckIdentity(List<(string Name, string Value)> named)
    {
        foreach (var (name, _) in named)
        {
            var bare = BareName(name);
            if (bare.Equals("apikey", StringComparison.OrdinalIgnoreCase) || bare.Equals("sql", StringComparison.OrdinalIgnoreCase))
            {
                throw new FuzzFinding("forwarded with the named parameter " + name);
            }
        }
    }

    private static void CheckWrittenAndRemoved(string route, List<(string Name, string Value)> named, JsonDocument? body)
    {
        var keys = BodyKeys(body).ToList();
        foreach (var (name, value) in Written.GetValueOrDefault(route, []))
        {
            var spellings = named.Where(p => BareName(p.Name).Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (spellings is not [var only] || only.Name != name || only.Value != value)
            {
                throw new FuzzFinding($"{route}: {name} is not written once as {name}:{value} ({string.Join(", ", spellings.Select(s => s.Name + ":" + s.Value))})");
            }

            // The body is read first and the named parameter wins: one in the body is harmless only if it says the same.
            if (keys.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } inBody)
            {
                throw new FuzzFinding($"{route}: {inBody.Name} left in the body beside the gateway's {name}:{value}");
            }
        }

        foreach (var name in Removed.GetValueOrDefault(route, []))
        {
            if (named.Any(p => BareName(p.Name).Equals(name, StringComparison.OrdinalIgnoreCase))
                || keys.Any(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || (name == "minimal" && route == "events/index" && k.Name.StartsWith("search", StringComparison.Ordinal) && k.Name[6..].Equals("minimal", StringComparison.OrdinalIgnoreCase))))
            {
                throw new FuzzFinding($"{route}: {name} forwarded, which the gateway removes");
            }
        }

        foreach (var name in NeverTruthy.GetValueOrDefault(route, []))
        {
            if (named.Any(p => BareName(p.Name) == name && (p.Name != name || Truthy(p.Value))) || keys.Any(k => k.Name == name && Truthy(k.Value)))
            {
                throw new FuzzFinding($"{route}: {name} forwarded as MISP reads it true");
            }
        }
    }

    /// <summary>
    /// A search as forwarded: no ordered parameters (the gateway names them), and every name in the path and the
    /// body (its top level, or the <c>request</c> wrapper that replaces it) one of the scope's <c>paramArray</c>,
    /// as spelled there: a name MISP does not read was not judged, and a spelling MISP reads otherwise was judged as another.
    /// </summary>
    private static void CheckSearchNames(string route, RestSearchScope scope, List<string> segments, List<(string Name, string Value)> named, JsonDocument? body)
    {
        var known = RestSearchParameters.Of(scope);
        // MISP 2.5.1 reads the named galaxy.* literally, and no body key by that pattern (PCRE refuses its class [\w_-. ]).
        bool Known(string name) => known.Contains(name);
        if (segments.Skip(2).FirstOrDefault(s => !s.Contains(':', StringComparison.Ordinal)) is { } ordered)
        {
            throw new FuzzFinding($"{route}: the ordered parameter '{ordered}' forwarded as such");
        }

        if (named.FirstOrDefault(p => !Known(BareName(p.Name))) is { Name: not null } unknownNamed)
        {
            throw new FuzzFinding($"{route}: the named parameter '{unknownNamed.Name}' forwarded, which is not one of the scope's filters");
        }

        if (body?.RootElement is { ValueKind: JsonValueKind.Object } top)
        {
            // With a request wrapper (isset: not null), MISP reads it alone: nothing beside it, and a wrapper that is an object.
            var wrapped = top.TryGetProperty("request", out var inner) && inner.ValueKind != JsonValueKind.Null;
            if (wrapped && (inner.ValueKind != JsonValueKind.Object || top.EnumerateObject().Count() != 1))
            {
                throw new FuzzFinding($"{route}: a body forwarded with its request wrapper beside other keys, or a wrapper that is no object");
            }

            var read = wrapped ? inner : top;
            if (read.EnumerateObject().FirstOrDefault(p => !Known(p.Name) || p.Name == "galaxy.*") is { Value.ValueKind: not JsonValueKind.Undefined } unknown)
            {
                throw new FuzzFinding($"{route}: the body's '{unknown.Name}' forwarded, which is not one of the scope's filters");
            }
        }
    }

    /// <summary>
    /// Off the searches: every named parameter one the action reads and the oracle accepts, by exact name (an array form
    /// <c>deleted[]</c> names <c>deleted</c>); the events index's <c>search</c> filters in any case after the prefix, and its body
    /// (or the <c>request</c> wrapper that replaces it) the same filters with or without the prefix, and its pagination; the
    /// body of another read only the top-level keys its action reads (<see cref="BodyRead"/>).
    /// </summary>
    private static void CheckNamedRead(string route, List<(string Name, string Value)> named, JsonDocument? body)
    {
        var read = NamedRead.GetValueOrDefault(route, []);
        bool IndexFilter(string name) => route == "events/index" && name.StartsWith("search", StringComparison.Ordinal) && IndexFilters.Contains(name[6..].ToLowerInvariant());
        if (named.FirstOrDefault(p => !read.Contains(BareName(p.Name)) && !IndexFilter(BareName(p.Name))) is { Name: not null } unread)
        {
            throw new FuzzFinding($"{route}: the named parameter '{unread.Name}' forwarded, which the action does not read or the oracle does not accept");
        }

        if (route == "events/index" && body?.RootElement is { ValueKind: JsonValueKind.Object } top)
        {
            var wrapped = top.TryGetProperty("request", out var inner) && inner.ValueKind != JsonValueKind.Null;
            var keys = (wrapped ? inner : top).ValueKind == JsonValueKind.Object ? (wrapped ? inner : top).EnumerateObject().Select(p => p.Name) : [];
            if (wrapped && top.EnumerateObject().Count() != 1)
            {
                throw new FuzzFinding($"{route}: a body forwarded with its request wrapper beside other keys");
            }

            if (keys.FirstOrDefault(k => !read.Contains(k) && !IndexFilter(k) && !IndexFilters.Contains(k.ToLowerInvariant())) is { } key)
            {
                throw new FuzzFinding($"{route}: the body's '{key}' forwarded, which the index does not read or the oracle does not accept");
            }
        }

        if (BodyRead.TryGetValue(route, out var bodyRead) && body?.RootElement is { ValueKind: JsonValueKind.Object } data
            && data.EnumerateObject().FirstOrDefault(p => !bodyRead.Contains(p.Name)) is { Value.ValueKind: not JsonValueKind.Undefined } unreadKey)
        {
            throw new FuzzFinding($"{route}: the body's '{unreadKey.Name}' forwarded, which the action does not read or the oracle does not accept");
        }
    }

    /// <summary>
    /// SPEC section 6 for a target MISP reads from the body (<see cref="BodyTargets"/>), in <see cref="FuzzMisp"/>'s world:
    /// at the top level, in the <c>request</c> wrapper, as text or a number, no reference to another organisation's event
    /// for a change or to one the requester may not receive for any write.
    /// </summary>
    private static void CheckBodyTargets(string route, List<string> segments, JsonDocument? body)
    {
        // AnalystDataController::add writes a passed object_uuid over the body's: the body's is read only when none is passed.
        var passedUuid = route == "analyst_data/add" && segments.Count > 3 && !segments[3].Contains(':', StringComparison.Ordinal);
        if (passedUuid || !BodyTargets.TryGetValue(route, out var paths) || body?.RootElement is not { ValueKind: JsonValueKind.Object } top)
        {
            return;
        }

        var holders = new List<JsonElement> { top };
        if (top.TryGetProperty("request", out var inner) && inner.ValueKind == JsonValueKind.Object)
        {
            holders.Add(inner);
        }

        foreach (var holder in holders)
        {
            foreach (var path in paths)
            {
                var value = holder;
                foreach (var part in path.Split('.'))
                {
                    value = value.ValueKind == JsonValueKind.Object && value.TryGetProperty(part, out var next) ? next : default;
                }

                var reference = value.ValueKind switch { JsonValueKind.String => value.GetString()!, JsonValueKind.Number => value.GetRawText(), _ => string.Empty };
                if (reference.Length > 0 && ((Changes.Contains(route) && reference[^1] is '8' or '9') || reference[^1] == '9'))
                {
                    throw new FuzzFinding($"{route}: the body's {path} '{reference}' forwarded: {(reference[^1] == '8' ? "another organisation's event" : "an event the requester may not receive")}");
                }
            }
        }
    }

    /// <summary>
    /// SPEC section 6 in <see cref="FuzzMisp"/>'s world, where the last character of a reference decides whose event it
    /// is (<c>8</c> another organisation's, <c>9</c> one the requester may not receive): the event or item the path names
    /// first is the requester's own for a change, and one it may receive for a contribution.
    /// </summary>
    private static void CheckTarget(string route, List<string> segments)
    {
        if (segments.Count < 3 || segments[2].Contains(':', StringComparison.Ordinal))
        {
            return;
        }

        var last = segments[2][^1];
        if ((Changes.Contains(route) && last is '8' or '9') || (Contributions.Contains(route) && last == '9'))
        {
            throw new FuzzFinding($"{route}/{segments[2]} forwarded: {(last == '8' ? "another organisation's event" : "an event the requester may not receive")}");
        }
    }

    /// <summary>
    /// SPEC sections 5 and 6: an event added or edited is written in the writer's name, and with a TLP level. The event
    /// is found as <c>EventsController</c> finds it (add: <c>response</c>, then <c>request</c>, then <c>Event</c> or the
    /// whole; edit: <c>response</c>, then <c>Event</c> or the whole); its source is what <c>Event::_add</c> reads
    /// (<c>Orgc</c>, <c>orgc</c>, <c>orgc_id</c>: an <c>orgc_uuid</c> beside them is not read).
    /// </summary>
    private static void CheckWrittenEvent(string route, FuzzRequester requester, JsonElement body)
    {
        var writer = RequestTarget.RequesterOf(requester);
        var holder = body;
        foreach (var wrapper in route == "events/add" ? new[] { "response", "request" } : ["response"])
        {
            if (holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(wrapper, out var inner) && inner.ValueKind != JsonValueKind.Null)
            {
                holder = inner;
            }
        }

        if (holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty("Event", out var wrapped) && wrapped.ValueKind != JsonValueKind.Null)
        {
            holder = wrapped;
        }

        if (holder.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var name in new[] { "Orgc", "orgc" })
        {
            if (holder.TryGetProperty(name, out var source) && !(source.ValueKind == JsonValueKind.Object && source.TryGetProperty("uuid", out var uuid) && uuid.ValueKind == JsonValueKind.String && uuid.GetString()!.Equals(writer.OrgUuid, StringComparison.OrdinalIgnoreCase)))
            {
                throw new FuzzFinding($"{route}: the event's {name} is not the writer's organisation: {source.GetRawText()}");
            }
        }

        if (holder.TryGetProperty("orgc_id", out var orgcId) && !(orgcId.ValueKind is JsonValueKind.String or JsonValueKind.Number && orgcId.ToString() == writer.OrgId))
        {
            throw new FuzzFinding($"{route}: the event's orgc_id is not the writer's organisation: {orgcId.GetRawText()}");
        }

        if (route == "events/add" && !TagNames(holder).Any(IsTlpLevel))
        {
            var text = holder.GetRawText();
            throw new FuzzFinding("events/add: an event forwarded with no TLP level: " + text[..Math.Min(200, text.Length)]);
        }
    }

    // MISP finds a tag by its name lower-cased (Tag::captureTag: LOWER(name) = mb_strtolower), and nothing else.
    private static bool IsTlpLevel(string name) => name.ToLowerInvariant() is "tlp:clear" or "tlp:white" or "tlp:green" or "tlp:amber" or "tlp:amber+strict" or "tlp:red";

    private static IEnumerable<string> TagNames(JsonElement holder)
    {
        IEnumerable<JsonElement> Values(JsonElement element) =>
            element.ValueKind switch { JsonValueKind.Array => element.EnumerateArray(), JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value), _ => [] };

        if (holder.TryGetProperty("Tag", out var tags))
        {
            foreach (var tag in tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty("name", out _) ? [tags] : Values(tags))
            {
                if (tag.ValueKind == JsonValueKind.Object && tag.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    yield return name.GetString()!;
                }
            }
        }

        if (holder.TryGetProperty("EventTag", out var links))
        {
            foreach (var link in Values(links))
            {
                if (link.ValueKind == JsonValueKind.Object && link.TryGetProperty("Tag", out var tag) && tag.ValueKind == JsonValueKind.Object && tag.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    yield return name.GetString()!;
                }
            }
        }
    }

    /// <summary>The path's segments as PHP's <c>urldecode</c> reads them (a <c>+</c> a space), empty ones skipped as CakePHP skips them.</summary>
    private static List<string> Segments(string target)
    {
        var decoded = Uri.UnescapeDataString(target.Replace("+", " ", StringComparison.Ordinal));
        return [.. decoded.Split('/').Where(s => s.Length > 0)];
    }

    /// <summary>
    /// A named parameter's name as CakePHP 2 reads it (<c>CakeRoute::_parseArgs</c>): with a bracket pair it matches
    /// (<c>\[([A-Za-z0-9_-]+)?\]</c>) anywhere, the text before the first <c>[</c> (<c>deleted[]</c> is <c>deleted</c>);
    /// without one, the whole name (<c>extended[[imit</c> is that name).
    /// </summary>
    private static string BareName(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, @"\[([A-Za-z0-9_-]+)?\]") ? name[..name.IndexOf('[', StringComparison.Ordinal)] : name;

    /// <summary>The keys of a body's top level and of its <c>request</c> wrapper, with their values as text.</summary>
    private static IEnumerable<(string Name, string? Value)> BodyKeys(JsonDocument? body)
    {
        if (body?.RootElement is not { ValueKind: JsonValueKind.Object } top)
        {
            yield break;
        }

        foreach (var property in top.EnumerateObject())
        {
            yield return (property.Name, Text(property.Value));
        }

        if (top.TryGetProperty("request", out var inner) && inner.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in inner.EnumerateObject())
            {
                yield return (property.Name, Text(property.Value));
            }
        }
    }

    // A value as PHP's !empty() reads it, as text: null for false, [] and {}; "1" for a non-empty list or object.
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetDouble(out var number) && number == 0 ? "0" : "1",
        JsonValueKind.True => "1",
        JsonValueKind.Array => value.GetArrayLength() > 0 ? "1" : null,
        JsonValueKind.Object => value.EnumerateObject().Any() ? "1" : null,
        _ => null,
    };

    /// <summary>PHP's <c>!empty()</c> of a text (an own copy: only <c>""</c> and <c>"0"</c> are false; <c>"0.0"</c> is true).</summary>
    private static bool Truthy(string? value) => value is not (null or "" or "0");
}
