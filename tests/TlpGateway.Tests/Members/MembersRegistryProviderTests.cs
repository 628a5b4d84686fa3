using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TlpGateway.Members;

namespace TlpGateway.Tests.Members;

public sealed class MembersRegistryProviderTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-members-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private string MembersPath => Path.Combine(_directory.FullName, "members.json");

    public void Dispose()
    {
        _services.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void Constructor_InvalidFile_Throws()
    {
        File.WriteAllText(MembersPath, "{\"community\":{}}");

        var ex = Assert.Throws<MembersFileException>(() => Create());

        Assert.Contains(ex.Errors, e => e.Contains("'members' is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reload_ValidEditAtomicallyReplaced_TakesEffect()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json"), MembersPath);
        using var provider = Create();
        var reloaded = new TaskCompletionSource<MembersRegistry>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Reloaded += registry => reloaded.TrySetResult(registry);

        var edited = (await File.ReadAllTextAsync(MembersPath)).Replace("\"id\": \"org-c\"", "\"id\": \"org-c2\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(MembersPath + ".tmp", edited);
        File.Move(MembersPath + ".tmp", MembersPath, overwrite: true);

        var registry = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("org-c2", registry.Members[0].Id);
        Assert.Same(registry, provider.Current);
        Assert.Null(provider.LastError);
    }

    [Fact]
    public void Reload_InvalidEdit_KeepsLastGoodAndReportsError()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json"), MembersPath);
        using var provider = Create();
        var before = provider.Current;

        File.WriteAllText(MembersPath, File.ReadAllText(MembersPath).Replace("\"relation\": \"member\"", "\"relation\": \"memebr\"", StringComparison.Ordinal));

        Assert.False(provider.Reload());
        Assert.Same(before, provider.Current);
        Assert.Contains("memebr", provider.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_FileReplacedByAFolder_KeepsLastGoodSayingSo()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json"), MembersPath);
        using var provider = Create();
        var before = provider.Current;

        File.Delete(MembersPath);
        Directory.CreateDirectory(MembersPath);

        Assert.False(provider.Reload());
        Assert.Same(before, provider.Current);
        Assert.Equal("it is a folder, not a file", provider.LastError);
    }

    [Fact]
    public void Reload_FileSavedAsLatin1_KeepsLastGoodNamingTheByte()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json"), MembersPath);
        using var provider = Create();
        var before = provider.Current;

        // An editor saving "ORG_Ç" as Latin-1: System.Text.Json throws InvalidOperationException for it, which would end the process from the watcher.
        var bytes = File.ReadAllBytes(MembersPath);
        bytes[bytes.AsSpan().IndexOf("ORG_C"u8) + 4] = 0xC7;
        File.WriteAllBytes(MembersPath, bytes);

        Assert.False(provider.Reload());
        Assert.Same(before, provider.Current);
        Assert.Contains("byte 0xC7", provider.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_KubernetesConfigMapSwapsItsDataLink_NewVersionTakesEffect()
    {
        // A ConfigMap mounted as a folder: members.json -> ..data/members.json, ..data -> ..<version>; an update swaps ..data.
        var demo = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json"));
        Directory.CreateDirectory(Path.Combine(_directory.FullName, "..v1"));
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "..v1", "members.json"), demo);
        File.CreateSymbolicLink(Path.Combine(_directory.FullName, "..data"), "..v1");
        File.CreateSymbolicLink(MembersPath, Path.Combine("..data", "members.json"));
        using var provider = Create();
        var reloaded = new TaskCompletionSource<MembersRegistry>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Reloaded += registry => reloaded.TrySetResult(registry);

        Directory.CreateDirectory(Path.Combine(_directory.FullName, "..v2"));
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "..v2", "members.json"), demo.Replace("\"id\": \"org-c\"", "\"id\": \"org-x\"", StringComparison.Ordinal));
        File.CreateSymbolicLink(Path.Combine(_directory.FullName, "..data_tmp"), "..v2");
        Assert.Equal(0, Mono.Unix.Native.Syscall.rename(Path.Combine(_directory.FullName, "..data_tmp"), Path.Combine(_directory.FullName, "..data")));

        var registry = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("org-x", registry.Members[0].Id);
    }

    [Fact]
    public async Task Reload_FileReplacedByALinkLoopThenRestored_KeepsLastGoodThenTakesTheRestoredVersion()
    {
        var demo = Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json");
        File.Copy(demo, MembersPath);
        using var provider = Create();
        var before = provider.Current;

        File.Delete(MembersPath);
        File.CreateSymbolicLink(MembersPath, MembersPath);

        Assert.False(provider.Reload());
        Assert.Same(before, provider.Current);
        Assert.NotNull(provider.LastError);

        // The poll keeps running over the loop (an exception there would end the process), and sees the file once it is back.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        File.Delete(MembersPath);
        File.Copy(demo, MembersPath);
        for (var i = 0; i < 100 && provider.LastError is not null; i++)
        {
            await Task.Delay(100);
        }

        Assert.Null(provider.LastError);
    }

    [Fact]
    public async Task Reload_VersionReadWhileItsWriterHeldTheFile_IsReadAgainOnceItIsDone()
    {
        // A .NET writer (File.Copy, FileShare.None) locks the file while it writes: a reload then fails
        // to read the version whose time and size are already the final ones, and no change follows.
        var demo = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json"));
        await File.WriteAllTextAsync(MembersPath, demo);
        using var provider = Create();
        using (var writer = new FileStream(MembersPath, FileMode.Truncate, FileAccess.Write, FileShare.None))
        {
            writer.Write(Encoding.UTF8.GetBytes(demo.Replace("\"id\": \"org-c\"", "\"id\": \"org-y\"", StringComparison.Ordinal)));
            writer.Flush();
            Assert.False(provider.Reload());
            Assert.Contains("cannot access", provider.LastError, StringComparison.Ordinal);
        }

        for (var i = 0; i < 300 && provider.LastError is not null; i++)
        {
            await Task.Delay(100);
        }

        Assert.Null(provider.LastError);
        Assert.Contains(provider.Current.Members, m => m.Id == "org-y");
    }

    private MembersRegistryProvider Create() => new(
        Options.Create(new GatewayOptions { MembersFile = MembersPath }),
        TimeProvider.System,
        _services.GetRequiredService<IMeterFactory>(),
        NullLogger<MembersRegistryProvider>.Instance);
}
