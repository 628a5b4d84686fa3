using System.Text;
using System.Text.RegularExpressions;

namespace TlpGateway.Requests;

/// <summary>A named URL parameter (<c>key:value</c>); <c>deleted[]:0</c> is the key <c>deleted</c> in array form.</summary>
/// <param name="Key">The name before any <c>[...]</c>, as sent (MISP compares names case-sensitively).</param>
/// <param name="RawKey">The name as sent, brackets included (<c>deleted[]</c>).</param>
/// <param name="Value">The decoded value, with <c>;</c> left as sent (MISP reads it as <c>:</c>).</param>
/// <param name="IsArray">Written in CakePHP's array form (<c>key[]:v</c>, <c>key[a]:v</c>): MISP reads an array, which is truthy.</param>
internal sealed record NamedParameter(string Key, string RawKey, string Value, bool IsArray)
{
    /// <summary>The value as <c>_harvestParameters</c> reads it: <c>;</c> as <c>:</c>, trimmed.</summary>
    public string MispValue => PhpValue.Trim(Value.Replace(';', ':'));

    /// <summary>PHP truthiness of the value MISP sees (an array form is a non-empty array).</summary>
    public bool IsTruthy => IsArray || PhpValue.IsTruthy(Value.Replace(';', ':'));
}

/// <summary>
/// A request path as MISP's router (CakePHP 2) reads it. The steps, in CakePHP's order:
/// <list type="number">
/// <item>the extension: <c>.json</c>, <c>.xml</c> or <c>.csv</c> at the end of the raw path (any case), cut at its first lowercase occurrence;</item>
/// <item>the path is URL-decoded (<c>%XX</c>, <c>+</c> as a space) before it is split, so <c>%2F</c> separates and <c>%3A</c> names;</item>
/// <item>routes: <c>/</c> is <c>events/index</c>; <c>events</c> and <c>attributes</c> are REST resources
/// (<c>GET /events/5</c> is <c>view</c>, <c>POST|PUT /events/5</c> <c>edit</c>, <c>DELETE</c> <c>delete</c>,
/// <c>POST /events</c> <c>add</c>); otherwise <c>/controller/action/args</c>;</item>
/// <item>the arguments: empty segments skipped, <c>key:value</c> segments named (array forms
/// <c>key[]:v</c>), the rest passed in order.</item>
/// </list>
/// </summary>
internal sealed partial class MispRoute
{
    private static readonly string[] Extensions = ["xml", "json", "csv"];

    private MispRoute(string controller, string action, List<string> passed, List<NamedParameter> named, string? extension)
    {
        Controller = controller;
        Action = action;
        Passed = passed;
        Named = named;
        Extension = extension;
    }

    /// <summary>The controller as routed (decoded, case as sent), e.g. <c>event_reports</c> or <c>eventReports</c>.</summary>
    public string Controller { get; }

    /// <summary>The controller as MISP's dispatcher finds its class: lowercase, without underscores (<c>eventreports</c>).</summary>
    public string ControllerKey => Key(Controller);

    /// <summary>The action as routed; PHP method names are case-insensitive.</summary>
    public string Action { get; }

    /// <summary>The action, lowercase (<c>restsearch</c>).</summary>
    public string ActionKey => Action.ToLowerInvariant();

    /// <summary>The passed (positional) arguments, decoded, in order.</summary>
    public IReadOnlyList<string> Passed { get; }

    /// <summary>The named arguments, decoded, in order.</summary>
    public IReadOnlyList<NamedParameter> Named { get; }

    /// <summary>The extension the router parsed (<c>json</c>, <c>xml</c>, <c>csv</c>), lowercase, if any.</summary>
    public string? Extension { get; }

