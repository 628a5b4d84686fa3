using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Redis;

namespace TlpGateway.Members;

/// <summary>
/// The maintainers' tool for the members file: <c>TlpGateway members --file F VERB ...</c>. Every
/// edit is validated whole with the gateway's own parser before it is written, and written
/// atomically (a temporary file beside it, then a rename), so a running gateway never reads half a
/// file and an invalid edit leaves the file untouched.
/// </summary>
internal static class MembersCommand
{
    public const int Ok = 0;
    public const int Invalid = 1;
    public const int Usage = 2;
    public const int FileError = 3;

    private const string UsageText = """
        usage: TlpGateway members --file <members.json> <verb> [arguments]
          list                                   list members (id, relation, maxTlp, state)
          show <id>                              print one member's entry
          add <id> --org-uuid <uuid> --relation <member|third-party> --max-tlp <clear|green|amber|amber+strict>
                   [--name <name>] [--network <cidr>]...
          remove <id>                            remove a member
          allow <id> <cidr>                      add a network to a member
          disallow <id> <cidr>                   remove a network from a member
          suspend <id> (--until <ISO-8601 time with offset> | --for <duration, e.g. 2h, 3d, 30m>)
          revoke <id>                            revoke a member's access
          reinstate <id>                         clear suspension and revocation
          validate                               check the file as the gateway would
        options: --publish-redis <host:port> [--redis-password <p>]   also publish suspend, revoke, reinstate
                 and remove to every replica sharing that Redis (they apply it within a second)
        exit codes: 0 done, 1 invalid file or edit (file untouched), 2 usage error, 3 file not readable or writable
        """;

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(string[] args, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var arguments = args.ToList();
        var fileIndex = arguments.IndexOf("--file");
        if (fileIndex < 0 || fileIndex + 1 >= arguments.Count)
        {
            error.WriteLine(UsageText);
            return Usage;
        }

        var path = Path.GetFullPath(arguments[fileIndex + 1]);
        arguments.RemoveRange(fileIndex, 2);
        var redis = TakeOption(arguments, "--publish-redis");
        var redisPassword = TakeOption(arguments, "--redis-password");
        if (arguments.Count == 0)
        {
            error.WriteLine(UsageText);
            return Usage;
        }

        byte[] original;
        try
        {
            original = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cannot read {path}: {ex.Message}");
            return FileError;
        }

        var verb = arguments[0];
        var rest = arguments.Skip(1).ToList();
        if (verb == "validate" || verb == "list" || verb == "show")
        {
            return Read(verb, rest, original, output, error);
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(original, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false })?.AsObject()
                ?? throw new JsonException("empty");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            error.WriteLine($"{path} is not a JSON object: {ex.Message}");
            return Invalid;
        }

        var members = root["members"] as JsonArray ?? [];
        string change;
        try
        {
            change = Edit(verb, rest, members, timeProvider);
        }
        catch (UsageException ex)
        {
            error.WriteLine(ex.Message);
            error.WriteLine(UsageText);
            return Usage;
        }
        catch (EditException ex)
        {
            error.WriteLine(ex.Message);
            return Invalid;
        }

        var edited = JsonSerializer.SerializeToUtf8Bytes(root, WriteOptions);
        try
        {
            MembersFileParser.Parse(edited);
        }
        catch (MembersFileException ex)
        {
            error.WriteLine("edit refused, the file is unchanged:");
            foreach (var problem in ex.Errors)
            {
                error.WriteLine("  " + problem);
            }

            return Invalid;
        }

        try
        {
            WriteAtomically(path, [.. edited, (byte)'\n']);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cannot write {path}: {ex.Message}");
            return FileError;
        }

        output.WriteLine(change);
        if (redis is not null && verb is "suspend" or "revoke" or "reinstate" or "remove")
        {
            var member = MembersFileParser.Parse(edited).Members.FirstOrDefault(m => m.Id == rest[0]);
            try
            {
                PublishAsync(redis, redisPassword, rest[0], member is null ? null : new PublishedMemberState(member.Revoked, member.SuspendedUntil)).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or InvalidOperationException)
            {
                error.WriteLine($"the file is updated, but publishing to Redis failed: {ex.Message}");
                return FileError;
            }

            output.WriteLine($"published to {redis}");
        }

