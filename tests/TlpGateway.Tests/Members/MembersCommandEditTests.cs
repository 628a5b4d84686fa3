using Mono.Unix;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Members;

/// <summary>The members command's edits on temporary files: concurrency, layout, ownership, files with errors, every verb.</summary>
public sealed class MembersCommandEditTests() : MembersCommandTestBase(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero))
{
    [Fact]
    public void Suspend_FileWithAnEscapeOfHalfASurrogatePair_RefusedAndFileUntouched()
    {
        var broken = File.ReadAllText(FilePath).Replace("\"acme\"", "\"acme\\uD800\"", StringComparison.Ordinal);
        File.WriteAllText(FilePath, broken);

        var (code, _, error) = Run("suspend", "acme", "--for", "1h");

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Contains("an escape that is not valid UTF-16", error, StringComparison.Ordinal);
        Assert.Equal(broken, File.ReadAllText(FilePath));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("show", "acme")]
    [InlineData("allow", "acme", "192.0.2.0/24")]
    [InlineData("set", "acme", "maxTlp", "green")]
    [InlineData("set", "partner", "maxTlp", "clear")]
    public void Verb_FileWithADuplicateKey_RefusedNamingItAndFileUntouched(params string[] args)
    {
        // The gateway's validator refuses the file; a verb must not crash on it, nor edit one of the two values.
        var broken = File.ReadAllText(FilePath).Replace("\"maxTlp\": \"amber\",", "\"maxTlp\": \"amber\",\n      \"maxTlp\": \"amber+strict\",", StringComparison.Ordinal);
        File.WriteAllText(FilePath, broken);

        var (code, _, error) = Run(args);

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Contains("duplicate key 'maxTlp' in one object", error, StringComparison.Ordinal);
        Assert.Equal(broken, File.ReadAllText(FilePath));
    }

    [Theory]
    [InlineData("allow", "acme", "192.0.2.0/24")]
    [InlineData("disallow", "acme", "198.51.100.0/24")]
    public void AllowOrDisallow_NetworksHoldingANonString_EditWrittenThatErrorStillReported(params string[] args)
    {
        File.WriteAllText(FilePath, File.ReadAllText(FilePath).Replace("\"198.51.100.0/24\",", "\"198.51.100.0/24\", 24, null,", StringComparison.Ordinal));

        var (code, _, error) = Run(args);

        Assert.Equal(MembersCommand.WrittenStillInvalid, code);
        Assert.Contains("'networks' entry 24 is not a string", error, StringComparison.Ordinal);
        Assert.Equal(args[0] == "allow", File.ReadAllText(FilePath).Contains("192.0.2.0/24", StringComparison.Ordinal));
    }

    [Fact]
    public void Suspend_UntilAlreadyPast_RefusedAndFileUntouched()
    {
        var before = File.ReadAllBytes(FilePath);

        var (code, _, error) = Run("suspend", "acme", "--until", "2026-12-01T00:00:00Z");

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Contains("already past", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(FilePath));
    }

