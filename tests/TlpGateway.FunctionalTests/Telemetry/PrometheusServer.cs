using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace TlpGateway.FunctionalTests.Telemetry;

/// <summary>
/// A real Prometheus on a free loopback port, scraping one target every second, with its data in a
/// scratch directory; killed after the test. The binary comes from TLPGW_PROMETHEUS (set by
/// scripts/test) or PATH; without one the test fails, never skips.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly HttpClient _client;

    public PrometheusServer(Uri target, string metricsPath)
    {
        _directory = Directory.CreateTempSubdirectory("tlpgw-prometheus-");
        var config = Path.Combine(_directory.FullName, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: tlpgateway
                metrics_path: {metricsPath}
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var port = TlpGateway.Tests.Shared.TestPorts.Free();
        var binary = Environment.GetEnvironmentVariable("TLPGW_PROMETHEUS") is { Length: > 0 } configured ? configured : "prometheus";
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_directory.FullName, "data")}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("prometheus is not installed: scripts/test installs Debian's prometheus package", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Waits (generously: the machine is shared) until Prometheus answers and has scraped the target successfully.</summary>
    public async Task WaitForScrapeAsync(TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            if ((await QueryAsync("up{job=\"tlpgateway\"} == 1")) is { Count: > 0 })
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"Prometheus did not scrape the gateway within {deadline.TotalSeconds} s");
    }

    /// <summary>The series an instant query returns now, or null while Prometheus cannot answer yet.</summary>
    public async Task<List<JsonElement>?> QueryAsync(string promql)
    {
        try
        {
            using var response = await _client.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
            if (!response.IsSuccessStatusCode)
            {
                // 400: the query does not parse, which no waiting mends.
                Assert.True(response.StatusCode != System.Net.HttpStatusCode.BadRequest, $"Prometheus refused the query {promql}: {await response.Content.ReadAsStringAsync()}");
                return null;
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return [.. body.GetProperty("data").GetProperty("result").EnumerateArray()];
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>What Prometheus says of its last scrape (health and error), for a failure message.</summary>
    public async Task<string> LastScrapeAsync()
    {
        try
        {
            var body = await _client.GetFromJsonAsync<JsonElement>("/api/v1/targets");
            return string.Join("; ", body.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Select(t => $"{t.GetProperty("scrapeUrl").GetString()}: {t.GetProperty("health").GetString()} {t.GetProperty("lastError").GetString()}"));
        }
        catch (HttpRequestException ex)
        {
            return "Prometheus unreachable: " + ex.Message;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _client.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A scratch directory left behind is harmless.
        }
    }
}
