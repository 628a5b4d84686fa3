using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Members;
using TlpGateway.Redis;
using TlpGateway.Shapes;
using TlpGateway.Upstream;

namespace TlpGateway.Filtering;

/// <summary>
/// Looks an event (or an item) up in MISP with the requester's own key, so MISP's access control
/// applies too, judges the answer with the same filter as any answer, and caches what it found for
/// a bounded time. References are an event's id or UUID, or <c>attribute/UUID</c>,
/// <c>object/UUID</c>, <c>eventreport/UUID</c>, <c>analyst/UUID</c> for an item judged through its
/// own view (which may itself need its event looked up: at most <see cref="MaxDepth"/> levels).
/// The events of one round of look-ups are asked in one <c>/events/restSearch</c>.
/// </summary>
internal sealed class EventAccessLookup(IMispLookupClient misp, IDistributedCache cache, IOptions<FilterOptions> options)
{
    private const int MaxDepth = 3;
    private const string SearchPath = "/events/restSearch";

    // A look-up asks as the gateway asks for any answer it judges (local tags included), else it would judge less than it releases.
    private static readonly KeyValuePair<string, string>[] SearchParameters =
        [.. Requests.RequestModelMiddleware.GatewayParameters(Endpoints.EndpointCatalog.Find(Requests.MispRoute.Parse(SearchPath, HttpMethods.Post)!)!)];

    /// <summary>Access to <paramref name="reference"/>.</summary>
    /// <exception cref="MispUnavailableException">MISP could not be asked.</exception>
    public Task<EventAccess> GetAsync(string reference, Requester requester, CommunitySettings community, CancellationToken cancellationToken) =>
        GetAsync(reference, requester, community, depth: 0, cancellationToken);

    /// <summary>
    /// Access to each of <paramref name="references"/> (in their order): the events not cached in one
    /// search by UUID (and one by id: MISP would require both filters at once), items through their
    /// own views, a few at a time. What MISP could not answer is withheld for this answer only, and
    /// not cached.
    /// </summary>
    public async Task<EventAccess[]> GetManyAsync(IReadOnlyList<string> references, Requester requester, CommunitySettings community, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(references);
        return [.. (await GetManyAsync(references, requester, community, references.Count, versionOf: null, depth: 0, cancellationToken)).Select(f => f!)];
    }

    /// <summary>
    /// Looks up what <paramref name="filter"/> waits for (<see cref="MispResponseFilter.PendingLookups"/>),
    /// with what <paramref name="lookAhead"/> finds the events after it need in the same search,
    /// makes it known through <paramref name="context"/> and lets the filter go on, until it waits for nothing.
    /// </summary>
    public Task ResolveAsync(MispResponseFilter filter, FilterContext context, IBufferWriter<byte> output, CorrelationLookAhead? lookAhead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(context);
        return ResolveAsync(filter, context, output, lookAhead, depth: 0, cancellationToken);
    }

