using TlpGateway.Members;

namespace TlpGateway.Tests.Members;

public sealed class MembersCommandTests() : MembersCommandTestBase(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero))
{
    [Fact]
    public void Validate_ShippedFile_Ok()
    {
        var (code, output, _) = Run("validate");

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("valid: 2 members", output, StringComparison.Ordinal);
    }

    [Fact]
    public void List_ShowsEveryMemberAndState()
    {
        var (code, output, _) = Run("list");

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("acme\tmember\tamber", output, StringComparison.Ordinal);
        Assert.Contains("partner\tthird-party\tgreen", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_KnownMember_PrintsEntry()
    {
        var (code, output, _) = Run("show", "acme");

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_ValidMember_WrittenAndValid()
    {
        var (code, output, _) = Run("add", "newco", "--org-uuid", "11111111-2222-4333-8444-555555555555", "--relation", "member", "--max-tlp", "green", "--network", "192.0.2.0/24");

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("added member 'newco'", output, StringComparison.Ordinal);
        Assert.Equal(TlpGateway.Tlp.TlpLevel.Green, Member("newco").MaxTlp);
    }

    [Fact]
    public void Remove_Member_Gone()
    {
        Assert.Equal(MembersCommand.Ok, Run("remove", "partner").Code);

        Assert.DoesNotContain(MembersFileParser.Parse(File.ReadAllBytes(FilePath)).Members, m => m.Id == "partner");
    }

    [Fact]
    public void AllowAndDisallow_Network_Changed()
    {
        Assert.Equal(MembersCommand.Ok, Run("allow", "acme", "192.0.2.0/25").Code);
        Assert.True(Member("acme").Owns(System.Net.IPAddress.Parse("192.0.2.1")));

        Assert.Equal(MembersCommand.Ok, Run("disallow", "acme", "192.0.2.0/25").Code);
        Assert.False(Member("acme").Owns(System.Net.IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public void SuspendFor_Duration_UntilNowPlusDuration()
    {
        Assert.Equal(MembersCommand.Ok, Run("suspend", "acme", "--for", "2h").Code);

        Assert.Equal(Time.GetUtcNow().AddHours(2), Member("acme").SuspendedUntil);
    }

    [Fact]
    public void RevokeThenReinstate_StateFollows()
    {
        Assert.Equal(MembersCommand.Ok, Run("revoke", "acme").Code);
        Assert.True(Member("acme").Revoked);
        Assert.Equal(MembersCommand.Ok, Run("suspend", "acme", "--until", "2027-01-01T00:00:00Z").Code);

        Assert.Equal(MembersCommand.Ok, Run("reinstate", "acme").Code);

        Assert.False(Member("acme").Revoked);
        Assert.Null(Member("acme").SuspendedUntil);
    }

    [Theory]
    [InlineData("add", "acme", "--org-uuid", "22222222-2222-4333-8444-555555555555", "--relation", "member", "--max-tlp", "green")]
    [InlineData("add", "dup", "--org-uuid", "5c7e4b3c-0a1b-4c2d-8e3f-123456789abc", "--relation", "member", "--max-tlp", "green")]
    [InlineData("add", "bad", "--org-uuid", "33333333-2222-4333-8444-555555555555", "--relation", "member", "--max-tlp", "red")]
    [InlineData("allow", "acme", "300.1.1.1/8")]
    [InlineData("suspend", "acme", "--until", "2027-01-01T00:00:00")]
    [InlineData("suspend", "acme", "--until", "2027-01-01")]
    [InlineData("suspend", "acme", "--until", "2027-01-01 10:00")]
    [InlineData("revoke", "nobody")]
    [InlineData("disallow", "acme", "10.0.0.0/8")]
    public void Edit_Invalid_RefusedAndFileUntouched(params string[] args)
    {
        var before = File.ReadAllBytes(FilePath);

        var (code, _, error) = Run(args);

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Equal(before, File.ReadAllBytes(FilePath));
        Assert.Equal(["members.json", "members.json.lock"], Directory.GetFiles(DirectoryPath).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData]
    [InlineData("frobnicate", "acme")]
    [InlineData("suspend", "acme", "--for", "soon")]
    [InlineData("suspend", "acme", "--for", "99999999d")]
    [InlineData("suspend", "acme", "--for", "2147483647m")]
    [InlineData("add", "x", "--relation", "member")]
    public void Run_BadUsage_Exit2(params string[] args)
    {
        var before = File.ReadAllBytes(FilePath);

        Assert.Equal(MembersCommand.Usage, Run(args).Code);
        Assert.Equal(before, File.ReadAllBytes(FilePath));
    }

    [Theory]
    [InlineData("--netwrok", "allow", "acme", "192.0.2.0/24", "--netwrok", "10.0.0.0/8")]
    [InlineData("--color", "list", "--color")]
    [InlineData("--netwrok", "add", "x", "--org-uuid", "11111111-2222-4333-8444-555555555555", "--relation", "member", "--max-tlp", "green", "--netwrok", "10.0.0.0/8")]
    [InlineData("--until", "suspend", "acme", "--for", "2h", "--until", "2027-01-01T00:00:00Z")]
    [InlineData("--publish-redis", "allow", "acme", "192.0.2.0/24", "--publish-redis", "127.0.0.1:6379")]
    [InlineData("--publish-redis", "revoke", "acme", "--redis-password", "secret")]
    [InlineData("maxtlp", "set", "acme", "maxtlp", "green")]
    public void Run_UnknownOrConflictingOption_Exit2NamingIt(string named, params string[] args)
    {
        var before = File.ReadAllBytes(FilePath);

        var (code, _, error) = Run(args);

        Assert.Equal(MembersCommand.Usage, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(FilePath));
    }

    [Theory]
    [InlineData("--publish-redis", "revoke", "acme", "--publish-redis", "host:notaport")]
    [InlineData("--publish-redis", "suspend", "acme", "--for", "2h", "--publish-redis", "")]
    [InlineData("--publish-redis", "remove", "acme", "--publish-redis", "a b:6379")]
    [InlineData("--publish-redis", "reinstate", "acme", "--publish-redis", "redis:0")]
    public void Run_PublishEndpointUnusable_Exit2BeforeAnythingIsWritten(string named, params string[] args)
    {
        var before = File.ReadAllBytes(FilePath);

        var (code, output, error) = Run(args);

        Assert.Equal(MembersCommand.Usage, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Equal(before, File.ReadAllBytes(FilePath));
    }

    [Theory]
    [InlineData("--file", "list")]
    [InlineData("--file", "revoke", "acme")]
    [InlineData("events file", "explain", "")]
    [InlineData("--diff", "explain", "-", "--diff", " ")]
    public void Run_EmptyPath_Exit2NamingIt(string named, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] file = named == "--file" ? ["--file", ""] : ["--file", FilePath];

        var code = MembersCommand.Run([.. file, .. args], output, error, Time);

        Assert.Equal(MembersCommand.Usage, code);
        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("suspend", "--until")]
    [InlineData("add", "--org-uuid")]
    [InlineData("set", "forwardAs")]
    [InlineData("community", "set")]
    public void Help_EveryVerb_PrintsItsUsage(string verb, string mentioned)
    {
        var (code, output, _) = Run(verb, "--help");

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("members " + verb, output, StringComparison.Ordinal);
        Assert.Contains(mentioned, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("set", "--help")]
    [InlineData("unset", "--help")]
    [InlineData("community", "set", "--help")]
    public void Help_FieldArguments_NamedByTheirRoleSoTheFirstColumnStaysNarrow(params string[] args)
    {
        var (code, output, _) = Run(args);

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("<field>", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<allowedTags|", output, StringComparison.Ordinal);
        // A first column as wide as its widest name pads every description past it (the help wraps only the descriptions).
        Assert.DoesNotContain(new string(' ', 40), output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingFile_Exit3()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(MembersCommand.FileError, MembersCommand.Run(["--file", Path.Combine(DirectoryPath, "absent.json"), "list"], output, error, Time));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("allow", "acme", "192.0.2.0/24")]
    public void Run_FileIsAFolder_Exit3SayingSo(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(MembersCommand.FileError, MembersCommand.Run(["--file", DirectoryPath, .. args], output, error, Time));
        Assert.Contains($"cannot read {DirectoryPath}: it is a folder, not a file", error.ToString(), StringComparison.Ordinal);
    }
}
