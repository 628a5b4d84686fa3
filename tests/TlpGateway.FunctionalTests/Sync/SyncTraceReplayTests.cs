using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Sync;

/// <summary>
/// Replays every exchange of the recorded MISP-to-MISP sync (ORG_B's server pulling from and pushing
/// to the hub, <c>sync-trace.jsonl</c>) through the gateway, in order, with ORG_B's sync key from
/// ORG_B's network, and checks each answer against what the hub answered then.
/// </summary>
public sealed class SyncTraceReplayTests
{
    // Withheld from ORG_B (a member with maxTlp amber in the demo file): E5 is TLP:RED, E4 TLP:AMBER+STRICT.
    private static readonly string[] WithheldFromOrgB = ["9a5a8fbf-71a6-47b5-b84b-52e55399c2d2", "205a0aee-a278-48a8-be03-316aebbfe83b"];

    [Fact]
    public async Task Replay_RecordedPullAndPush_EveryExchangeAnsweredAsTheHubDidExceptWhatTlpWithholds()
    {
        await using var servers = await TestServers.StartAsync();

        // The trace starts before ORG_B pushed its event to the hub.
        servers.Simulator.RemoveEvent("b6e8000d-0fad-4289-a775-2fb3a049eb3c");
        using var client = servers.CreateClient(SimulatorKeys.SyncB, "127.0.0.3", "MISP 2.5.1");
        var lines = await File.ReadAllLinesAsync(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", "sync-trace.jsonl"));
        Assert.Equal(68, lines.Length);

        foreach (var line in lines)
        {
            using var exchange = JsonDocument.Parse(line);
            var root = exchange.RootElement;
            var seq = root.GetProperty("seq").GetInt32();
            var path = root.GetProperty("path").GetString()!;
            using var request = new HttpRequestMessage(new HttpMethod(root.GetProperty("method").GetString()!), path);
            foreach (var header in root.GetProperty("request_headers").EnumerateArray())
            {
                var name = header[0].GetString()!;
                if (name is "If-None-Match")
                {
                    request.Headers.TryAddWithoutValidation(name, header[1].GetString());
                }
            }

            var body = root.GetProperty("request_body").GetString();
            if (!string.IsNullOrEmpty(body))
            {
                var bytes = Encoding.UTF8.GetBytes(body);
                var gzip = root.GetProperty("request_body_encoding").ValueKind == JsonValueKind.String;
                request.Content = new ByteArrayContent(gzip ? Gzip(bytes) : bytes);
                request.Content.Headers.ContentType = new("application/json");
                if (gzip)
                {
                    request.Content.Headers.ContentEncoding.Add("gzip");
                }
            }

            using var response = await client.SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();

            // The gateway never passes If-None-Match on (an ETag MISP gave for an unfiltered list would replay it).
            var recorded = root.GetProperty("response_status").GetInt32();
            var expected = recorded == 304 ? 200 : recorded;
            if (WithheldFromOrgB.Any(uuid => path.Contains(uuid, StringComparison.Ordinal)))
            {
                expected = 404;
            }

            Assert.True((int)response.StatusCode == expected, $"seq {seq} {path}: expected {expected}, got {(int)response.StatusCode}: {answer}");
            if (response.IsSuccessStatusCode)
            {
                // (A 404 names the path the server asked for, as MISP's does; nothing else may name these events.)
                foreach (var uuid in WithheldFromOrgB)
                {
                    Assert.DoesNotContain(uuid, answer, StringComparison.Ordinal);
                }
            }

            if (answer.Length > 0)
            {
                using var parsed = JsonDocument.Parse(answer);
            }
        }

        // ORG_B's push reached the hub decoded, with its own organisation as source.
        var push = servers.Simulator.Requests.First(r => r.PathAndQuery.StartsWith("/events/add/metadata:1", StringComparison.Ordinal));
        Assert.Null(push.Header("Content-Encoding"));
        using var pushed = JsonDocument.Parse(push.Body);
        Assert.Equal(SimulatorOrgs.OrgB, pushed.RootElement.GetProperty("Event").GetProperty("Orgc").GetProperty("uuid").GetString());
        Assert.DoesNotContain(servers.Simulator.Requests, r => r.Header("If-None-Match") is not null);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }
}
