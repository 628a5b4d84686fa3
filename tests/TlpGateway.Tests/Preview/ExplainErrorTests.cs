using TlpGateway.Members;

namespace TlpGateway.Tests.Preview;

/// <summary>
/// Bad input to <c>explain</c>: one clear error naming the file and the position, nothing on standard
/// output, exit code 1 — also when the fault comes after events already judged; an unknown member
/// names it; usage errors exit 2, unreadable files 3.
/// </summary>
public sealed class ExplainErrorTests : IDisposable
{
    private const string OrgD = "d03551b8-8496-4bd2-b178-72fb134e2520";

    private readonly PreviewHarness _harness = new();
    private readonly string _members;

    public ExplainErrorTests()
    {
        _members = _harness.MembersFile(new PreviewMember("acme", OrgD, "member", "amber"), new PreviewMember("partner", "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "third-party", "green"));
    }

    public void Dispose() => _harness.Dispose();

    public static TheoryData<string, string, string> BadInputs => new()
    {
        // The fault, the input, where the error says it is, and a word of what it says.
        { "{\n  \"response\": [\n    {\"Event\": {\"id\": \"1\",, \"uuid\": \"x\"}}\n  ]\n}", "record 1, starting at line 3, column 5 (byte 22)", "malformed JSON" },
        { "{\"response\": [{\"Event\": {\"id\": \"1\"}}", "line 1, column 37 (byte 36), after 1 event", "malformed JSON" },
        { "{\"response\": [{\"Event\": {\"id\": \"1\", \"Tag\": [], \"Tag\": [{\"name\": \"tlp:red\"}]}}]}", "record 1, starting at line 1, column 15 (byte 14)", "duplicate key 'Tag'" },
        { "[{\"Event\": {\"id\": \"1\", \"uuid\": \"u\"}}, {\"id\": \"2\", \"uuid\": \"v\", \"EventTag\": []}]", "record 2, starting at line 1, column 39 (byte 38)", "it is an index-row, not an event" },
        { "{\"name\": \"Not Found\", \"message\": \"Invalid event\", \"url\": \"/events/view/9\"}", "record 1, starting at line 1, column 1 (byte 0)", "it holds no event" },
        { "{\"response\": 5}", "line 1, column 2 (byte 1), after 0 events", "\"response\" holds neither a list nor an object" },
        { "", "line 1, column 1 (byte 0), after 0 events", "empty body" },
        { "{\"Event\": {\"id\": \"1\"}} {}", "line 1, column 23 (byte 22), after 1 event", "data after the end of the JSON document" },
        { "{\"Event\": {\"id\": \"1\", \"distribution\": \"9\"}}", "record 1, starting at line 1, column 1 (byte 0)", "distribution is not a level 0 to 5" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Explain_BadInput_OneErrorNamingFileAndPositionNothingOnStdoutExit1(string input, string position, string says)
    {
        var events = _harness.Write("bad", input);

        var (code, output, error) = _harness.Explain(_members, events);

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{events}: {position}: ", line, StringComparison.Ordinal);
        Assert.Contains(says, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ByteOrderMark_SkippedAndPositionsCountedInTheFile()
    {
        var good = _harness.Write("bom", [0xEF, 0xBB, 0xBF, .. "{\"Event\": {\"id\": \"1\", \"uuid\": \"u\"}}"u8]);
        var bad = _harness.Write("bom", [0xEF, 0xBB, 0xBF, .. "{\"response\": [{\"Event\": {\"id\": 1,}}]}"u8]);

        var (code, output, _) = _harness.Explain(_members, good, "--member", "acme");
        var (badCode, _, error) = _harness.Explain(_members, bad, "--member", "acme");

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("event u (id 1): released", output, StringComparison.Ordinal);
        Assert.Equal(MembersCommand.Invalid, badCode);
        Assert.StartsWith($"{bad}: record 1, starting at line 1, column 15 (byte 17): malformed JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_FaultAfterManyGoodEvents_NothingOnStdout()
    {
        var good = string.Join(",", Enumerable.Range(1, 2000).Select(i => PreviewEvents.Event($"e{i:0000000}-0000-4000-8000-000000000000", i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["tlp:green"], PreviewEvents.Attribute($"a{i:0000000}-0000-4000-8000-000000000000")).ToJsonString()));
        var events = _harness.Write("late-fault", "{\"response\": [" + good + ", {\"Event\": {\"id\": \"x\" \"uuid\": \"y\"}}]}");

        foreach (var json in new[] { false, true })
        {
            var (code, output, error) = _harness.Explain(_members, json ? [events, "--json"] : [events]);

            Assert.Equal(MembersCommand.Invalid, code);
            Assert.Empty(output);
            Assert.Contains("record 2001, starting at line 1, column ", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Explain_UnknownMember_Exit1NamingIt()
    {
        var (code, output, error) = _harness.Explain(_members, _harness.Write("events", "{\"response\": []}"), "--member", "acme-typo");

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Empty(output);
        Assert.Equal($"no member 'acme-typo' in {_members}", error.Trim());
    }

    [Fact]
    public void Explain_DiffUnknownMember_NamesBothFiles()
    {
        var other = _harness.MembersFile(new PreviewMember("acme", OrgD, "member", "green"));

        var (code, _, error) = _harness.Explain(_members, _harness.Write("events", "{\"response\": []}"), "--diff", other, "--member", "nobody");

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Equal($"no member 'nobody' in {_members} or {other}", error.Trim());
    }

    [Fact]
    public void Explain_InvalidMembersFile_Exit1ListingItsErrors()
    {
        var invalid = _harness.Write("members", File.ReadAllText(_members).Replace("\"amber\"", "\"ambre\"", StringComparison.Ordinal));

        var (code, output, error) = _harness.Explain(invalid, _harness.Write("events", "{\"response\": []}"));

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Empty(output);
        Assert.Contains($"the members file {invalid} is invalid", error, StringComparison.Ordinal);
        Assert.Contains("ambre", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_InvalidOtherMembersFile_Exit1NamingIt()
    {
        var invalid = _harness.Write("next", "{\"community\": {}}");

        var (code, output, error) = _harness.Explain(_members, _harness.Write("events", "{\"response\": []}"), "--diff", invalid);

        Assert.Equal(MembersCommand.Invalid, code);
        Assert.Empty(output);
        Assert.Contains($"the members file {invalid} is invalid", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_MissingEventsFile_Exit3NamingIt()
    {
        var missing = Path.Combine(_harness.DirectoryPath, "absent.json");

        var (code, output, error) = _harness.Explain(_members, missing);

        Assert.Equal(MembersCommand.FileError, code);
        Assert.Empty(output);
        Assert.StartsWith($"cannot read {missing}: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_EventsPathIsAFolder_Exit3SayingSo()
    {
        var (code, output, error) = _harness.Explain(_members, _harness.DirectoryPath);

        Assert.Equal(MembersCommand.FileError, code);
        Assert.Empty(output);
        Assert.StartsWith($"cannot read {_harness.DirectoryPath}: it is a folder, not a file", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--email", "--email", "a@example.test")]
    [InlineData("--publish-redis", "--publish-redis", "127.0.0.1:6379")]
    [InlineData("--colour", "--colour")]
    [InlineData("--diff", "--diff")]
    public void Explain_BadUsage_Exit2NamingIt(string named, params string[] args)
    {
        var events = _harness.Write("events", "{\"response\": []}");

        var (code, output, error) = _harness.Explain(_members, [events, .. args]);

        Assert.Equal(MembersCommand.Usage, code);
        Assert.Empty(output);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("analyst")]
    [InlineData("analyst@org-d.test\n  event 00000000-0000-4000-8000-000000000001: released")]
    [InlineData("analyst\u200b@org-d.test")]
    [InlineData(" analyst@org-d.test")]
    public void Explain_EmailNotAnAddress_Exit2NothingJudged(string email)
    {
        var events = _harness.Write("events", "{\"response\": []}");
        var member = MembersFileParser.Parse(File.ReadAllBytes(_members)).Members[0].Id;

        var (code, output, error) = _harness.Explain(_members, [events, "--member", member, "--email", email]);

        Assert.Equal(MembersCommand.Usage, code);
        Assert.Empty(output);
        Assert.Contains("is not an e-mail address", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n  event", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_NoEventsArgument_Exit2()
    {
        var (code, output, error) = _harness.Explain(_members);

        Assert.Equal(MembersCommand.Usage, code);
        Assert.Empty(output);
        Assert.Contains("members explain --help", error, StringComparison.Ordinal);
    }
}
