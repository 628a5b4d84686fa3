namespace TlpGateway.FunctionalTests.Startup;

/// <summary>The first lines of the real program's log say what is in force, and never a secret.</summary>
public sealed class StartupLogTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-log-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Start_Configured_LogsUpstreamMembersAuditOtlpRedisWithoutSecrets()
    {
        File.Copy(Path.Combine(GatewayProcess.RepositoryRoot, "deploy", "members.json"), Path.Combine(_directory.FullName, "members.json"));
        string[] args =
        [
            "--urls", "http://127.0.0.1:0", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json",
            "--Gateway:Audit:Path=audit/trail.jsonl", "--Gateway:Redis=127.0.0.1:9", "--Gateway:RedisOptions:Password=redis-secret-word",
            "--OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:otlp-secret-word@127.0.0.1:9", "--OTEL_EXPORTER_OTLP_HEADERS=api-key=header-secret-word",
        ];

        List<string> log;
        await using (var serving = await GatewayProcess.StartServingAsync(_directory.FullName, args))
        {
            log = serving.Log;
        }

        var text = string.Join('\n', log);
        Assert.Contains("Upstream MISP: http://127.0.0.1:9/", text, StringComparison.Ordinal);
        Assert.Contains($"Members file {Path.Combine(_directory.FullName, "members.json")} in force: 2 members", text, StringComparison.Ordinal);
        Assert.Contains($"Audit trail: {Path.Combine(_directory.FullName, "audit", "trail.jsonl")}", text, StringComparison.Ordinal);
        Assert.Contains("OTLP export: on, to http://127.0.0.1:9/", text, StringComparison.Ordinal);
        Assert.Contains("Redis: on, 127.0.0.1:9", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-word", text, StringComparison.Ordinal);
    }
}
