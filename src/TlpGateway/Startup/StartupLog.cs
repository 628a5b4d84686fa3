using Microsoft.Extensions.Options;
using TlpGateway.Audit;

namespace TlpGateway.Startup;

/// <summary>
/// What an operator needs to see in the first lines of the log: where MISP is, where the audit trail
/// goes, whether OTLP export and Redis are on (the members file and its member count are logged by
/// <see cref="Members.MembersRegistryProvider"/> at every load). Addresses only: never a key, a
/// password or a header.
/// </summary>
internal static partial class StartupLog
{
    public static void Write(WebApplication app, bool pollingConfiguration)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TlpGateway.Startup");
        var gateway = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var audit = app.Services.GetRequiredService<IOptions<AuditOptions>>().Value;
        var configuration = app.Configuration;

        LogVersion(logger, GatewayVersion.Text, Environment.CurrentDirectory);
        LogUpstream(logger, WithoutCredentials(gateway.Upstream!.ToString()), gateway.UpstreamTimeout);
        LogAudit(logger, Path.GetFullPath(audit.Path));
        LogOtlp(logger, configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } otlp ? "on, to " + WithoutCredentials(otlp) : "off (no OTEL_EXPORTER_OTLP_ENDPOINT)");
        LogRedis(logger, configuration["Gateway:Redis"] is { Length: > 0 } redis ? "on, " + redis : "off (caches in memory, one replica)");
        LogProxies(logger, gateway.TrustedProxies.Count == 0 ? "none" : string.Join(", ", gateway.TrustedProxies));
        if (pollingConfiguration)
        {
            LogPolling(logger);
        }
    }

    private static string WithoutCredentials(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.ToString() : url;

    [LoggerMessage(Level = LogLevel.Information, Message = "TlpGateway {Version} starting in {Directory}")]
    private static partial void LogVersion(ILogger logger, string version, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream MISP: {Upstream} (timeout {Timeout})")]
    private static partial void LogUpstream(ILogger logger, string upstream, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit trail: {Path}")]
    private static partial void LogAudit(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "OTLP export: {State}")]
    private static partial void LogOtlp(ILogger logger, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis: {State}")]
    private static partial void LogRedis(ILogger logger, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trusted proxies: {Proxies}")]
    private static partial void LogProxies(ILogger logger, string proxies);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No file watcher available (inotify limit reached?): configuration files are polled for changes")]
    private static partial void LogPolling(ILogger logger);
}
