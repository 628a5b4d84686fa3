using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace TlpGateway.Members;

/// <summary>
/// Holds the registry in force and reloads it when the members file changes (docs/behaviour.md, section 2).
/// A version that does not validate is refused and logged; the last good registry stays.
/// </summary>
internal sealed partial class MembersRegistryProvider : IMembersRegistryProvider, IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly string _path;
    private readonly ILogger<MembersRegistryProvider> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Counter<long> _reloads;
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer _poll;
    private readonly Lock _reloadLock = new();
    private volatile MembersRegistry _current;
    private (string Target, DateTime WriteTime, long Length, DateTime Changed) _seen;

    public MembersRegistryProvider(IOptions<GatewayOptions> options, TimeProvider timeProvider, IMeterFactory meterFactory, ILogger<MembersRegistryProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(meterFactory);
        _path = System.IO.Path.GetFullPath(options.Value.MembersFile!);
        _logger = logger;
        _timeProvider = timeProvider;
        _reloads = meterFactory.Create("TlpGateway.Members").CreateCounter<long>("tlpgateway.members.reloads", "{reload}", "Members file reloads, by result.");

        // The gateway does not start on an invalid file: this throws out of the first resolution.
        _seen = Stamp();
        try
        {
            _current = Load(File.ReadAllBytes(_path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MembersFileAccessException($"Gateway:MembersFile: cannot read {_path}: {MembersFileStore.ReadProblem(_path, ex)}", ex);
        }
        catch (MembersFileException ex)
        {
            throw new MembersFileException(ex.Errors, _path);
        }

        var directory = System.IO.Path.GetDirectoryName(_path)!;
        try
        {
            _watcher = new FileSystemWatcher(directory, System.IO.Path.GetFileName(_path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
            };
            _watcher.Changed += (_, _) => ReloadInBackground();
            _watcher.Created += (_, _) => ReloadInBackground();
            _watcher.Renamed += (_, _) => ReloadInBackground();
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // inotify limits can refuse a watcher; polling still sees every change.
            LogWatcherUnavailable(_logger, ex.Message);
        }

        _poll = timeProvider.CreateTimer(_ => PollForChange(), null, PollInterval, PollInterval);
    }

    public MembersRegistry Current => _current;

    /// <summary>The members file's full path.</summary>
    public string Path => _path;

    /// <summary>The reason the last reload was refused, or null when the file in force is the file on disk.</summary>
    public string? LastError { get; private set; }

    /// <summary>Raised after a new registry took effect.</summary>
    public event Action<MembersRegistry>? Reloaded;

    /// <summary>Reads the file again; keeps the registry in force when the new version does not validate.</summary>
    public bool Reload()
    {
        lock (_reloadLock)
        {
            _seen = Stamp();
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(_path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Refuse(MembersFileStore.ReadProblem(_path, ex));
            }

            MembersRegistry registry;
            try
            {
                registry = Load(bytes);
            }
            catch (MembersFileException ex)
            {
                return Refuse(string.Join("; ", ex.Errors));
            }

            _current = registry;
            LastError = null;
            _reloads.Add(1, new KeyValuePair<string, object?>("tlpgateway.result", "applied"));
            Reloaded?.Invoke(registry);
            return true;
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _poll.Dispose();
    }

    /// <summary>Parses a version of the file, logging its warnings; throws <see cref="MembersFileException"/> when it is invalid.</summary>
    private MembersRegistry Load(byte[] bytes)
    {
        var report = MembersFileParser.Check(bytes);
        var registry = report.Registry ?? throw new MembersFileException([.. report.Errors.Select(e => e.Message)]);
        LogLoaded(_logger, _path, registry.Members.Count);
        foreach (var warning in report.Warnings)
        {
            LogWarning(_logger, _path, warning.Message);
        }

        return registry;
    }

    private bool Refuse(string reason)
    {
        if (_timeProvider.GetUtcNow().UtcDateTime - _seen.Changed < PollInterval)
        {
            // A version changed moments ago may have been read before its writer was done (half written,
            // or locked: .NET writers lock the file), when its time and size were already the final ones:
            // no change would follow, so the poll reads it once more, and only then does the refusal stand.
            // The status change time, not the write time, which a copy sets to its source's.
            _seen = default;
        }

        LastError = reason;
        _reloads.Add(1, new KeyValuePair<string, object?>("tlpgateway.result", "refused"));
        LogRefused(_logger, _path, reason);
        return false;
    }

    private void PollForChange()
    {
        if (Stamp() != _seen)
        {
            ReloadInBackground();
        }
    }

    /// <summary>
    /// A reload from the watcher or the poll timer: an exception there would end the process, so
    /// whatever a version of the file throws refuses that version and the last good registry stays.
    /// </summary>
    private void ReloadInBackground()
    {
        try
        {
            Reload();
        }
#pragma warning disable CA1031 // Any failure must keep the last good registry, never take the gateway down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            lock (_reloadLock)
            {
                Refuse($"unexpected {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// The version of the file on disk: its final target's path, write time and size, and when its
    /// inode last changed (what no writer sets back; the write time where there are no inodes). A symbolic link is
    /// followed: a Kubernetes ConfigMap is <c>members.json -> ..data/members.json</c> and an update
    /// swaps <c>..data</c>, so the link itself, and what FileInfo says of it, never changes.
    /// </summary>
    private (string, DateTime, long, DateTime) Stamp()
    {
        try
        {
            var info = new FileInfo(_path);
            if (info.LinkTarget is not null)
            {
                info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            }

            if (!info.Exists)
            {
                return (string.Empty, DateTime.MinValue, -1, DateTime.MinValue);
            }

            var changed = OperatingSystem.IsWindows() ? info.LastWriteTimeUtc : new Mono.Unix.UnixFileInfo(info.FullName).LastStatusChangeTimeUtc;
            return (info.FullName, info.LastWriteTimeUtc, info.Length, changed);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A loop of links, a folder that cannot be read: the read that follows says what is wrong.
            return (ex.Message, DateTime.MinValue, -1, DateTime.MinValue);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Members file {Path} in force: {Count} members")]
    private static partial void LogLoaded(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Members file {Path}: {Warning}")]
    private static partial void LogWarning(ILogger logger, string path, string warning);

    [LoggerMessage(Level = LogLevel.Error, Message = "Members file {Path} refused, the previous registry stays in force: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No file watcher for the members file ({Error}); polling only")]
    private static partial void LogWatcherUnavailable(ILogger logger, string error);
}
