namespace TlpGateway.Filtering;

/// <summary>
/// A request path as MISP's router reads it: controller and action case-insensitive, empty segments
/// ignored, an optional extension on the last segment, positional and named (<c>key:value</c>) parameters.
/// The gateway judges what MISP will do, so it reads paths the way MISP does.
/// </summary>
internal sealed class MispRoute
{
    private MispRoute(string controller, string action, List<string> segments, string? extension)
    {
        Controller = controller;
        Action = action;
        Segments = segments;
        Extension = extension;
    }

    /// <summary>Lowercase controller, e.g. <c>events</c>.</summary>
    public string Controller { get; }

    /// <summary>Lowercase action, e.g. <c>restsearch</c>.</summary>
    public string Action { get; }

    /// <summary>The parameter segments after controller and action, as sent.</summary>
    public List<string> Segments { get; }

    /// <summary>The extension of the last segment (<c>json</c>, <c>xml</c>...), lowercase, if any.</summary>
    public string? Extension { get; }

    public bool Is(string controller, string action) => Controller == controller && Action == action;

    public static MispRoute Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        string? extension = null;
        if (segments.Count > 0)
        {
            var last = segments[^1];
            var dot = last.LastIndexOf('.');

            // Only an extension MISP knows counts: a value such as an IP address keeps its dots.
            if (dot > 0 && last[(dot + 1)..].ToLowerInvariant() is "json" or "xml" or "csv" or "txt" or "html" or "stix" or "rss")
            {
                extension = last[(dot + 1)..].ToLowerInvariant();
                segments[^1] = last[..dot];
            }
        }

        var controller = segments.Count > 0 ? segments[0].ToLowerInvariant() : string.Empty;
        var action = segments.Count > 1 ? segments[1].ToLowerInvariant() : "index";
        return new MispRoute(controller, action, segments.Skip(2).ToList(), extension);
    }

    /// <summary>The value of a named parameter (<c>name:value</c>), case-insensitive name.</summary>
    public string? Named(string name)
    {
        foreach (var segment in Segments)
        {
            if (segment.Length > name.Length && segment[name.Length] == ':' && segment.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                return segment[(name.Length + 1)..];
            }
        }

        return null;
    }

    /// <summary>Rebuilds the path without the named parameters for which <paramref name="drop"/> is true.</summary>
    public string PathWithout(string originalPath, Func<string, bool> drop)
    {
        ArgumentNullException.ThrowIfNull(originalPath);
        var parts = originalPath.Split('/');
        var kept = parts.Where(part =>
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            return colon <= 0 || !drop(part[..colon]);
        });
        return string.Join('/', kept);
    }
}
