using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Requests;

namespace TlpGateway.Paging;

/// <summary>
/// Reads the page a request asks for (<c>limit</c>, <c>page</c>) on an endpoint that pages (<see cref="Endpoints.EndpointParameters.Paged"/>),
/// where MISP reads them: a search's through <c>_harvestParameters</c> (body or <c>request</c> wrapper, ordered and named
/// URL parameters); the events index's from its body (which wins, as <c>EventsController::index</c> copies it over the
/// named ones), else named; a proposal or analyst data index's named. Neither is forwarded: they are controlled names
/// (<see cref="CanonicalRequest.ControlledNames"/>), and the gateway releases the page (<see cref="ReleasePage"/>).
/// </summary>
/// <remarks>
/// As MISP reads them: a <c>limit</c> empty or <c>0</c> asks for everything, and then <c>page</c> says nothing
/// (<c>MispAttribute::fetchAttributes</c>, <c>GalaxyCluster::restSearch</c> and the index loop over every page instead);
/// a <c>page</c> empty or <c>0</c> is the first. Only whole numbers are understood: MySQL and PHP read <c>2abc</c>,
/// <c>-1</c> or <c>1e3</c> in ways of their own, so any spelling of either name, anywhere a client could put it, holding
/// anything else is refused.
/// </remarks>
internal static class PageRequest
{
    private const int MaxDigits = 9;

    /// <summary>The page asked for (null: all of it), or the problem that refuses the request.</summary>
    public static (ReleasePage? Page, string? Problem) Read(MispRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var name in (string[])["limit", "page"])
        {
            if (request.AllSpellings(name).FirstOrDefault(value => Number(value) is null) is { } unread)
            {
                return (null, $"'{name}' must be a whole number (or empty), not {Shown(unread)}: the gateway releases the page itself, counted over what it releases.");
            }
        }

        var limit = Number(Value(request, "limit")) ?? 0;
        if (limit == 0)
        {
            return (null, null);
        }

        var page = Math.Max(1, Number(Value(request, "page")) ?? 1);
        return (new ReleasePage((page - 1L) * limit, limit), null);
    }

    private static JsonNode? Value(MispRequest request, string name) =>
        request.Endpoint.Search is { } scope
            ? request.SearchValue(scope, name)
            : request.Body.Parameters?[name] ?? (request.Route.NamedValue(name) is { } named ? JsonValue.Create(named.MispValue) : null);

    /// <summary>The value as a whole number, 0 for empty or unset; null when it is none.</summary>
    private static int? Number(JsonNode? value)
    {
        switch (value)
        {
            case null:
                return 0;
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.Number:
                return scalar.TryGetValue<int>(out var number) && number >= 0 ? number : null;
            case JsonValue scalar when scalar.TryGetValue<string>(out var text):
                var trimmed = PhpValue.Trim(text);
                if (trimmed.Length == 0)
                {
                    return 0;
                }

                return trimmed.Length <= MaxDigits && trimmed.All(char.IsAsciiDigit) ? int.Parse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture) : null;
            default:
                return null;
        }
    }

    private static string Shown(JsonNode? value) => value is JsonValue scalar && scalar.TryGetValue<string>(out var text) && text.Length <= 20 && !text.Any(char.IsControl)
        ? $"'{text}'"
        : $"a {value?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}";
}