    [Fact]
    public void List_SuspensionOver_ShownAsExpired()
    {
        Assert.Equal(MembersCommand.Ok, Run("suspend", "acme", "--until", "2026-12-01T13:00:00Z").Code);
        Assert.Contains("acme\tmember\tamber\t2 networks\tsuspended until 2026-12-01T13:00:00", Run("list").Output, StringComparison.Ordinal);

        Time.Advance(TimeSpan.FromHours(2));

        Assert.Contains("acme\tmember\tamber\t2 networks\tactive (suspension expired 2026-12-01T13:00:00", Run("list").Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_EightParallelAllowsAndASuspend_EveryReportedSuccessInTheFile()
    {
        using var start = new ManualResetEventSlim();
        var edits = Enumerable.Range(1, 8).Select(i => new[] { "allow", "acme", $"10.{i}.0.0/16" }).Append(["suspend", "partner", "--for", "2h"]).ToList();

        var running = edits.Select(args => Task.Factory.StartNew(
            () =>
            {
                start.Wait();
                return Run(args).Code;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToList();
        start.Set();

        var results = await Task.WhenAll(running);

        Assert.All(results, code => Assert.Equal(MembersCommand.Ok, code));
        var acme = Member("acme");
        Assert.All(Enumerable.Range(1, 8), i => Assert.True(acme.Owns(System.Net.IPAddress.Parse($"10.{i}.0.1")), $"10.{i}.0.0/16 lost"));
        Assert.Equal(Time.GetUtcNow().AddHours(2), Member("partner").SuspendedUntil);
    }

    [Fact]
    public async Task Edit_LockHeldByAnotherEditor_WaitsForIt()
    {
        var store = new MembersFileStore(FilePath);
        var held = store.Lock(TimeProvider.System);
        var edit = Task.Run(() => Run("allow", "acme", "192.0.2.0/24"));

        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(edit.IsCompleted, "the edit did not wait for the lock");
        Assert.DoesNotContain("192.0.2.0/24", File.ReadAllText(FilePath), StringComparison.Ordinal);
        held.Dispose();

        Assert.Equal(MembersCommand.Ok, (await edit).Code);
        Assert.True(Member("acme").Owns(System.Net.IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public void Edit_MaintainersLayout_OnlyTheEditedValueChanges()
    {
        var layout = "{\r\n\t\"community\": {\"name\": \"C\", \"forwarder\": {\"name\": \"Hub\", \"uuid\": \"00000000-0000-4000-8000-000000000001\"}, \"chathamHouse\": \"always\"},\r\n"
            + "\t\"members\": [\r\n"
            + "\t\t{\"id\": \"acme\",   \"orgUuid\": \"5c7e4b3c-0a1b-4c2d-8e3f-123456789abc\", \"networks\": [\"198.51.100.0/24\"], \"relation\": \"member\", \"maxTlp\": \"amber\"},\r\n"
            + "\t\t{\"id\": \"other\", \"orgUuid\": \"6c7e4b3c-0a1b-4c2d-8e3f-123456789abc\", \"networks\": [], \"relation\": \"member\", \"maxTlp\": \"green\"}\r\n"
            + "\t]\r\n}\r\n";
        File.WriteAllText(FilePath, layout);

        Assert.Equal(MembersCommand.Ok, Run("allow", "acme", "192.0.2.0/24").Code);
        Assert.Equal(layout.Replace("[\"198.51.100.0/24\"]", "[\"198.51.100.0/24\", \"192.0.2.0/24\"]", StringComparison.Ordinal), File.ReadAllText(FilePath));

        Assert.Equal(MembersCommand.Ok, Run("set", "other", "maxTlp", "amber").Code);
        Assert.Equal(MembersCommand.Ok, Run("revoke", "other").Code);
        var expected = layout
            .Replace("[\"198.51.100.0/24\"]", "[\"198.51.100.0/24\", \"192.0.2.0/24\"]", StringComparison.Ordinal)
            .Replace("\"maxTlp\": \"green\"}", "\"maxTlp\": \"amber\", \"revoked\": true}", StringComparison.Ordinal);
        Assert.Equal(expected, File.ReadAllText(FilePath));
    }

    [Fact]
    public void Add_ThenRemove_FileAsBefore()
    {
        var before = File.ReadAllBytes(FilePath);

        Assert.Equal(MembersCommand.Ok, Run("add", "newco", "--org-uuid", "11111111-2222-4333-8444-555555555555", "--relation", "member", "--max-tlp", "green", "--network", "192.0.2.0/24").Code);
        Assert.Contains("\n    {\n      \"id\": \"newco\",\n", File.ReadAllText(FilePath), StringComparison.Ordinal);
        Assert.Equal(MembersCommand.Ok, Run("remove", "newco").Code);

        Assert.Equal(before, File.ReadAllBytes(FilePath));
    }

    [Fact]
    public void Edit_FileWithByteOrderMark_EditedAndMarkKept()
    {
        File.WriteAllBytes(FilePath, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(FilePath)]);

        Assert.Equal(MembersCommand.Ok, Run("allow", "acme", "192.0.2.0/24").Code);

        var bytes = File.ReadAllBytes(FilePath);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.True(Member("acme").Owns(System.Net.IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Edit_ModeAndOwner_Kept()
    {
        File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var info = new UnixFileInfo(FilePath);
        const long NoGroup = 65534;
        info.SetOwner(info.OwnerUserId, NoGroup);

        Assert.Equal(MembersCommand.Ok, Run("allow", "acme", "192.0.2.0/24").Code);

        var after = new UnixFileInfo(FilePath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(FilePath));
        Assert.Equal(NoGroup, after.OwnerGroupId);
        Assert.Equal(info.OwnerUserId, after.OwnerUserId);
    }

    [Fact]
    public void Edit_ThroughASymbolicLink_TheTargetIsEditedAndTheLinkKept()
    {
        var link = Path.Combine(DirectoryPath, "current.json");
        File.CreateSymbolicLink(link, FilePath);

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(MembersCommand.Ok, MembersCommand.Run(["--file", link, "allow", "acme", "192.0.2.0/24"], output, error, Time));

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.True(Member("acme").Owns(System.Net.IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public void Edit_FileSavedByHandWhileTheEditIsMade_RefusedAndTheHandEditKept()
    {
        var byHand = File.ReadAllText(FilePath).Replace("\"maxTlp\": \"amber\"", "\"maxTlp\": \"green\"", StringComparison.Ordinal);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var editor = new MembersFileEditor(new MembersFileStore(FilePath), output, error, Time);

        // A maintainer's editor saves the file (it takes no lock) after the command read it and before it writes.
        var code = editor.Apply(text =>
        {
            File.WriteAllText(FilePath, byHand);
            return MemberEdit.Revoke(text, "acme");
        });

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Contains("changed while this edit was made", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
        Assert.Equal(byHand, File.ReadAllText(FilePath));
        Assert.Empty(Directory.GetFiles(DirectoryPath, "*.tmp"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Write_FileOwnerOnly_TemporaryCopyCreatedOwnerOnly()
    {
        File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var store = new MembersFileStore(FilePath);

        // The copy is created with this mode (not chmod-ed after: the umask's mode would show for a moment).
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, store.TemporaryCopyOptions().UnixCreateMode);

        store.Write(File.ReadAllBytes(FilePath));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
    }

    [Theory]
    [InlineData("revoke", "acme")]
    [InlineData("allow", "acme", "192.0.2.0/24")]
    public void Edit_FileMissing_Exit3NoLockLeftBehind(params string[] args)
    {
        var missing = Path.Combine(DirectoryPath, "missing.json");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = MembersCommand.Run(["--file", missing, .. args], output, error, Time);

        Assert.Equal(MembersCommand.FileError, code);
        Assert.Contains("there is no such file", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(missing + ".lock"));
    }

    [Fact]
    public void Write_Fails_ErrorNamesTheMembersFileNotTheTemporaryOne()
    {
        var store = new MembersFileStore(Path.Combine(DirectoryPath, "gone", "members.json"));

        var ex = Assert.Throws<MembersFileAccessException>(() => store.Write([(byte)'{', (byte)'}']));

        Assert.Contains(store.Path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListAndShow_FileWithABrokenEntry_EveryEntryListedAndTheBrokenOneMarked()
    {
        BreakPartner();

        var list = Run("list");
        var show = Run("show", "acme");

        Assert.Equal(MembersCommand.Invalid, list.Code);
        Assert.Contains("acme\tmember\tamber\t2 networks\tactive\n", list.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("partner\tthird-party\tpurple\t1 networks\tactive\tINVALID: member 'partner': 'maxTlp' is 'purple'", list.Output, StringComparison.Ordinal);
        Assert.Contains("5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", show.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("purple", show.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_FileWithAnErrorElsewhere_RefusalSeparatesTheErrorsAlreadyThere()
    {
        BreakPartner();
        var before = File.ReadAllBytes(FilePath);

        var (code, _, error) = Run("allow", "acme", "192.0.2.7/24");

        Assert.Equal(MembersCommand.Invalid, code);
        var refused = error[..error.IndexOf("already in the file", StringComparison.Ordinal)];
        Assert.Contains("host bits set: did you mean 192.0.2.0/24?", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("purple", refused, StringComparison.Ordinal);
        Assert.Contains("purple", error[refused.Length..], StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(FilePath));
    }

    [Fact]
    public void Edit_FileWithAnErrorElsewhere_GoodEditWrittenAndRemainingErrorNamed()
    {
        BreakPartner();

        var (code, output, error) = Run("allow", "acme", "192.0.2.0/24");

        Assert.Equal(MembersCommand.WrittenStillInvalid, code);
        Assert.Contains("allowed 192.0.2.0/24", output, StringComparison.Ordinal);
        Assert.Contains("still has errors", error, StringComparison.Ordinal);
        Assert.Contains("192.0.2.0/24", File.ReadAllText(FilePath), StringComparison.Ordinal);

        Assert.Equal(MembersCommand.Ok, Run("set", "partner", "maxTlp", "green").Code);
        Assert.True(Member("acme").Owns(System.Net.IPAddress.Parse("192.0.2.1")));
    }

    [Theory]
    [InlineData("maxTlp", "green")]
    [InlineData("relation", "third-party")]
    [InlineData("name", "ACME Telecom Group")]
    [InlineData("redRecipients", "a@acme.example", "b@acme.example")]
    [InlineData("forwardAs", "Relay", "00000000-0000-4000-8000-00000000000f")]
    [InlineData("blockedTags", "pap:red")]
    [InlineData("blockedDistributionLevels", "0", "1")]
    [InlineData("allowedTags", "tlp", "tlp:clear", "tlp:green")]
    [InlineData("restrictSyncEndpoints", "false")]
    [InlineData("suspendedUntil", "2027-01-01T00:00:00+01:00")]
    public void Set_MemberField_WrittenAsTheGatewayReadsIt(string field, params string[] words)
    {
        Assert.Equal(MembersCommand.Ok, Run(["set", "acme", field, .. words]).Code);

        var acme = Member("acme");
        object actual = field switch
        {
            "maxTlp" => TlpMarking.Name(acme.MaxTlp),
            "relation" => acme.Relation == MemberRelation.ThirdParty ? "third-party" : "member",
            "name" => acme.Name,
            "redRecipients" => string.Join(' ', acme.RedRecipients.Order()),
            "forwardAs" => $"{acme.ForwardAs!.Name} {acme.ForwardAs.Uuid}",
            "blockedTags" => string.Join(' ', acme.Rules.BlockedTags),
            "blockedDistributionLevels" => string.Join(' ', acme.Rules.BlockedDistributionLevels.Order()),
            "allowedTags" => "tlp " + string.Join(' ', acme.Rules.AllowedTags["tlp"].Order()),
            "restrictSyncEndpoints" => acme.Rules.RestrictSyncEndpoints ? "true" : "false",
            _ => acme.SuspendedUntil!.Value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.Equal(string.Join(' ', words), actual);
    }

    [Theory]
    [InlineData("blockedDistributionLevels", "7", "not a distribution level")]
    [InlineData("revoked", "yes", "'revoked' must be true or false")]
    [InlineData("orgUuid", "nope", "is not a UUID")]
    [InlineData("redRecipients", "nobody", "not an e-mail address")]
    public void Set_InvalidValue_RefusedByTheGatewaysValidator(string field, string word, string message)
    {
        var before = File.ReadAllBytes(FilePath);

        var (code, _, error) = Run("set", "acme", field, word);

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(FilePath));
    }

    [Fact]
    public void Unset_OptionalFieldAndTaxonomy_DefaultsApply()
    {
        Assert.Equal(MembersCommand.Ok, Run("set", "acme", "allowedTags", "tlp", "tlp:clear").Code);
        Assert.Equal(MembersCommand.Ok, Run("set", "acme", "allowedTags", "pap", "pap:white").Code);

        Assert.Equal(MembersCommand.Ok, Run("unset", "acme", "allowedTags", "tlp").Code);
        Assert.Equal(["pap"], [.. Member("acme").Rules.AllowedTags.Keys]);
        Assert.Equal(MembersCommand.Ok, Run("unset", "acme", "redRecipients").Code);

        Assert.Empty(Member("acme").RedRecipients);
        Assert.Equal(MembersCommand.Invalid, Run("unset", "acme", "maxTlp").Code);
    }

    [Fact]
    public void Community_SetAndUnset_ValidatedAndWritten()
    {
        Assert.Equal(MembersCommand.Ok, Run("community", "set", "defaultTlp", "green").Code);
        Assert.Equal(MembersCommand.Ok, Run("community", "set", "requireAcceptedTerms", "true").Code);
        Assert.Equal(MembersCommand.Ok, Run("community", "set", "forwarder", "New hub", "00000000-0000-4000-8000-0000000000aa").Code);

        var registry = MembersFileParser.Parse(File.ReadAllBytes(FilePath));
        Assert.Equal(TlpLevel.Green, registry.Community.DefaultTlp);
        Assert.True(registry.Community.RequireAcceptedTerms);
        Assert.Equal("New hub", registry.Community.Forwarder.Name);
        Assert.Equal(MembersCommand.Invalid, Run("community", "set", "chathamHouse", "sometimes").Code);
        Assert.Equal(MembersCommand.Invalid, Run("community", "unset", "chathamHouse").Code);
        Assert.Equal(MembersCommand.Ok, Run("community", "unset", "defaultTlp").Code);
        Assert.Equal(TlpLevel.Amber, MembersFileParser.Parse(File.ReadAllBytes(FilePath)).Community.DefaultTlp);
    }

    [Theory]
    [InlineData("0.0.0.0/0", "lets in every IPv4 address")]
    [InlineData("::/0", "lets in every IPv6 address")]
    [InlineData("198.51.100.128/25", "is already covered by '198.51.100.0/24'")]
    public void Allow_SuspiciousNetwork_WrittenWithWarning(string cidr, string warning)
    {
        var (code, _, error) = Run("allow", "acme", cidr);

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains($"warning: member 'acme': 'networks' entry '{cidr}'", error, StringComparison.Ordinal);
        Assert.Contains(warning, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Disallow_LastNetwork_WarnsNobodyCanConnect()
    {
        var (code, _, error) = Run("disallow", "partner", "203.0.113.0/24");

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("warning: member 'partner': 'networks' is empty: nobody can connect as this member", error, StringComparison.Ordinal);
    }

    private void BreakPartner() =>
        File.WriteAllText(FilePath, File.ReadAllText(FilePath).Replace("\"maxTlp\": \"green\"", "\"maxTlp\": \"purple\"", StringComparison.Ordinal));
}
