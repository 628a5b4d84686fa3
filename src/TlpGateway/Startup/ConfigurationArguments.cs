namespace TlpGateway.Startup;

/// <summary>
/// Checks the arguments that are configuration the way ASP.NET Core's command-line provider reads
/// them (<c>--key=value</c>, <c>--key value</c>, <c>/key value</c>, <c>key=value</c>), so that what it
/// would ignore or choke on is a usage error naming the argument: a typo such as <c>--helpp</c> or
/// <c>--Gateway__Upstream=...</c> must not start a gateway configured otherwise than asked.
/// </summary>
internal static class ConfigurationArguments
{
    /// <summary>Keys read at the top level (ASP.NET Core's, and OpenTelemetry's <c>OTEL_*</c>); every other key names a section (<c>Gateway:Upstream</c>).</summary>
    private static readonly string[] TopLevelKeys = ["urls", "environment", "contentRoot", "applicationName", "http_ports", "https_ports", "AllowedHosts", "webroot", "detailedErrors", "shutdownTimeoutSeconds"];

    public static List<string> Problems(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var problems = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var prefixed = argument.StartsWith("--", StringComparison.Ordinal) ? 2 : argument.StartsWith('/') ? 1 : 0;
            if (prefixed == 0 && argument.StartsWith('-'))
            {
                problems.Add($"unknown option '{argument}'");
                continue;
            }

            var separator = argument.IndexOf('=', StringComparison.Ordinal);
            if (prefixed == 0 && separator < 0)
            {
                problems.Add($"unexpected argument '{argument}' (configuration is written --key=value)");
                continue;
            }

            var key = separator < 0 ? argument[prefixed..] : argument[prefixed..separator];
            if (key.Length == 0 || (!key.Contains(':', StringComparison.Ordinal) && !TopLevelKeys.Contains(key, StringComparer.OrdinalIgnoreCase) && !key.StartsWith("OTEL_", StringComparison.Ordinal)))
            {
                problems.Add($"unknown option '{(separator < 0 ? argument : argument[..separator])}' (configuration keys name their section, e.g. --Gateway:Upstream=...)");
            }
            else if (separator < 0 && ++i >= arguments.Count)
            {
                problems.Add($"option '{argument}' has no value (write {argument}=value)");
            }
        }

        return problems;
    }
}
