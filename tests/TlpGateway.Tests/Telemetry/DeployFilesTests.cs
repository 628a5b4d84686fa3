using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Filtering;
using TlpGateway.Ingress;
using TlpGateway.Members;

namespace TlpGateway.Tests.Telemetry;

/// <summary>What ships in deploy/ stays valid, and the dashboard shows only metrics the gateway emits.</summary>
public sealed partial class DeployFilesTests
{
    private static readonly string Deploy = FindDeploy();

    [Fact]
    public void JsonFiles_All_Parse()
    {
        var files = Directory.GetFiles(Deploy, "*.json", SearchOption.AllDirectories);

        Assert.NotEmpty(files);
        Assert.All(files, file => JsonDocument.Parse(File.ReadAllBytes(file)).Dispose());
    }

    [Fact]
    public void YamlFiles_All_WellFormedForTheSubsetUsed()
    {
        var files = Directory.GetFiles(Deploy, "*.y*ml", SearchOption.AllDirectories);

        Assert.True(files.Length >= 7);
        Assert.All(files, file => Assert.Empty(YamlProblems(File.ReadAllLines(file)).Select(p => $"{Path.GetFileName(file)}: {p}")));
    }

    [Fact]
    public void Compose_TwoReplicasBehindBalancerWithRedisAndTelemetry()
    {
        var compose = File.ReadAllText(Path.Combine(Deploy, "docker-compose.yml"));

        foreach (var service in new[] { "gateway-1:", "gateway-2:", "lb:", "redis:", "otel-collector:", "prometheus:", "grafana:", "misp:" })
        {
            Assert.Contains("  " + service, compose, StringComparison.Ordinal);
        }

        var deployment = File.ReadAllText(Path.Combine(Deploy, "k8s", "deployment.yaml"));
        Assert.Contains("replicas: 2", deployment, StringComparison.Ordinal);
        Assert.Contains("httpGet", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void Dashboard_EveryQueriedMetric_IsEmittedByTheGateway()
    {
        var emitted = EmittedPrometheusNames();
        using var dashboard = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Deploy, "grafana", "dashboards", "tlpgateway.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value))
            .Select(name => Regex.Replace(name, "_(bucket|sum|count)$", string.Empty))
            .Distinct()
            .ToList();

        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.Contains(name, emitted));
    }

    [Fact]
    public void Dashboards_EveryDataSourceUid_IsOneGrafanaProvisions()
    {
        var provisioned = File.ReadAllLines(Path.Combine(Deploy, "grafana", "provisioning", "datasources", "datasource.yml"))
            .Select(line => line.Trim().TrimStart('-').Trim())
            .Where(line => line.StartsWith("uid:", StringComparison.Ordinal))
            .Select(line => line["uid:".Length..].Trim())
            .ToHashSet();
        var named = Directory.GetFiles(Path.Combine(Deploy, "grafana", "dashboards"), "*.json")
            .SelectMany(file => DataSourceUids(JsonDocument.Parse(File.ReadAllBytes(file)).RootElement))
            .Distinct()
            .ToList();

        Assert.NotEmpty(named);
        Assert.All(named, uid => Assert.Contains(uid, provisioned));
    }

    private static IEnumerable<string> DataSourceUids(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "datasource" && p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("uid", out var uid)
            ? [uid.GetString()!]
            : DataSourceUids(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(DataSourceUids),
        _ => [],
    };

    /// <summary>The gateway's instruments, named as the OpenTelemetry Prometheus exporter names them.</summary>
    private static HashSet<string> EmittedPrometheusNames()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var names = new HashSet<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name.StartsWith("TlpGateway", StringComparison.Ordinal))
                {
                    var name = instrument.Name.Replace('.', '_');
                    name += instrument.Unit switch
                    {
                        "s" => "_seconds",
                        "By" => "_bytes",
                        _ => string.Empty,
                    };
                    if (instrument is Counter<long>)
                    {
                        name += "_total";
                    }

                    names.Add(name);
                }
            },
        };
        listener.Start();

        // Every class that owns gateway instruments.
        _ = new AdmissionMetrics(meters);
        _ = new FilterMetrics(meters);
        _ = new IngressMetrics(meters);
        _ = new TlpGateway.Redis.RedisMetrics(meters, TimeProvider.System);
        var directory = Directory.CreateTempSubdirectory("tlpgw-deploy-");
        try
        {
            var members = Path.Combine(directory.FullName, "members.json");
            File.Copy(Path.Combine(Deploy, "members.json"), members);
            using var provider = new MembersRegistryProvider(Options.Create(new GatewayOptions { MembersFile = members }), TimeProvider.System, meters, NullLogger<MembersRegistryProvider>.Instance);
            var audit = new JsonLinesAuditTrail(Options.Create(new AuditOptions { Path = Path.Combine(directory.FullName, "audit.jsonl") }), TimeProvider.System, meters, NullLogger<JsonLinesAuditTrail>.Instance);
            audit.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        return names;
    }

    private static IEnumerable<string> YamlProblems(string[] lines)
    {
        var blockIndent = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var where = $"line {i + 1}";
            if (line.Contains('\t', StringComparison.Ordinal))
            {
                yield return where + ": tab";
            }

            var trimmed = line.TrimStart(' ');
            var indent = line.Length - trimmed.Length;
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (blockIndent >= 0)
            {
                if (indent > blockIndent)
                {
                    continue;
                }

                blockIndent = -1;
            }

            if (indent % 2 != 0)
            {
                yield return where + ": odd indentation";
            }

            var content = trimmed.StartsWith("- ", StringComparison.Ordinal) ? trimmed[2..] : trimmed;
            if (trimmed != "-" && !content.StartsWith('"') && !content.StartsWith('[') && !content.StartsWith('{') && !content.Contains(':', StringComparison.Ordinal) && !trimmed.StartsWith("- ", StringComparison.Ordinal))
            {
                yield return where + ": neither a mapping nor a list item";
            }

            if (content.EndsWith('|') || content.EndsWith('>'))
            {
                blockIndent = indent;
            }

            if (content.Count(c => c == '[') != content.Count(c => c == ']') || content.Count(c => c == '{') != content.Count(c => c == '}'))
            {
                yield return where + ": unbalanced brackets";
            }
        }
    }

    private static string FindDeploy()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "deploy", "k8s")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("deploy/ not found above the test's output"), "deploy");
    }

    // A metric name is followed by its selector or range; label names by "=", "," or ")".
    [GeneratedRegex(@"tlpgateway_[a-z_]+(?=[\[{])")]
    private static partial Regex MetricName();
}
