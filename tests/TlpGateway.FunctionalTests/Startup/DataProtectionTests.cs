namespace TlpGateway.FunctionalTests.Startup;

/// <summary>The gateway makes no key ring of ASP.NET Core's Data Protection: nothing of it uses one (YARP's affinity cookies are off).</summary>
public sealed class DataProtectionTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-dp-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Start_Served_WritesNoKeyFileAndLogsNoKeyWarning()
    {
        File.Copy(Path.Combine(GatewayProcess.RepositoryRoot, "deploy", "members.json"), Path.Combine(_directory.FullName, "members.json"));
        string[] args = ["--urls", "http://127.0.0.1:0", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json", "--Gateway:Audit:Path=audit/trail.jsonl"];

        // Data Protection keeps its keys under $HOME/.aspnet when nothing else is configured.
        List<string> log;
        await using (var serving = await GatewayProcess.StartServingAsync(_directory.FullName, args, new Dictionary<string, string> { ["HOME"] = _directory.FullName }))
        {
            // Served: every hosted service has started.
            using var client = new HttpClient();
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri(serving.Address!, "/healthz"))).StatusCode);
            log = serving.Log;
        }

        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, ".aspnet")), "a Data Protection key ring was written");
        Assert.DoesNotContain(log, line => line.Contains("DataProtection", StringComparison.Ordinal));
    }
}
