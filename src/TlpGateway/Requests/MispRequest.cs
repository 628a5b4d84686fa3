using System.Text.Json.Nodes;
using TlpGateway.Endpoints;

namespace TlpGateway.Requests;

/// <summary>
/// One request as MISP reads it: the route (<see cref="MispRoute"/>), the method MISP sees, the query,
/// the body (<see cref="MispBody"/>) and the endpoint it reaches. Answers where MISP takes each
/// parameter from, in MISP's order of precedence (<c>AppController::_harvestParameters</c>: the body,
/// or its <c>request</c> wrapper; then ordered URL parameters; then named URL parameters, which win).
/// </summary>
internal sealed class MispRequest
{
    public required MispRoute Route { get; init; }

    /// <summary>The method MISP is asked with (a HEAD is asked as GET).</summary>
    public required string Method { get; init; }

    /// <summary>The client sent HEAD.</summary>
    public bool HeadOnly { get; init; }

    /// <summary>The query string's pairs, decoded.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = [];

    /// <summary>The body as MISP reads it.</summary>
    public MispBody Body { get; set; } = MispBody.Empty;

    /// <summary>The served endpoint the route reaches.</summary>
    public required MispEndpoint Endpoint { get; init; }

    /// <summary>
    /// The value <c>_harvestParameters</c> gives a restSearch filter: the body's (POST only; the
    /// <c>request</c> wrapper replaces the top level; null values unset), then the ordered URL
    /// parameter at the filter's position (unless PHP skips it), then the named parameter; a text
    /// trimmed as PHP trims every one it harvests.
    /// </summary>
    public JsonNode? SearchValue(RestSearchScope scope, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        JsonNode? value = null;
        if (HttpMethods.IsPost(Method) && Body.Parameters is { } parameters && parameters[name] is { } fromBody)
        {
            value = fromBody is JsonValue text && text.TryGetValue<string>(out var written) ? JsonValue.Create(PhpValue.Trim(written)) : fromBody;
        }

        if (OrderedValue(scope, name) is { } ordered)
        {
            value = JsonValue.Create(PhpValue.Trim(ordered.Replace(';', ':')));
        }

        if (Route.NamedValue(name) is { } named)
        {
            value = named.IsArray ? new JsonArray(JsonValue.Create(named.MispValue)) : JsonValue.Create(named.MispValue);
        }

        return value;
    }

    /// <summary>
    /// Whether MISP could act on something the query string names instead of the path's passed id:
    /// <c>ShadowAttributesController::beforeFilter</c> looks a <c>uuid</c> query parameter up among every proposal and
    /// makes that proposal's id the passed argument of any action. Any query there counts (PHP reads <c>uuid[]</c>,
    /// <c>%20uuid</c> or <c>uuid%00</c> as that name too).
    /// </summary>
    public bool QueryReplacesPassedArguments => Endpoint.Controller == "shadow_attributes" && Query.Count > 0;

    /// <summary>
    /// Whether the URL gives a restSearch any filter as <c>_harvestParameters</c> collects them: a named parameter of
    /// the scope's <c>paramArray</c> (by exact name, any value), or an ordered one PHP does not skip.
    /// </summary>
    public bool HasUrlFilters() =>
        Endpoint.Search is { } scope && RestSearchParameters.Of(scope).Any(name => Route.NamedValue(name) is not null || OrderedValue(scope, name) is not null);

    /// <summary>The ordered URL parameter mapped onto <paramref name="name"/>, unless PHP skips it.</summary>
    public string? OrderedValue(RestSearchScope scope, string name)
    {
        var index = IndexOf(RestSearchParameters.Of(scope), name);
        return index >= 0 && index < Route.Passed.Count && !PhpValue.IsSkippedOrderedParameter(Route.Passed[index]) ? Route.Passed[index] : null;
    }

    /// <summary>
    /// Every value the request gives a parameter under any spelling MISP or a client could use: body
    /// top level and <c>request</c> wrapper, named and query parameters (names compared
    /// case-insensitively), and the ordered URL parameter of a restSearch.
    /// </summary>
    public IEnumerable<JsonNode?> AllSpellings(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Body.Root is JsonObject top)
        {
            foreach (var value in ValuesIgnoringCase(top, name))
            {
                yield return value;
            }

            if (top["request"] is JsonObject inner)
            {
                foreach (var value in ValuesIgnoringCase(inner, name))
                {
                    yield return value;
                }
            }
        }

        // Each exact name once, as MISP merges it (a name written twice is an array).
        foreach (var key in Route.Named.Select(p => p.Key).Where(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal))
        {
            var parameter = Route.NamedValue(key)!;
            yield return parameter.IsArray ? new JsonArray(JsonValue.Create(parameter.Value)) : JsonValue.Create(parameter.Value);
        }

        foreach (var (key, value) in Query)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return JsonValue.Create(value);
            }
        }

        if (Endpoint.Search is { } scope && OrderedValue(scope, name) is { } ordered)
        {
            yield return JsonValue.Create(ordered);
        }
    }

    /// <summary>
    /// Whether the events index is asked for minimal rows: <c>EventsController::index</c> reads body keys
    /// case-insensitively and with a <c>search</c> prefix (<c>Minimal</c>, <c>searchminimal</c>), and the
    /// named <c>minimal</c> and <c>searchminimal</c>.
    /// </summary>
    public bool AsksMinimalIndex()
    {
        if (Body.Parameters is { } parameters)
        {
            foreach (var (key, value) in parameters)
            {
                if (IsMinimalKey(key) && PhpValue.IsTruthy(value))
                {
                    return true;
                }
            }
        }

        return Route.NamedValue("minimal")?.IsTruthy == true || Route.NamedValue("searchminimal")?.IsTruthy == true;
    }

    /// <summary>A body key the events index reads as <c>minimal</c>.</summary>
    public static bool IsMinimalKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lower = key.ToLowerInvariant();
        return lower == "minimal" || (key.StartsWith("search", StringComparison.Ordinal) && lower[6..] == "minimal");
    }

    private static IEnumerable<JsonNode?> ValuesIgnoringCase(JsonObject holder, string name)
    {
        foreach (var (key, value) in holder)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return value;
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
