using System.Net;
using System.Net.Sockets;

namespace TlpGateway.FunctionalTests.Startup;

/// <summary><c>scripts/demo</c> checks its own processes: it never reports success for a gateway that is not its own or not running.</summary>
public sealed class DemoScriptTests
{
    [Fact]
    public async Task Demo_PortAlreadyInUse_RefusedNamingThePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var (code, output, error) = await RunDemoAsync(port, TlpGateway.Tests.Shared.TestPorts.Free());

        Assert.Equal(1, code);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", error, StringComparison.Ordinal);
        Assert.DoesNotContain("curl", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_GatewayDiesAtStart_FailsNamingItInsteadOfPrintingCommands()
    {
        // Configuration from the environment reaches the demo's gateway, which refuses to start on it.
        var (code, output, error) = await RunDemoAsync(TlpGateway.Tests.Shared.TestPorts.Free(), TlpGateway.Tests.Shared.TestPorts.Free(), ("Gateway__Filter__MaxEventBytes", "lots"));

        Assert.Equal(1, code);
        Assert.Contains("demo: the gateway exited", error, StringComparison.Ordinal);
        Assert.Contains("Gateway:Filter:MaxEventBytes is not a whole number", error, StringComparison.Ordinal);
        Assert.DoesNotContain("curl", output, StringComparison.Ordinal);
    }

    private static Task<(int Code, string Output, string Error)> RunDemoAsync(int gatewayPort, int simulatorPort, params (string Name, string Value)[] environment)
    {
        var variables = new Dictionary<string, string>
        {
            ["TLPGW_DEMO_GATEWAY_PORT"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TLPGW_DEMO_SIMULATOR_PORT"] = simulatorPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        return GatewayProcess.RunAsync("bash", [Path.Combine(GatewayProcess.RepositoryRoot, "scripts", "demo")], GatewayProcess.RepositoryRoot, variables);
    }
}
