using Mono.Unix;

namespace TlpGateway.Members;

/// <summary>The members file could not be read, locked or written; the message names the members file.</summary>
internal sealed class MembersFileAccessException(string message, Exception? inner = null) : Exception(message, inner);

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

    /// <summary>Replaces the file whole, keeping its mode and owner.</summary>
    public void Write(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var temporary = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            KeepModeAndOwner(temporary);
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
