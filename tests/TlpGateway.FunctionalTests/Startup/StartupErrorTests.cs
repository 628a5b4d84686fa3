using System.Net;
using System.Net.Sockets;

namespace TlpGateway.FunctionalTests.Startup;

/// <summary>
/// Start-up mistakes, made by starting the real program: each is one line on standard error that
/// names the key, or the member and field, and exit code 1; never a stack trace.
/// </summary>
public sealed class StartupErrorTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-start-");

    public StartupErrorTests() => File.Copy(Path.Combine(GatewayProcess.RepositoryRoot, "deploy", "members.json"), MembersFile);

    private string MembersFile => Path.Combine(_directory.FullName, "members.json");

    public void Dispose() => _directory.Delete(recursive: true);

    private Task<(int Code, string Output, string Error)> StartAsync(params string[] args) =>
        GatewayProcess.RunAsync(_directory.FullName, ["--urls", "http://127.0.0.1:0", $"--Gateway:Audit:Path={Path.Combine(_directory.FullName, "audit.jsonl")}", .. args]);

    [Theory]
    [InlineData("Gateway:Upstream is required", "--Gateway:MembersFile=members.json")]
    [InlineData("Gateway:Upstream 'misp.example.org' is not an absolute http or https URL", "--Gateway:Upstream=misp.example.org", "--Gateway:MembersFile=members.json")]
    [InlineData("Gateway:UpstreamTimeout is not a duration", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json", "--Gateway:UpstreamTimeout=100s")]
    [InlineData("Gateway:MembersFile is required", "--Gateway:Upstream=http://127.0.0.1:9")]
    [InlineData("Gateway:MembersFile: cannot read", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=absent.json")]
    [InlineData("Gateway:Filter:MaxEventBytes is not a whole number", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json", "--Gateway:Filter:MaxEventBytes=lots")]
    [InlineData("Gateway:Filter:CorrelationLookAheadBytes: The field CorrelationLookAheadBytes must be between 0 and 268435456", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json", "--Gateway:Filter:CorrelationLookAheadBytes=-1")]
    [InlineData("Gateway:TrustedProxies: '10.0.0.300' is not an IP address or CIDR", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json", "--Gateway:TrustedProxies:0=10.0.0.300")]
    [InlineData("Gateway:TrustedProxies: '010.0.0.1' is not an IP address or CIDR", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json", "--Gateway:TrustedProxies:0=010.0.0.1")]
    public async Task Start_ConfigurationMistake_OneLineNamingTheKeyExit1(string message, params string[] args)
    {
        var (code, _, error) = await StartAsync(args);

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("TlpGateway cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidMembersFile_OneLineNamingMemberAndFieldExit1()
    {
        await File.WriteAllTextAsync(MembersFile, (await File.ReadAllTextAsync(MembersFile)).Replace("\"maxTlp\": \"green\"", "\"maxTlp\": \"grene\"", StringComparison.Ordinal));

        var (code, output, error) = await StartAsync("--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json");

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"members file {MembersFile} is invalid: member 'partner': 'maxTlp' is 'grene'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithoutUnicodeNormalisation_OneLineSayingToInstallIcuExit1()
    {
        // Invariant globalization is what a machine without ICU gets: no NFKC, so tag names could not be read as written.
        var (code, output, error) = await GatewayProcess.RunAsync(
            "dotnet",
            [GatewayProcess.Program, "--urls", "http://127.0.0.1:0", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json"],
            _directory.FullName,
            new Dictionary<string, string> { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1" });

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Unicode normalisation is unavailable (ICU missing): install libicu", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PortInUse_OneLineExit1WithoutStackTrace()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var (code, output, error) = await GatewayProcess.RunAsync(_directory.FullName, "--urls", $"http://127.0.0.1:{port}", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json", $"--Gateway:Audit:Path={Path.Combine(_directory.FullName, "audit.jsonl")}");

        Assert.Equal(1, code);
        Assert.Contains($"TlpGateway cannot start: Failed to bind to address http://127.0.0.1:{port}: address already in use", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--helpp")]
    [InlineData("--Gateway__Upstream=http://127.0.0.1:9")]
    [InlineData("-x")]
    [InlineData("stray")]
    public async Task Start_UnknownOption_UsageErrorNamingItExit2(string argument)
    {
        var (code, _, error) = await StartAsync(argument);

        Assert.Equal(2, code);
        Assert.Contains(argument.Split('=')[0], error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpAndVersion_Printed_Exit0()
    {
        var help = await GatewayProcess.RunAsync(_directory.FullName, "--help");
        var version = await GatewayProcess.RunAsync(_directory.FullName, "--version");

        Assert.Equal(0, help.Code);
        Assert.Contains("--health-probe", help.Output, StringComparison.Ordinal);
        Assert.Contains("members", help.Output, StringComparison.Ordinal);
        Assert.Equal(0, version.Code);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
    }

    [Fact]
    public async Task DotnetRun_RelativeMembersFile_ResolvedAgainstTheCurrentDirectory()
    {
        // The Web SDK would run the program in the project folder; the caller's directory is meant.
        var (code, _, error) = await GatewayProcess.RunAsync(
            "dotnet",
            ["run", "--no-build", "-c", GatewayProcess.Program.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release", "--project", Path.Combine(GatewayProcess.RepositoryRoot, "src", "TlpGateway"), "--",
             "--urls", "http://127.0.0.1:0", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=absent.json"],
            _directory.FullName);

        Assert.Equal(1, code);
        Assert.Contains($"cannot read {Path.Combine(_directory.FullName, "absent.json")}", error, StringComparison.Ordinal);
    }
}