        return Ok;
    }

    private static async Task PublishAsync(string endpoint, string? password, string memberId, PublishedMemberState? state)
    {
        await RedisMemberStateOverlay.PublishAsync(new RedisOptions { Endpoint = endpoint, Password = password }, memberId, state);
    }

    private static string? TakeOption(List<string> arguments, string name)
    {
        var index = arguments.IndexOf(name);
        if (index < 0 || index + 1 >= arguments.Count)
        {
            return null;
        }

        var value = arguments[index + 1];
        arguments.RemoveRange(index, 2);
        return value;
    }

    private static int Read(string verb, List<string> rest, byte[] original, TextWriter output, TextWriter error)
    {
        MembersRegistry registry;
        try
        {
            registry = MembersFileParser.Parse(original);
        }
        catch (MembersFileException ex)
        {
            error.WriteLine("the members file is invalid:");
            foreach (var problem in ex.Errors)
            {
                error.WriteLine("  " + problem);
            }

            return Invalid;
        }

        switch (verb)
        {
            case "validate":
                output.WriteLine($"valid: {registry.Members.Count} members");
                return Ok;
            case "list":
                foreach (var member in registry.Members)
                {
                    var state = member.Revoked ? "revoked" : member.SuspendedUntil is { } until ? "suspended until " + until.ToString("O", CultureInfo.InvariantCulture) : "active";
                    output.WriteLine($"{member.Id}\t{(member.Relation == MemberRelation.ThirdParty ? "third-party" : "member")}\t{Tlp.TlpMarking.Name(member.MaxTlp)}\t{member.Networks.Count} networks\t{state}");
                }

                return Ok;
            default:
                if (rest.Count != 1)
                {
                    error.WriteLine(UsageText);
                    return Usage;
                }

                var entry = (JsonNode.Parse(original)!["members"] as JsonArray ?? []).FirstOrDefault(m => (string?)m?["id"] == rest[0]);
                if (entry is null)
                {
                    error.WriteLine($"no member '{rest[0]}'");
                    return Invalid;
                }

                output.WriteLine(entry.ToJsonString(WriteOptions));
                return Ok;
        }
    }

    private static string Edit(string verb, List<string> rest, JsonArray members, TimeProvider timeProvider)
    {
        if (rest.Count == 0)
        {
            throw new UsageException($"'{verb}' needs a member id");
        }

        var id = rest[0];
        var options = rest.Skip(1).ToList();
        switch (verb)
        {
            case "add":
                if (Find(members, id) is not null)
                {
                    throw new EditException($"member '{id}' already exists");
                }

                var entry = new JsonObject
                {
                    ["id"] = id,
                    ["name"] = Option(options, "--name") ?? id,
                    ["orgUuid"] = Option(options, "--org-uuid") ?? throw new UsageException("add needs --org-uuid"),
                    ["networks"] = new JsonArray([.. Options(options, "--network").Select(n => (JsonNode?)JsonValue.Create(n))]),
                    ["relation"] = Option(options, "--relation") ?? throw new UsageException("add needs --relation"),
                    ["maxTlp"] = Option(options, "--max-tlp") ?? throw new UsageException("add needs --max-tlp"),
                };
                members.Add(entry);
                return $"added member '{id}'";
            case "remove":
                members.Remove(Require(members, id));
                return $"removed member '{id}'";
            case "allow":
            case "disallow":
                if (options.Count != 1)
                {
                    throw new UsageException($"{verb} needs <id> <cidr>");
                }

                var member = Require(members, id);
                if (member["networks"] is not JsonArray networks)
                {
                    networks = [];
                    member["networks"] = networks;
                }

                var existing = networks.FirstOrDefault(n => (string?)n == options[0]);
                if (verb == "allow")
                {
                    if (existing is not null)
                    {
                        throw new EditException($"member '{id}' already has {options[0]}");
                    }

                    networks.Add(options[0]);
                    return $"member '{id}': allowed {options[0]}";
                }

                networks.Remove(existing ?? throw new EditException($"member '{id}' has no network {options[0]}"));
                return $"member '{id}': disallowed {options[0]}";
            case "suspend":
                var until = Option(options, "--until") is { } text
                    ? text
                    : Option(options, "--for") is { } span
                        ? timeProvider.GetUtcNow().Add(ParseDuration(span)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                        : throw new UsageException("suspend needs --until <time> or --for <duration>");
                Require(members, id)["suspendedUntil"] = until;
                return $"member '{id}': suspended until {until}";
            case "revoke":
                Require(members, id)["revoked"] = true;
                return $"member '{id}': revoked";
            case "reinstate":
                var reinstated = Require(members, id);
                reinstated["revoked"] = false;
                reinstated["suspendedUntil"] = null;
                return $"member '{id}': reinstated";
            default:
                throw new UsageException($"unknown verb '{verb}'");
        }
    }

    private static TimeSpan ParseDuration(string text)
    {
        if (text.Length >= 2 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (text[^1])
            {
                case 'm':
                    return TimeSpan.FromMinutes(amount);
                case 'h':
                    return TimeSpan.FromHours(amount);
                case 'd':
                    return TimeSpan.FromDays(amount);
            }
        }

        throw new UsageException($"'{text}' is not a duration such as 30m, 2h or 3d");
    }

    private static JsonObject? Find(JsonArray members, string id) =>
        members.OfType<JsonObject>().FirstOrDefault(m => (string?)m["id"] == id);

    private static JsonObject Require(JsonArray members, string id) =>
        Find(members, id) ?? throw new EditException($"no member '{id}'");

    private static string? Option(List<string> options, string name) =>
        options.IndexOf(name) is >= 0 and var i && i + 1 < options.Count ? options[i + 1] : null;

    private static IEnumerable<string> Options(List<string> options, string name)
    {
        for (var i = 0; i + 1 < options.Count; i++)
        {
            if (options[i] == name)
            {
                yield return options[i + 1];
            }
        }
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private sealed class UsageException(string message) : Exception(message);

    private sealed class EditException(string message) : Exception(message);
}