    /// <summary>The event an attribute, object or report belongs to, through <c>/{controller}/view/{id}</c>.</summary>
    public async Task<string?> EventOfAsync(string controller, string id, Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var response = await misp.GetAsync($"/{controller}/view/{Uri.EscapeDataString(id)}", requester.ApiKey, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(response.Body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == System.Text.Json.JsonValueKind.Object && property.Value.TryGetProperty("event_id", out var eventId))
                {
                    return eventId.ToString();
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        return null;
    }

    private async Task<EventAccess> GetAsync(string reference, Requester requester, CommunitySettings community, int depth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(requester);
        return await CachedAsync(reference, requester, version: null, cancellationToken) ?? await ViewAsync(reference, requester, community, depth, cancellationToken);
    }

    /// <remarks>
    /// The references from <paramref name="required"/> on are asked only along (found reading the
    /// answer ahead): where MISP could not answer them they stay null, unknown rather than withheld.
    /// A cached access older than the version <paramref name="versionOf"/> names is asked again.
    /// </remarks>
    private async Task<EventAccess?[]> GetManyAsync(IReadOnlyList<string> references, Requester requester, CommunitySettings community, int required, Func<string, long?>? versionOf, int depth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(requester);
        var found = new EventAccess?[references.Count];
        List<int> uuids = [], ids = [], views = [];
        for (var i = 0; i < references.Count; i++)
        {
            found[i] = await CachedAsync(references[i], requester, versionOf?.Invoke(references[i]), cancellationToken);
            if (found[i] is not null)
            {
                continue;
            }

            var batch = depth >= MaxDepth ? views : MispUuid.IsWellFormed(references[i]) ? uuids : IsEventId(references[i]) ? ids : views;
            batch.Add(i);
        }

        // An item (or a reference the gateway does not know) has a view of its own: a few at a time, beside the searches.
        var viewing = Parallel.ForEachAsync(views, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, token) =>
        {
            try
            {
                found[i] = await ViewAsync(references[i], requester, community, depth, token);
            }
            catch (MispUnavailableException) when (depth == 0)
            {
                found[i] = EventAccess.Withheld;
            }
        });
        await Task.WhenAll(
            SearchAsync("uuid", uuids, references, found, required, requester, community, depth, cancellationToken),
            SearchAsync("eventid", ids, references, found, required, requester, community, depth, cancellationToken),
            viewing);
        return found;
    }

    /// <summary>An event's local id, as MISP's <c>eventid</c> filter takes it.</summary>
    private static bool IsEventId(string reference) =>
        reference.Length is > 0 and <= 19 && reference.All(char.IsAsciiDigit) && reference[0] != '0';

    /// <summary>
    /// Asks one restSearch for the events at <paramref name="asked"/> and judges each record of the
    /// answer as an answer of its own; an asked event the answer lacks is one the requester may not
    /// receive (cached). A failed search withholds them all, uncached, from the answer that asked,
    /// but for those asked only along, which stay unknown (one look-up deeper, the failure
    /// propagates as a failed view does).
    /// </summary>
    private async Task SearchAsync(string filter, List<int> asked, IReadOnlyList<string> references, EventAccess?[] found, int required, Requester requester, CommunitySettings community, int depth, CancellationToken cancellationToken)
    {
        if (asked.Count == 0)
        {
            return;
        }

        Dictionary<string, EventAccess>? judged = null;
        try
        {
            var body = new JsonObject();
            foreach (var (name, value) in SearchParameters)
            {
                body[name] = value;
            }

            body[filter] = new JsonArray([.. asked.Select(i => JsonValue.Create(references[i]))]);
            var response = await misp.SearchAsync(SearchPath, JsonSerializer.SerializeToUtf8Bytes(body), requester.ApiKey, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                judged = await JudgeEventsAsync(response.Body, byId: filter == "eventid", requester, community, depth, cancellationToken);
            }
        }
        catch (MispUnavailableException) when (depth == 0)
        {
        }

        foreach (var i in asked)
        {
            if (judged is null)
            {
                found[i] = i < required ? EventAccess.Withheld : null;
                continue;
            }

            found[i] = judged.GetValueOrDefault(references[i], EventAccess.Withheld);
            await cache.TrySetJsonAsync(CacheKey(references[i], requester), found[i], options.Value.LookupCacheDuration, failed: null, cancellationToken);
        }
    }

    private static string CacheKey(string reference, Requester requester) => $"event-access:{ApiKey.Hash(requester.ApiKey)}:{reference.ToLowerInvariant()}";

    /// <summary>A cached access, unless it confirmed a version of the event older than <paramref name="version"/> (SPEC section 3: keyed by UUID and timestamp).</summary>
    private async Task<EventAccess?> CachedAsync(string reference, Requester requester, long? version, CancellationToken cancellationToken) =>
        await cache.TryGetJsonAsync<EventAccess>(CacheKey(reference, requester), failed: null, cancellationToken) is { } cached && cached.IsOfVersion(version)
            ? cached
            : null;

    /// <summary>Looks <paramref name="reference"/> up through its own view and caches what it found.</summary>
    private async Task<EventAccess> ViewAsync(string reference, Requester requester, CommunitySettings community, int depth, CancellationToken cancellationToken)
    {
        var path = ViewPath(reference);
        var access = EventAccess.Withheld;
        if (path is not null && depth < MaxDepth)
        {
            var response = await misp.GetAsync(path, requester.ApiKey, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                access = await JudgeAsync(response.Body, requester, community, depth, cancellationToken);
            }
        }

        await cache.TrySetJsonAsync(CacheKey(reference, requester), access, options.Value.LookupCacheDuration, failed: null, cancellationToken);
        return access;
    }

    /// <summary>The view MISP answers a reference with, or null for one the gateway does not know.</summary>
    private static string? ViewPath(string reference)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return "/events/view/" + Uri.EscapeDataString(reference);
        }

