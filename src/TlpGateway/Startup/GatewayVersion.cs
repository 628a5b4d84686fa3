using System.Reflection;

namespace TlpGateway.Startup;

/// <summary>The version <c>--version</c> prints and the start-up log names.</summary>
internal static class GatewayVersion
{
    public static string Text { get; } =
        typeof(GatewayVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
}