    /// <summary>A controller or action name as the gateway compares it: lowercase, underscores removed.</summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
    }

    /// <summary>
    /// A named parameter as MISP reads it, by exact name; null when absent. <c>CakeRoute::_parseArgs</c> merges the
    /// named parameters with <c>array_merge_recursive</c>, so a name written more than once is an array of its
    /// values (<c>extended:0/extended:0</c> is <c>['0', '0']</c>, which is not empty): its last value, marked as an array.
    /// </summary>
    public NamedParameter? NamedValue(string key)
    {
        NamedParameter? found = null;
        var count = 0;
        foreach (var parameter in Named)
        {
            if (string.Equals(parameter.Key, key, StringComparison.Ordinal))
            {
                found = parameter;
                count++;
            }
        }

        return count > 1 && found is { IsArray: false } ? found with { IsArray = true } : found;
    }

    /// <summary>
    /// Reads <paramref name="rawPath"/> (the path as sent, still percent-encoded, without the query)
    /// for an HTTP <paramref name="method"/>; null when it is not a path MISP's router can read.
    /// </summary>
    public static MispRoute? Parse(string rawPath, string method)
    {
        ArgumentNullException.ThrowIfNull(rawPath);
        ArgumentNullException.ThrowIfNull(method);

        // :: Step 1 - the extension, on the raw path.
        var url = rawPath.StartsWith('/') ? rawPath : "/" + rawPath;
        string? extension = null;
        var match = ExtensionPattern().Match(url);
        if (match.Success)
        {
            var found = Extensions.FirstOrDefault(e => string.Equals(e, match.Value[1..], StringComparison.OrdinalIgnoreCase));
            if (found is not null)
            {
                // PHP's strpos($url, '.' . $name) with the lowercase name: not found cuts the whole path (substr($url, 0, false)).
                var cut = url.IndexOf("." + found, StringComparison.Ordinal);
                url = cut < 0 ? string.Empty : url[..cut];
                extension = found;
            }
        }

        // :: Step 2 - URL-decoded before the routes are matched.
        if (!TryUrlDecode(url, out var decoded))
        {
            return null;
        }

        // :: Step 3 - the routes.
        var trimmed = decoded.TrimEnd('/');
        if (trimmed.Length == 0)
        {
            return new MispRoute("events", "index", [], [], extension);
        }

        if (!trimmed.StartsWith('/'))
        {
            trimmed = "/" + trimmed;
        }

        var parts = trimmed[1..].Split('/');
        if (parts[0].Length == 0)
        {
            // "//events": no route of MISP's matches an empty controller.
            return null;
        }

        var controller = parts[0];
        if (controller is "events" or "attributes" && ResourceAction(method, parts) is { } resource)
        {
            return new MispRoute(controller, resource.Action, resource.Id is null ? [] : [resource.Id], [], extension);
        }

        if (parts.Length == 1)
        {
            return new MispRoute(controller, "index", [], [], extension);
        }

        var action = parts[1];
        if (action.Length == 0)
        {
            return null;
        }

        // :: Step 4 - passed and named arguments.
        var passed = new List<string>();
        var named = new List<NamedParameter>();
        foreach (var argument in parts.Skip(2))
        {
            if (argument.Length == 0)
            {
                continue;
            }

            var colon = argument.IndexOf(':', StringComparison.Ordinal);

            // The one named rule MISP connects: attributesPage is named only on events/view, passed elsewhere. CakeRoute
            // compares the route's controller and action as spelled, and MISP is asked for events/view in that spelling
            // (CanonicalRequest): /Events/View/4/attributesPage:2 is read as MISP reads what it is forwarded as.
            if (colon < 0 || (argument[..colon] == "attributesPage" && !(Key(controller) == "events" && action.Equals("view", StringComparison.OrdinalIgnoreCase))))
            {
                passed.Add(argument);
                continue;
            }

            var rawKey = argument[..colon];
            var value = argument[(colon + 1)..];
            var isArray = ArrayKeyPattern().IsMatch(rawKey);
            var key = isArray ? rawKey[..rawKey.IndexOf('[', StringComparison.Ordinal)] : rawKey;
            named.Add(new NamedParameter(key, rawKey, value, isArray));
        }

        return new MispRoute(controller, action, passed, named, extension);
    }

    /// <summary>PHP's <c>urldecode</c>: <c>%XX</c> as a byte, <c>+</c> as a space; the bytes must be UTF-8.</summary>
    public static bool TryUrlDecode(string value, out string decoded)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        var array = bytes.ToArray();
        decoded = string.Empty;
        if (!System.Text.Unicode.Utf8.IsValid(array))
        {
            return false;
        }

        decoded = Encoding.UTF8.GetString(array);
        return true;
    }

    /// <summary>CakePHP's resource map for <c>Router::mapResources(['events', 'attributes'])</c>: the id is digits or a UUID.</summary>
    private static (string Action, string? Id)? ResourceAction(string method, string[] parts)
    {
        if (parts.Length == 1)
        {
            return method.ToUpperInvariant() switch
            {
                "GET" => ("index", null),
                "POST" => ("add", null),
                _ => null,
            };
        }

        if (parts.Length != 2 || !ResourceIdPattern().IsMatch(parts[1]))
        {
            return null;
        }

        return method.ToUpperInvariant() switch
        {
            "GET" => ("view", parts[1]),
            "PUT" or "POST" => ("edit", parts[1]),
            "DELETE" => ("delete", parts[1]),
            _ => null,
        };
    }

    [GeneratedRegex(@"\.[0-9a-zA-Z]*$")]
    private static partial Regex ExtensionPattern();

    [GeneratedRegex(@"\[([A-Za-z0-9_-]+)?\]")]
    private static partial Regex ArrayKeyPattern();

    [GeneratedRegex(@"^(?:[0-9]+|[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12})$")]
    private static partial Regex ResourceIdPattern();
}
