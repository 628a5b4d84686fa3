using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Redis;

namespace TlpGateway.Members;

/// <summary>
/// One edit of the members file by the maintainers' command.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Wait for the lock beside the file, so edits never overwrite each other.</item>
/// <item>Read the file and check it as it is: errors already there are not this edit's.</item>
/// <item>Apply the edit to the file's text, changing only what it changes.</item>
/// <item>Check the result whole with the gateway's parser; refuse it, writing nothing, if it adds an error.</item>
/// <item>Write it atomically, keeping mode and owner; only then report success.</item>
/// </list>
/// </remarks>
internal sealed class MembersFileEditor(MembersFileStore store, TextWriter output, TextWriter error, TimeProvider timeProvider)
{
    private MembersFileText? _written;

    public int Apply(Func<MembersFileText, string> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        try
        {
            // :: Step 1
            using var held = store.Lock(timeProvider);

            // :: Step 2
            var original = store.Read();
            var before = MembersFileParser.Check(original);
            MembersFileText text;
            try
            {
                text = MembersFileText.Read(original);
            }
            catch (JsonException ex)
            {
                error.WriteLine($"cannot edit {store.Path}: {ex.Message}");
                MembersCommand.WriteProblems(error, "errors already in the file:", before.Errors);
                return MembersCommand.Invalid;
            }

            // :: Step 3
            string change;
            try
            {
                change = edit(text);
            }
            catch (MemberEditException ex)
            {
                error.WriteLine(ex.Message);
                return MembersCommand.Invalid;
            }

            // :: Step 4
            var edited = text.ToBytes();
            var after = MembersFileParser.Check(edited);
            var caused = Except(after.Errors, before.Errors);
            if (caused.Count > 0)
            {
                MembersCommand.WriteProblems(error, $"edit refused, {store.Path} is unchanged:", caused);
                MembersCommand.WriteProblems(error, "errors already in the file before this edit:", before.Errors);
                return MembersCommand.Invalid;
            }

            // :: Step 5
            try
            {
                store.Write(edited, readBefore: original);
            }
            catch (MembersFileChangedException ex)
            {
                error.WriteLine(ex.Message);
                return MembersCommand.Invalid;
            }

            _written = text;
            output.WriteLine(change);
            foreach (var warning in Except(after.Warnings, before.Warnings))
            {
                error.WriteLine("warning: " + warning.Message);
            }

            if (after.Errors.Count > 0)
            {
                MembersCommand.WriteProblems(error, $"{store.Path} still has errors that were there before this edit; the gateway keeps its last good registry until they are fixed:", after.Errors);
                return MembersCommand.WrittenStillInvalid;
            }

            return MembersCommand.Ok;
        }
        catch (MembersFileAccessException ex)
        {
            error.WriteLine(ex.Message);
            return MembersCommand.FileError;
        }
    }

    /// <summary>After a written edit: the member's state as the file now says, published to every replica.</summary>
    public int Publish(string endpoint, string? password, string memberId, int code)
    {
        var entry = _written?.Member(memberId);

        // A removed member is refused everywhere at once, as a revoked one: replicas whose file still
        // holds it would otherwise admit it until their copy changes. Once added again, reinstate clears it.
        var state = entry is null ? new PublishedMemberState(Revoked: true, SuspendedUntil: null) : new PublishedMemberState(
            entry["revoked"] is JsonValue r && r.TryGetValue<bool>(out var revoked) && revoked,
            entry["suspendedUntil"] is JsonValue u && u.TryGetValue<string>(out var text) && MembersFileParser.TryParseTime(text, out var until) ? until : null);
        try
        {
            PublishAsync(endpoint, password, memberId, state).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or InvalidOperationException)
        {
            error.WriteLine($"the file is updated, but publishing to Redis failed: {ex.Message}");
            return MembersCommand.FileError;
        }

        output.WriteLine($"published to {endpoint}");
        return code;
    }

    private static Task PublishAsync(string endpoint, string? password, string memberId, PublishedMemberState? state) =>
        RedisMemberStateOverlay.PublishAsync(new RedisOptions { Endpoint = endpoint, Password = password }, memberId, state);

    /// <summary>The problems of <paramref name="after"/> that <paramref name="before"/> did not have, counting repeats.</summary>
    private static List<MembersFileProblem> Except(IReadOnlyList<MembersFileProblem> after, IReadOnlyList<MembersFileProblem> before)
    {
        var remaining = before.Select(p => p.Message).ToList();
        return [.. after.Where(p => !remaining.Remove(p.Message))];
    }
}
