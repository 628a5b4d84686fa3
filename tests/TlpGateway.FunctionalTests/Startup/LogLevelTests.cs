using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Startup;

/// <summary>The levels an operator configures (<c>Logging:LogLevel</c>) are the levels the gateway logs at.</summary>
public sealed class LogLevelTests : IAsyncLifetime
{
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public void Gateway_DefaultLevelWarning_NoInformationOrDebugFromItsOwnOrTheHostsCategories()
    {
        // The test servers start the gateway with --Logging:LogLevel:Default=Warning.
        var loggers = _servers.GatewayServices.GetRequiredService<ILoggerFactory>();
        var audit = loggers.CreateLogger("TlpGateway.Audit.JsonLinesAuditTrail");
        var host = loggers.CreateLogger("Microsoft.Extensions.Hosting.Internal.Host");

        Assert.False(audit.IsEnabled(LogLevel.Information));
        Assert.True(audit.IsEnabled(LogLevel.Warning));
        Assert.False(host.IsEnabled(LogLevel.Debug));
        Assert.True(host.IsEnabled(LogLevel.Error));
    }
}