        var id = Uri.EscapeDataString(reference[(slash + 1)..]);
        return reference[..slash] switch
        {
            "attribute" => "/attributes/view/" + id,
            "object" => "/objects/view/" + id,
            "eventreport" => "/event_reports/view/" + id,
            "analyst" => "/analyst_data/view/all/" + id,
            _ => null,
        };
    }

    /// <summary>Judges a looked-up answer (a single record) as an answer to the requester would be.</summary>
    private async Task<EventAccess> JudgeAsync(byte[] body, Requester requester, CommunitySettings community, int depth, CancellationToken cancellationToken)
    {
        var filter = await RunFilterAsync(body, requester, community, depth, _ => { }, cancellationToken);

        // An answer the gateway cannot judge is an event it cannot confirm: treated as not receivable.
        return filter?.SingleRecord is { Lookups: null } outcome ? EventAccess.From(outcome) : EventAccess.Withheld;
    }

    /// <summary>
    /// Judges a search's answer record by record, as an answer to the requester would be: what each
    /// event is, by its UUID (or id); null for an answer the gateway cannot judge. An event named
    /// twice counts as withheld.
    /// </summary>
    private async Task<Dictionary<string, EventAccess>?> JudgeEventsAsync(byte[] body, bool byId, Requester requester, CommunitySettings community, int depth, CancellationToken cancellationToken)
    {
        var judged = new Dictionary<string, EventAccess>(StringComparer.OrdinalIgnoreCase);
        var filter = await RunFilterAsync(body, requester, community, depth, outcome =>
        {
            if (outcome.Record == RecordKind.Event && (byId ? outcome.EventId : outcome.EventUuid) is { } key)
            {
                judged[key] = judged.ContainsKey(key) ? EventAccess.Withheld : EventAccess.From(outcome);
            }
        }, cancellationToken);
        return filter is null || filter.SingleRecord is not null ? null : judged;
    }

    /// <summary>Runs <paramref name="body"/> through the filter, with the look-ups it asks for one level deeper; null when it cannot be judged.</summary>
    private async Task<MispResponseFilter?> RunFilterAsync(byte[] body, Requester requester, CommunitySettings community, int depth, Action<UnitOutcome> onUnit, CancellationToken cancellationToken)
    {
        var context = new FilterContext { Requester = requester, Community = community, KnownEvents = new(StringComparer.OrdinalIgnoreCase), DescribeEvents = true };
        var filter = new MispResponseFilter(context, int.MaxValue, onUnit);
        // Only the outcomes count: what the filter would release is not kept (a search reading ahead asks for many events).
        var sink = new Exports.DiscardingBufferWriter();
        try
        {
            filter.Write(body, sink);
            await ResolveAsync(filter, context, sink, lookAhead: null, depth + 1, cancellationToken);
            filter.Complete(sink);
            await ResolveAsync(filter, context, sink, lookAhead: null, depth + 1, cancellationToken);
        }
        catch (FilterException)
        {
            return null;
        }

        return filter;
    }

    private async Task ResolveAsync(MispResponseFilter filter, FilterContext context, IBufferWriter<byte> output, CorrelationLookAhead? lookAhead, int depth, CancellationToken cancellationToken)
    {
        while (filter.PendingLookups is { } pending)
        {
            var ahead = lookAhead is not null && filter.InputAhead is { } input ? lookAhead.Collect(input.Span, pending, context.KnownEvents!) : [];
            IReadOnlyList<string> asked = ahead.Count == 0 ? pending : [.. pending, .. ahead];
            var found = await GetManyAsync(asked, context.Requester, context.Community, pending.Count, context.NamedVersion, depth, cancellationToken);
            if (ahead.Count > 0 && Array.IndexOf(found, null, pending.Count) >= 0)
            {
                // The search with what was found ahead failed (too large an answer, say): asked alone, as
                // without the look-ahead, the held event's own may still be found; the rest stays unknown.
                lookAhead!.Failed = true;
                asked = pending;
                found = await GetManyAsync(pending, context.Requester, context.Community, pending.Count, context.NamedVersion, depth, cancellationToken);
            }

            for (var i = 0; i < asked.Count; i++)
            {
                if (found[i] is { } access)
                {
                    context.Learn(asked[i], access);
                }
            }

            filter.Resume(output);
        }
    }
}
