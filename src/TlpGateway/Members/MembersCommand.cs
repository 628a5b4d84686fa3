using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using TlpGateway.Preview;

namespace TlpGateway.Members;

/// <summary>
/// The maintainers' tool for the members file: <c>TlpGateway members --file F VERB ...</c>, parsed by
/// System.CommandLine (<c>--help</c> on every verb; an unknown or conflicting option is a usage error
/// that names it). The verbs that read run on any file, marking its errors; the verbs that edit follow
/// <see cref="MembersFileEditor"/>.
/// </summary>
internal static class MembersCommand
{
    public const int Ok = 0;
    public const int Invalid = 1;
    public const int Usage = 2;
    public const int FileError = 3;
    public const int WrittenStillInvalid = 4;

    private const string ExitCodes = "exit codes: 0 done; 1 invalid file or edit refused (nothing written); 2 usage error; "
        + "3 file not readable or writable, or written but not published; 4 written, but errors that were already in the file remain";

    /// <summary>The longest <c>suspend --for</c>: a hundred years.</summary>
    private static readonly TimeSpan MaxSuspension = TimeSpan.FromDays(36525);

    /// <summary>Runs the command on <paramref name="args"/> (what follows <c>members</c>) and returns its exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Invoke(new RootCommand("TlpGateway") { Create(output, error, timeProvider) }, ["members", .. args], output, error);
    }

    /// <summary>Parses and runs; usage errors are printed one a line, naming what is wrong, with exit code 2.</summary>
    public static int Invoke(Command command, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(command);
        var result = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // Signals are the host's to handle (a graceful shutdown takes longer than System.CommandLine's 2 s).
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        var problems = result.Errors.Select(e => e.Message).ToList();

        // A root that takes unmatched tokens (the gateway's: its configuration) lets every subcommand take them too; a verb must not.
        if (!command.TreatUnmatchedTokensAsErrors && result.CommandResult.Command != command)
        {
            problems.AddRange(result.UnmatchedTokens.Select(t => $"unknown option or argument '{t}'"));
        }

        if (problems.Count > 0 && result.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var problem in problems)
            {
                error.WriteLine("usage error: " + problem);
            }

            var path = new List<string>();
            for (SymbolResult? at = result.CommandResult; at is CommandResult commandResult; at = at.Parent)
            {
                path.Insert(0, commandResult.Command.Name);
            }

            error.WriteLine($"see: {string.Join(' ', path)} --help");
            return Usage;
        }

        return result.Invoke(configuration);
    }

    /// <summary>
    /// Makes a token that looks like an option an error where an argument would otherwise swallow it
    /// (<c>allow acme --netwrok 10.0.0.0/8</c> must not read <c>--netwrok</c> as a network).
    /// </summary>
    public static void RefuseUnknownOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Validators.Add(r =>
        {
            foreach (var token in r.Tokens.Where(t => t.Type == TokenType.Argument && t.Value.StartsWith('-') && t.Value.Length > 1))
            {
                r.AddError($"unknown option '{token.Value}'");
            }
        });
        foreach (var child in command.Subcommands)
        {
            RefuseUnknownOptions(child);
        }
    }

    /// <summary>The <c>members</c> command with its verbs, for the gateway's own command line.</summary>
    public static Command Create(TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        var file = new Option<string>("--file", "-f") { Description = "the members file", Required = true, Recursive = true, HelpName = "members.json" };
        var redis = new Option<string>("--publish-redis") { Description = "with suspend, revoke, reinstate, remove: also publish the member's state to every replica sharing this Redis", HelpName = "host:port", Recursive = true };
        var password = new Option<string>("--redis-password") { Description = "the Redis password (with --publish-redis)", Recursive = true };
        RequireText(file.Validators, "--file");

        // Judged before the edit: an endpoint found unusable only after the file was written would leave a suspension unpublished.
        redis.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && new Redis.RedisOptions { Endpoint = r.Tokens[0].Value }.ParseEndpoint() is null)
            {
                r.AddError($"--publish-redis {JsonSerializer.Serialize(r.Tokens[0].Value)} is not a Redis host:port (for example redis:6379 or [::1]:6379)");
            }
        });
        var members = new Command("members", "Reads and edits the members file with the gateway's own validator. " + ExitCodes) { file, redis, password };
        var context = new Context(file, redis, password, output, error, timeProvider);

        Read(members, "validate", "check the file as the gateway would", context, null);
        Read(members, "list", "list members: id, relation, maxTlp, networks, state; entries with errors are marked", context, null);
        var showId = IdArgument();
        Read(members, "show", "print one member's entry, with its errors and warnings", context, showId);
        Explain(members, context);

        var add = new Command("add", "add a member");
        var addId = IdArgument();
        var orgUuid = new Option<string>("--org-uuid") { Description = "the member's MISP organisation UUID", Required = true };
        var relation = new Option<string>("--relation") { Description = "member or third-party", Required = true };
        var maxTlp = new Option<string>("--max-tlp") { Description = "clear, green, amber or amber+strict", Required = true };
        var name = new Option<string>("--name") { Description = "display name (default: the id)" };
        var network = new Option<string[]>("--network") { Description = "a CIDR or address the member connects from (repeat for several)" };
        add.Add(addId);
        add.Add(orgUuid);
        add.Add(relation);
        add.Add(maxTlp);
        add.Add(name);
        add.Add(network);
        Edit(members, add, context, (text, r) =>
            MemberEdit.Add(text, r.GetRequiredValue(addId), r.GetRequiredValue(orgUuid), r.GetRequiredValue(relation), r.GetRequiredValue(maxTlp), r.GetValue(name), r.GetValue(network) ?? []));

        var removeId = IdArgument();
        Edit(members, new Command("remove", "remove a member") { removeId }, context, (text, r) => MemberEdit.Remove(text, r.GetRequiredValue(removeId)), publishes: removeId);

        foreach (var (verb, description, allow) in new[] { ("allow", "add networks to a member", true), ("disallow", "remove networks from a member", false) })
        {
            var id = IdArgument();
            var cidrs = new Argument<string[]>("cidr") { Description = "CIDRs or addresses", Arity = ArgumentArity.OneOrMore };
            Edit(members, new Command(verb, description) { id, cidrs }, context, (text, r) =>
                allow ? MemberEdit.Allow(text, r.GetRequiredValue(id), r.GetRequiredValue(cidrs)) : MemberEdit.Disallow(text, r.GetRequiredValue(id), r.GetRequiredValue(cidrs)));
        }

        var suspendId = IdArgument();
        var until = new Option<string>("--until") { Description = "an ISO-8601 time with offset, in the future", HelpName = "time" };
        var @for = new Option<TimeSpan>("--for") { Description = "a duration: 30m, 2h, 3d", HelpName = "duration", CustomParser = ParseDuration };
        var suspend = new Command("suspend", "refuse a member until a time") { suspendId, until, @for };
        suspend.Validators.Add(r =>
        {
            if (r.GetResult(until) is null == (r.GetResult(@for) is null))
            {
                r.AddError("suspend needs exactly one of --until and --for");
            }
        });
        Edit(members, suspend, context, (text, r) =>
            MemberEdit.Suspend(text, r.GetRequiredValue(suspendId), r.GetValue(until), r.GetResult(@for) is null ? null : r.GetValue(@for), timeProvider), publishes: suspendId);

        var revokeId = IdArgument();
        Edit(members, new Command("revoke", "revoke a member's access until reinstated") { revokeId }, context, (text, r) => MemberEdit.Revoke(text, r.GetRequiredValue(revokeId)), publishes: revokeId);
        var reinstateId = IdArgument();
        Edit(members, new Command("reinstate", "clear a member's suspension and revocation") { reinstateId }, context, (text, r) => MemberEdit.Reinstate(text, r.GetRequiredValue(reinstateId)), publishes: reinstateId);

        var setId = IdArgument();
        var setField = FieldArgument(MembersFileSchema.Member);
        var setValues = new Argument<string[]>("value") { Description = "the value: one word, a list, a name and a UUID (forwardAs), or a taxonomy and its tags (allowedTags)", Arity = ArgumentArity.ZeroOrMore };
        Edit(members, new Command("set", "set a field of a member's entry") { setId, setField, setValues }, context, (text, r) =>
            MemberEdit.SetMember(text, r.GetRequiredValue(setId), r.GetRequiredValue(setField), r.GetValue(setValues) ?? [], timeProvider));

        var unsetId = IdArgument();
        var unsetField = FieldArgument(MembersFileSchema.Member);
        var unsetKey = new Argument<string>("taxonomy") { Description = "for allowedTags: remove only this taxonomy's entry", Arity = ArgumentArity.ZeroOrOne };
        Edit(members, new Command("unset", "remove a field from a member's entry (its default applies)") { unsetId, unsetField, unsetKey }, context, (text, r) =>
            MemberEdit.UnsetMember(text, r.GetRequiredValue(unsetId), r.GetRequiredValue(unsetField), r.GetValue(unsetKey)));

        var community = new Command("community", "read or change the community settings");
        Read(community, "show", "print the community settings", context, null);
        var communityField = FieldArgument(MembersFileSchema.Community);
        var communityValues = new Argument<string[]>("value") { Description = "the value: one word, or a name and a UUID (forwarder)", Arity = ArgumentArity.OneOrMore };
        Edit(community, new Command("set", "set a community field") { communityField, communityValues }, context, (text, r) =>
            MemberEdit.SetCommunity(text, r.GetRequiredValue(communityField), r.GetRequiredValue(communityValues)));
        var unsetCommunityField = FieldArgument(MembersFileSchema.Community);
        Edit(community, new Command("unset", "remove an optional community field (its default applies)") { unsetCommunityField }, context, (text, r) =>
            MemberEdit.UnsetCommunity(text, r.GetRequiredValue(unsetCommunityField)));
        members.Add(community);
        RefuseUnknownOptions(members);
        return members;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "the member's id" };

    /// <summary>A path (or other text) given empty is a usage error: .NET would throw on it, not say what is wrong.</summary>
    private static void RequireText(List<Action<OptionResult>> validators, string name) => validators.Add(r =>
    {
        if (r.Tokens.Count == 1 && string.IsNullOrWhiteSpace(r.Tokens[0].Value))
        {
            r.AddError($"{name} is empty: give a path");
        }
    });

    private static Argument<string> FieldArgument(FieldSpec[] fields)
    {
        // Named in the usage line by its role: listing every accepted value there widened the whole help past any terminal.
        var argument = new Argument<string>("field") { Description = "one of: " + string.Join(", ", fields.Select(f => f.Name)), HelpName = "field" };
        argument.AcceptOnlyFromAmong([.. fields.Select(f => f.Name)]);
        return argument;
    }

    private static void Read(Command parent, string verb, string description, Context context, Argument<string>? id)
    {
        var command = new Command(verb, description);
        if (id is not null)
        {
            command.Add(id);
        }

        command.SetAction(r =>
        {
            var store = new MembersFileStore(r.GetRequiredValue(context.File));
            try
            {
                var reader = new MembersFileReader(store.Read(), context.Output, context.Error, context.Time);
                return (parent.Name, verb) switch
                {
                    ("community", _) => reader.ShowCommunity(),
                    (_, "validate") => reader.Validate(),
                    (_, "list") => reader.List(),
                    _ => reader.Show(r.GetRequiredValue(id!)),
                };
            }
            catch (MembersFileAccessException ex)
            {
                context.Error.WriteLine(ex.Message);
                return FileError;
            }
        });
        parent.Add(command);
    }

    /// <summary>
    /// <c>explain EVENTS.json</c>: what each member would receive of the events, and why, decided by
    /// the code that filters live answers (SPEC section 11, <see cref="EventPreview"/>).
    /// </summary>
    private static void Explain(Command parent, Context context)
    {
        var events = new Argument<string>("events") { Description = "an /events/view or /events/restSearch answer (JSON); - reads standard input", HelpName = "EVENTS.json" };
        var member = new Option<string>("--member") { Description = "only this member (its id)", HelpName = "id" };
        var email = new Option<string>("--email") { Description = "as this user of the member named with --member (for redRecipients)", HelpName = "address" };
        var sync = new Option<bool>("--sync") { Description = "as the member's MISP server (a sync user)" };
        var json = new Option<bool>("--json") { Description = "one JSON array: an element per member and event, with the event as the gateway would send it" };
        var diff = new Option<string>("--diff") { Description = "compare with another members file over the same events; print only what changes", HelpName = "members.next.json" };
        var command = new Command("explain", "what each member would receive of the events in a file, and why: the gateway's own decision, without asking MISP")
        {
            events, member, email, sync, json, diff,
        };
        RefusePublishing(command, context, publishes: false);
        RequireText(diff.Validators, "--diff");
        events.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && string.IsNullOrWhiteSpace(r.Tokens[0].Value))
            {
                r.AddError("the events file is empty text: give a path, or - for standard input");
            }
        });
        command.Validators.Add(r =>
        {
            if (r.GetResult(email) is not null && r.GetResult(member) is null)
            {
                r.AddError("--email names a user of one member: give --member too");
            }

            // An empty or garbled address would be judged silently as "a user not in redRecipients", and printed into the report as typed.
            if (r.GetResult(email) is not null && r.GetValue(email) is var address && (string.IsNullOrEmpty(address) || !address.Contains('@', StringComparison.Ordinal) || address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format)))
            {
                r.AddError($"--email {JsonSerializer.Serialize(address ?? string.Empty)} is not an e-mail address");
            }
        });
        command.SetAction(r => EventPreview.Run(
            new PreviewRequest
            {
                MembersFile = r.GetRequiredValue(context.File),
                Events = r.GetRequiredValue(events),
                OtherMembersFile = r.GetValue(diff),
                Member = r.GetValue(member),
                Email = r.GetValue(email),
                Sync = r.GetValue(sync),
                Json = r.GetValue(json),
            },
            context.Output,
            context.Error,
            context.Time,
            Console.OpenStandardInput));
        parent.Add(command);
    }

    /// <summary><c>--publish-redis</c> (and its password) only on the verbs that publish a member's state.</summary>
    private static void RefusePublishing(Command command, Context context, bool publishes) => command.Validators.Add(r =>
    {
        if (r.GetResult(context.Redis) is not null && !publishes)
        {
            r.AddError($"--publish-redis applies to suspend, revoke, reinstate and remove, not to {command.Name}");
        }

        if (r.GetResult(context.Password) is not null && r.GetResult(context.Redis) is null)
        {
            r.AddError("--redis-password needs --publish-redis");
        }
    });

    private static void Edit(Command parent, Command command, Context context, Func<MembersFileText, ParseResult, string> edit, Argument<string>? publishes = null)
    {
        RefusePublishing(command, context, publishes is not null);
        command.SetAction(r =>
        {
            var editor = new MembersFileEditor(new MembersFileStore(r.GetRequiredValue(context.File)), context.Output, context.Error, context.Time);
            var code = editor.Apply(text => edit(text, r));
            return code is Ok or WrittenStillInvalid && publishes is not null && r.GetValue(context.Redis) is { } endpoint
                ? editor.Publish(endpoint, r.GetValue(context.Password), r.GetRequiredValue(publishes), code)
                : code;
        });
        parent.Add(command);
    }

    private static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (text.Length >= 2 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            var minutes = text[^1] switch
            {
                'm' => amount,
                'h' => amount * 60L,
                'd' => amount * 1440L,
                _ => 0,
            };

            // Longer would overflow the time the suspension ends at; a member refused for good is revoked.
            if (minutes > MaxSuspension.TotalMinutes)
            {
                result.AddError($"--for '{text}' is longer than {MaxSuspension.TotalDays:0} days: use revoke to refuse a member until reinstated");
                return default;
            }

            if (minutes > 0)
            {
                return TimeSpan.FromMinutes(minutes);
            }
        }

        result.AddError($"--for '{text}' is not a duration such as 30m, 2h or 3d");
        return default;
    }

    /// <summary>Writes problems one a line, indented, under a heading.</summary>
    internal static void WriteProblems(TextWriter writer, string heading, IEnumerable<MembersFileProblem> problems)
    {
        var list = problems.ToList();
        if (list.Count == 0)
        {
            return;
        }

        writer.WriteLine(heading);
        foreach (var problem in list)
        {
            writer.WriteLine("  " + problem.Message);
        }
    }

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What every verb's action needs: the shared options and where it writes.</summary>
    private sealed record Context(Option<string> File, Option<string> Redis, Option<string> Password, TextWriter Output, TextWriter Error, TimeProvider Time);
}
