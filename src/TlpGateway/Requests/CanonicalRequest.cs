using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Endpoints;

namespace TlpGateway.Requests;

/// <summary>
/// The request the gateway forwards, rebuilt from the model rather than patched: MISP's spelling of
/// controller and action, the passed parameters, a restSearch's ordered parameters as the named
/// parameters they stand for, and each parameter the filter relies on written once, as a named
/// parameter (which MISP reads last), with every other spelling removed from path, query and body.
/// </summary>
internal static class CanonicalRequest
{
    /// <summary>Names only MISP's own clients would put in a URL: removed wherever they appear.</summary>
    public const string ApiKeyParameter = "apikey";

    private static readonly ConcurrentDictionary<(EndpointParameters Parameters, bool Search), FrozenSet<string>> ControlledSets = new();

    // A search body's keys by scope, compared exactly: paramArray's names, but for its galaxy.* pattern, which matches no key.
    private static readonly FrozenDictionary<RestSearchScope, BodyKeys> SearchBodies = Enum.GetValues<RestSearchScope>().ToFrozenDictionary(
        scope => scope,
        scope => new BodyKeys(RestSearchParameters.Of(scope).Where(key => key != "galaxy.*").ToFrozenSet(StringComparer.Ordinal).Contains, Unwraps: true));

    /// <summary>The parameter names the gateway writes itself on <paramref name="endpoint"/> (compared case-insensitively).</summary>
    public static IReadOnlySet<string> ControlledNames(MispEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);

