using System.Diagnostics;

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
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _directory.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { GatewayProcess.Program, "--urls", "http://127.0.0.1:0", "--Gateway:Upstream=http://127.0.0.1:9", "--Gateway:MembersFile=members.json", "--Gateway:Audit:Path=audit/trail.jsonl" })
        {
            start.ArgumentList.Add(argument);
        }

        // Data Protection keeps its keys under $HOME/.aspnet when nothing else is configured.
        start.Environment["HOME"] = _directory.FullName;
        using var process = Process.Start(start)!;
        var log = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? address = null;
            while (address is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                log.Add(line);
                if (line.IndexOf("Now listening on: ", StringComparison.Ordinal) is >= 0 and var at)
                {
                    address = line[(at + "Now listening on: ".Length)..].Trim();
                }
            }

            // Served: every hosted service has started.
            using var client = new HttpClient();
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri(new Uri(address!), "/healthz"), timeout.Token)).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        log.AddRange((await process.StandardOutput.ReadToEndAsync()).Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, ".aspnet")), "a Data Protection key ring was written");
        Assert.DoesNotContain(log, line => line.Contains("DataProtection", StringComparison.Ordinal));
    }
}
