using System.Text.Json;
using MispSimulator;
using TlpGateway.FunctionalTests.Startup;

namespace TlpGateway.FunctionalTests.Preview;

/// <summary>
/// <c>TlpGateway members --file F explain</c> as a maintainer runs it: the built program as a child
/// process, its standard input, output, error and exit code (SPEC section 11).
/// </summary>
public sealed class ExplainProcessTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-explain-");
    private readonly string _members;

    public ExplainProcessTests()
    {
        _members = Path.Combine(_directory.FullName, "members.json");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json"), _members);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Explain_StandardInput_ReadsTheEventsFromIt()
    {
        var view = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", "events_view_rich__admin.json"));

        var (code, output, error) = await RunAsync(input => input.WriteAsync(view).AsTask(), "explain", "-", "--member", "org-d", "--json");

        Assert.True(code == 0, error);
        using var report = JsonDocument.Parse(output);
        var element = Assert.Single(report.RootElement.EnumerateArray());
        Assert.Equal("org-d", element.GetProperty("member").GetString());
        Assert.Equal("1bfc1897-b375-497c-9f02-b164e32bc94a", element.GetProperty("eventUuid").GetString());
        Assert.True(element.GetProperty("released").GetBoolean());
    }

    [Fact]
    public async Task Explain_RedirectedOutput_NoColourAndNoProgressNoise()
    {
        var events = Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", "events_restSearch_json__admin.json");

        var (code, output, error) = await RunAsync(null, "explain", events);

        Assert.True(code == 0, error);
        Assert.Contains("org-d (ORG_D): relation member, maxTlp green; as a user not in redRecipients: 8 of 13 events released", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u001b', error);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("1", false)]
    public async Task Explain_OnATerminal_ColouredUnlessNoColour(string noColour, bool coloured)
    {
        var events = Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", "events_view_rich__admin.json");
        var command = $"dotnet '{GatewayProcess.Program}' members --file '{_members}' explain '{events}' --member org-d";

        // script(1) runs the program with a pseudo-terminal as its standard output, as a maintainer's shell would.
        var (code, output, error) = await GatewayProcess.RunAsync("script", ["-qec", command, "/dev/null"], _directory.FullName, new Dictionary<string, string> { ["NO_COLOR"] = noColour });

        Assert.True(code == 0, error);
        Assert.Contains("released", output, StringComparison.Ordinal);
        Assert.Equal(coloured, output.Contains("\u001b[32mreleased\u001b[0m", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Explain_BadStandardInput_OneErrorLineNothingOnStdoutExit1()
    {
        var (code, output, error) = await RunAsync(input => input.WriteAsync("{\"response\": [{\"Event\": {\"id\": \"1\"}}, {\"Event\": {\"id\": 2,]}"u8.ToArray()).AsTask(), "explain", "-");

        Assert.Equal(1, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("standard input: record 2, starting at byte 38: malformed JSON", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_NamedPipe_ReadAsAStreamAndErrorsByByte()
    {
        // The shell's <(...) hands the program a pipe by name: no size, and it cannot be read twice.
        var command = $"dotnet '{GatewayProcess.Program}' members --file '{_members}' explain <(printf '{{\"response\": [{{\"Event\": {{\"id\": \"1\"}}}}, {{]}}') --member org-d";

        var (code, output, error) = await GatewayProcess.RunAsync("bash", ["-c", command], _directory.FullName);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Matches(@"^/dev/fd/\d+: record 2, starting at byte 38: malformed JSON", error);
    }

    [Fact]
    public async Task Explain_UnknownMember_Exit1NamingIt()
    {
        var (code, output, error) = await RunAsync(input => input.WriteAsync("{\"response\": []}"u8.ToArray()).AsTask(), "explain", "-", "--member", "org-z");

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal($"no member 'org-z' in {_members}", error.Trim());
    }

    [Theory]
    [InlineData("--sinc", "explain", "-", "--sinc")]
    [InlineData("--color", "list", "--color")]
    [InlineData("extra", "validate", "extra")]
    public async Task MembersVerb_UnknownOptionThroughTheProgram_Exit2NamingIt(string named, params string[] args)
    {
        var (code, output, error) = await RunAsync(null, args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains($"'{named}'", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A 200 MB answer streamed through standard input into a program whose managed heap may not
    /// exceed 32 MB: it could not hold the answer, or the report, whole.
    /// </summary>
    [Fact]
    public async Task Explain_200MegabyteAnswer_JudgedWithin32MegabyteHeap()
    {
        const long Size = 200L * 1024 * 1024;

        var (code, output, error) = await GatewayProcess.RunAsync(
            "dotnet",
            [GatewayProcess.Program, "members", "--file", _members, "explain", "-", "--member", "org-d"],
            _directory.FullName,
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x2000000" },
            input => EventGenerator.WriteRestSearchAsync(input, new GeneratedRestSearch(11, Size), CancellationToken.None));

        Assert.True(code == 0, error);
        var heading = output[..output.IndexOf('\n', StringComparison.Ordinal)];
        Assert.StartsWith("org-d (ORG_D): relation member, maxTlp green; as a user not in redRecipients: ", heading, StringComparison.Ordinal);
        var events = output.Split('\n').Count(l => l.StartsWith("  event ", StringComparison.Ordinal));
        Assert.True(events > 10_000, $"{events} events reported");
        Assert.EndsWith($" of {events} events released", heading, StringComparison.Ordinal);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(Func<Stream, Task>? input, params string[] args) =>
        GatewayProcess.RunAsync("dotnet", [GatewayProcess.Program, "members", "--file", _members, .. args], _directory.FullName, input: input);
}