        // The same few sets for every request: built once for each kind of endpoint.
        return ControlledSets.GetOrAdd((endpoint.Parameters, endpoint.Search is not null), static kind => BuildControlledNames(kind.Parameters, kind.Search));
    }

    private static FrozenSet<string> BuildControlledNames(EndpointParameters parameters, bool search)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ApiKeyParameter };
        if (parameters.HasFlag(EndpointParameters.LocalTags))
        {
            names.Add("excludeLocalTags");
        }

        if (parameters.HasFlag(EndpointParameters.EventTags))
        {
            names.Add("includeEventTags");
        }

        if (parameters.HasFlag(EndpointParameters.MinimalIndex))
        {
            names.Add("minimal");
            names.Add("searchminimal");
        }

        if (parameters.HasFlag(EndpointParameters.MinimalClusters))
        {
            names.Add("minimal");
        }

        if (parameters.HasFlag(EndpointParameters.Paged))
        {
            names.Add("limit");
            names.Add("page");
        }

        if (search || parameters.HasFlag(EndpointParameters.ReturnFormat))
        {
            names.Add("returnFormat");
        }

        return names.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The decoded path MISP is asked for: <c>/controller/action/passed.../name:value...</c>, ending with
    /// <c>/</c> when its last segment holds a dot (so MISP's router reads no extension into it);
    /// null when a segment could not be forwarded unambiguously (a literal <c>%</c>, <c>.</c> or <c>..</c>).
    /// </summary>
    public static string? Path(MispRequest request, IReadOnlyList<KeyValuePair<string, string>> gatewayNamed)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(gatewayNamed);
        var endpoint = request.Endpoint;
        var controlled = ControlledNames(endpoint);
        var segments = new List<string> { endpoint.Controller, endpoint.Action };
        var named = new List<string>();
        if (endpoint.Search is { } scope)
        {
            // Ordered parameters say the same as the named ones they map onto; as named parameters they are read once.
            var names = RestSearchParameters.Of(scope);
            for (var i = 0; i < request.Route.Passed.Count && i < names.Count; i++)
            {
                var value = request.Route.Passed[i];
                if (!PhpValue.IsSkippedOrderedParameter(value) && !controlled.Contains(names[i]) && request.Route.NamedValue(names[i]) is null)
                {
                    named.Add(names[i] + ":" + value);
                }
            }
        }
        else
        {
            // PHP hands the arguments beyond an action's own to no one: what the action does not read is not forwarded.
            segments.AddRange(request.Route.Passed.Take(endpoint.PassedRead ?? int.MaxValue));
        }

        // A search's named parameter outside its paramArray is none of its filters (_harvestParameters reads them by
        // exact name), and elsewhere only those the action reads and the gateway understands are forwarded: AppController
        // reads some on any action (disable_background_processing), an action some the filter cannot see (viewAs).
        var filters = endpoint.Search is { } searched ? RestSearchParameters.Of(searched) : null;
        named.AddRange(request.Route.Named.Where(p => !controlled.Contains(p.Key) && (filters?.Contains(p.Key) ?? endpoint.Named.Forwards(p.Key))).Select(p => p.RawKey + ":" + p.Value));
        named.AddRange(gatewayNamed.Select(p => p.Key + ":" + p.Value));
        segments.AddRange(named);
        if (segments.Any(s => s.Contains('%', StringComparison.Ordinal) || s is "." or ".."))
        {
            return null;
        }

        var path = "/" + string.Join('/', segments);
        return segments[^1].Contains('.', StringComparison.Ordinal) ? path + "/" : path;
    }

    /// <summary>
    /// A search body without the controlled names, at the top level and inside <c>request</c> (for the
    /// events index also its case-insensitive and <c>search</c>-prefixed <c>minimal</c>); true when
    /// something was removed.
    /// </summary>
    public static bool RemoveControlled(JsonNode? root, MispEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (root is not JsonObject top)
        {
            return false;
        }

        var controlled = ControlledNames(endpoint);
        var minimal = endpoint.Parameters.HasFlag(EndpointParameters.MinimalIndex);
        bool Drop(string key) => controlled.Contains(key) || (minimal && MispRequest.IsMinimalKey(key));
        var removed = RemoveKeys(top, Drop);
        if (top["request"] is JsonObject inner)
        {
            removed |= RemoveKeys(inner, Drop);
        }

        return removed;
    }

    /// <summary>
    /// A search body as <c>_harvestParameters</c> reads it: only the scope's filters, by exact name (in MISP 2.5.1 the
    /// body is read through <c>paramArray</c>; its <c>galaxy.*</c> pattern matches no key, PCRE refusing the class
    /// <c>[\w_-. ]</c>), from the <c>request</c> wrapper when the body has one (the rest of the top level is not read, and
    /// a wrapper that is not an object gives nothing). What MISP would not read is not forwarded unjudged. A list is left as
    /// it is: MISP reads no filter in it, but a non-empty one is a search, an empty one MISP's 400.
    /// </summary>
    public static void KeepSearchFilters(JsonNode? root, RestSearchScope scope)
    {
        if (root is JsonObject)
        {
            KeepBody(root, SearchBodies[scope]);
        }
    }

    /// <summary>
    /// A body that is no search's as its action reads it (<see cref="MispEndpoint.Body"/>): of the <c>request</c> wrapper when the
    /// action reads one in place of the data (<c>EventsController::index</c>), then of the model wrapper that replaces it
    /// (<c>RequestRearrangeTool</c>), else of the top level (a wrapper there is a key like any other), only the keys the endpoint
    /// forwards, and inside a key read by keys of its own only those. A list is a list of ids where the action reads one whole,
    /// a list of items where it reads each, and otherwise holds no key PHP's string-keyed reads find: it is forwarded empty.
    /// Returns why the body cannot be forwarded as MISP reads it (a list of ids holding something else, an item that is no
    /// object), or null.
    /// </summary>
    public static string? KeepBody(JsonNode? root, BodyKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var level = root;
        foreach (var wrapper in (string?[])[keys.Unwraps ? "request" : null, keys.Replacing])
        {
            if (wrapper is null || level is not JsonObject data || data[wrapper] is not { } inner)
            {
                continue;
            }

            // Set (isset: not null), the wrapper replaces the data, whatever it holds: one that is no object gives nothing.
            RemoveKeys(data, key => key != wrapper || inner is not JsonObject);
            if (inner is not JsonObject)
            {
                return null;
            }

            level = inner;
        }

        return Keep(level, keys);
    }

    /// <summary>One level of a body kept as <paramref name="keys"/> say MISP reads it, in place; why it cannot be, or null.</summary>
    private static string? Keep(JsonNode? level, BodyKeys keys)
    {
        if (level is null)
        {
            return null;
        }

        if (keys.ReadsAsValues(level))
        {
            var values = level is JsonObject holder ? holder.Select(p => p.Value) : level.AsArray();
            return values.All(v => v?.GetValueKind() is JsonValueKind.String or JsonValueKind.Number) ? null : "a list of ids may hold ids only (numbers or strings)";
        }

        if (keys.Each is { } each && level is JsonArray or JsonObject)
        {
            foreach (var item in level is JsonObject values ? values.Select(p => p.Value) : level.AsArray())
            {
                if ((item is JsonObject ? Keep(item, each) : "each item must be an object") is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        if (level is JsonArray list)
        {
            list.Clear();
            return null;
        }

        if (level is not JsonObject top)
        {
            return null;
        }

        RemoveKeys(top, key => !keys.Keeps(key));
        foreach (var (key, within) in keys.Within)
        {
            if (top[key] is JsonObject or JsonArray && Keep(top[key], within) is { } problem)
            {
                return problem;
            }

            if (top.ContainsKey(key) && top[key] is not (JsonObject or JsonArray or null))
            {
                // PHP finds no key in a number or a string (isset is false), and would read a string's first character as one.
                top.Remove(key);
            }
        }

        return null;
    }

    private static bool RemoveKeys(JsonObject holder, Func<string, bool> drop)
    {
        var keys = holder.Select(p => p.Key).Where(drop).ToList();
        foreach (var key in keys)
        {
            holder.Remove(key);
        }

        return keys.Count > 0;
    }
}
