namespace TlpGateway.Startup;

/// <summary>
/// <c>appsettings.json</c> is watched for changes, as ASP.NET Core does by default. Where the system
/// refuses another file watcher (out of inotify instances: a busy CI machine, a crowded Kubernetes
/// node), the gateway would not start at all; it polls the file instead, as the members file does.
/// </summary>
internal static class ConfigurationWatching
{
    /// <summary>The switch ASP.NET Core's file providers read when they are created.</summary>
    public const string PollingVariable = "DOTNET_USE_POLLING_FILE_WATCHER";

    /// <summary>Chooses polling when no watcher can be had; returns whether it did. Must run before the configuration is built.</summary>
    public static bool UsePollingWhenWatchersUnavailable(string directory, Func<string, bool>? canWatch = null)
    {
        if (string.Equals(Environment.GetEnvironmentVariable(PollingVariable), "true", StringComparison.OrdinalIgnoreCase) || (canWatch ?? CanWatch)(directory))
        {
            return false;
        }

        Environment.SetEnvironmentVariable(PollingVariable, "true");
        return true;
    }

    private static bool CanWatch(string directory)
    {
        try
        {
            using var watcher = new FileSystemWatcher(directory) { EnableRaisingEvents = true };
            return true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
