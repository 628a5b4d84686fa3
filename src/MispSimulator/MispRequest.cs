using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>A request as MISP's router reads it: case-insensitive controller/action, positional and named (<c>key:value</c>) parameters, optional <c>.json</c>.</summary>
internal sealed class MispRequest
{
    private MispRequest(string controller, string action, List<string> arguments, Dictionary<string, string> named)
    {
        Controller = controller;
        Action = action;
        Arguments = arguments;
        Named = named;
    }

    public string Controller { get; }

    public string Action { get; }

    public List<string> Arguments { get; }

    public Dictionary<string, string> Named { get; }

    public string? Argument(int index) => index < Arguments.Count ? Arguments[index] : null;

    public bool Flag(string name, JsonObject? body)
    {
        if (Named.TryGetValue(name, out var value))
        {
            return value is "1" or "true";
        }

        var node = body?[name];
        return node is not null && node.ToString() is "1" or "true" or "True";
    }

    /// <summary>
    /// The page MISP cuts out of what it shows the user (SQL <c>LIMIT</c> and offset): <c>limit</c> and <c>page</c> of the
    /// body (where an index or a search reads them), else named; everything when there is no whole <c>limit</c>.
    /// </summary>
    public IEnumerable<T> Page<T>(IEnumerable<T> shown, JsonObject? body)
    {
        int? Number(string name) => int.TryParse(body?[name]?.ToString() ?? Named.GetValueOrDefault(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
        return Number("limit") is > 0 and var limit ? shown.Skip((Math.Max(1, Number("page") ?? 1) - 1) * limit).Take(limit) : shown;
    }

    public static MispRequest Parse(string path)
    {
        var segments = Uri.UnescapeDataString(path).Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segments.Count > 0 && segments[^1].EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            segments[^1] = segments[^1][..^5];
        }

        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var positional = new List<string>();
        foreach (var segment in segments.Skip(2))
        {
            var colon = segment.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                named[segment[..colon]] = segment[(colon + 1)..];
            }
            else
            {
                positional.Add(segment);
            }
        }

        return new MispRequest(
            segments.Count > 0 ? segments[0].ToLowerInvariant() : string.Empty,
            segments.Count > 1 ? segments[1].ToLowerInvariant() : "index",
            positional,
            named);
    }
}
