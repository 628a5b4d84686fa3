using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;
using TlpGateway.Startup;

namespace TlpGateway.Tests.Startup;

public sealed class ConfigurationWatchingTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-watch-");
    private readonly string? _before = Environment.GetEnvironmentVariable(ConfigurationWatching.PollingVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(ConfigurationWatching.PollingVariable, _before);
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task UsePolling_NoWatcherAvailable_ConfigurationStillReloads()
    {
        Environment.SetEnvironmentVariable(ConfigurationWatching.PollingVariable, null);
        var file = Path.Combine(_directory.FullName, "appsettings.json");
        await File.WriteAllTextAsync(file, """{ "Gateway": { "Upstream": "http://a.example" } }""");

        var polling = ConfigurationWatching.UsePollingWhenWatchersUnavailable(_directory.FullName, _ => false);

        Assert.True(polling);
        using var provider = new PhysicalFileProvider(_directory.FullName);
        Assert.True(provider.UsePollingFileWatcher);
        var configuration = new ConfigurationBuilder().AddJsonFile(provider, "appsettings.json", optional: false, reloadOnChange: true).Build();
        using var changed = new SemaphoreSlim(0);
        using var registration = ChangeToken.OnChange(configuration.GetReloadToken, () => changed.Release());
        await File.WriteAllTextAsync(file, """{ "Gateway": { "Upstream": "http://b.example" } }""");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));

        Assert.True(await changed.WaitAsync(TimeSpan.FromSeconds(30)), "the polled file's change was not seen");
        Assert.Equal("http://b.example", configuration["Gateway:Upstream"]);
    }

    [Fact]
    public void UsePolling_WatcherAvailable_NothingChanged()
    {
        Environment.SetEnvironmentVariable(ConfigurationWatching.PollingVariable, null);

        Assert.False(ConfigurationWatching.UsePollingWhenWatchersUnavailable(_directory.FullName));
        Assert.Null(Environment.GetEnvironmentVariable(ConfigurationWatching.PollingVariable));
    }
}
