using Mono.Unix;

namespace TlpGateway.Members;

/// <summary>The members file could not be read, locked or written; the message names the members file.</summary>
internal sealed class MembersFileAccessException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The members file changed between the edit's read and its write; nothing was written.</summary>
internal sealed class MembersFileChangedException(string message) : Exception(message);

/// <summary>
/// Reads and writes the members file for the maintainers' command. Edits wait for each other through
/// a lock file beside the members file (<c>members.json.lock</c>, never removed: removing it would
/// let two editors each hold "the" lock), and are written to a temporary file beside it that takes
/// the file's mode and owner before it is renamed over the file, so a running gateway never reads
/// half a file and the file keeps who may read it.
/// </summary>
internal sealed class MembersFileStore
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(20);

    public MembersFileStore(string path)
    {
        ArgumentNullException.ThrowIfNull(path);

        // A symbolic link is followed: renaming over the link would replace it with a copy and leave its target stale.
        var full = System.IO.Path.GetFullPath(path);
        Path = File.Exists(full) ? new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full : full;
    }

    public string Path { get; }

    public string LockPath => Path + ".lock";

    public byte[] Read()
    {
        try
        {
            return File.ReadAllBytes(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MembersFileAccessException($"cannot read {Path}: {ReadProblem(Path, ex)}", ex);
        }
    }

    /// <summary>Why <paramref name="path"/> could not be read: for a folder, .NET's message is "Access to the path is denied".</summary>
    public static string ReadProblem(string path, Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return Directory.Exists(path) ? "it is a folder, not a file" : ex.Message;
    }

    /// <summary>Holds the edit lock until disposed; waits for another editor to finish.</summary>
    public IDisposable Lock(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);

        // A lock beside a file that is not there would stay behind, a stray file the maintainer never asked for.
        if (!File.Exists(Path))
        {
            throw new MembersFileAccessException($"cannot read {Path}: {(Directory.Exists(Path) ? "it is a folder, not a file" : "there is no such file")}");
        }

        var started = timeProvider.GetTimestamp();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Linux: it excludes other processes and other handles in this one.
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(LockPath) && timeProvider.GetElapsedTime(started) < LockWait)
            {
                Thread.Sleep(LockRetry);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new MembersFileAccessException($"cannot lock {Path} for editing ({LockPath}): {ex.Message}", ex);
            }
        }
    }

    /// <summary>
    /// Replaces the file whole, keeping its mode and owner. With <paramref name="readBefore"/>, only
    /// if the file still holds those bytes: an edit by hand (which takes no lock) saved while the
    /// command worked would otherwise be replaced, and lost, without a word.
    /// </summary>
    public void Write(byte[] bytes, byte[]? readBefore = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var temporary = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, TemporaryCopyOptions()))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            KeepModeAndOwner(temporary);
            if (readBefore is not null && !File.ReadAllBytes(Path).AsSpan().SequenceEqual(readBefore))
            {
                throw new MembersFileChangedException($"{Path} changed while this edit was made (saved by hand, without the command's lock?): nothing written; look at the file and run the command again");
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The system's message names the temporary file, which the maintainer never asked for.
            throw new MembersFileAccessException($"cannot write {Path}: {ex.Message.Replace(temporary, Path, StringComparison.Ordinal)}", ex);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>How the temporary copy is created: with the file's mode, not the umask's, so it is never readable by more than the file is, even for a moment.</summary>
    internal FileStreamOptions TemporaryCopyOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows() && File.Exists(Path))
        {
            options.UnixCreateMode = File.GetUnixFileMode(Path);
        }

        return options;
    }

    private void KeepModeAndOwner(string temporary)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        File.SetUnixFileMode(temporary, File.GetUnixFileMode(Path));
        var original = new UnixFileInfo(Path);
        var copy = new UnixFileInfo(temporary);
        if (copy.OwnerUserId != original.OwnerUserId || copy.OwnerGroupId != original.OwnerGroupId)
        {
            try
            {
                copy.SetOwner(original.OwnerUserId, original.OwnerGroupId);
            }
            catch (UnixIOException ex)
            {
                // Only root may give a file away; anyone else would replace the file with one of another owner.
                throw new InvalidOperationException($"the file belongs to {original.OwnerUserId}:{original.OwnerGroupId} and this user cannot keep that owner ({ex.Message}); edit it as its owner or as root", ex);
            }
        }
    }
}
