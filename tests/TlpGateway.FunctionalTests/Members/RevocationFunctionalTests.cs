using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Members;

/// <summary>Access is revocable at any time: a revocation reaches an answer that is still being sent.</summary>
public sealed class RevocationFunctionalTests : IAsyncLifetime
{
    private const long AnswerBytes = 256L * 1024 * 1024;

    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Theory]
    [InlineData("revoked")]
    [InlineData("suspendedUntil")]
    [InlineData("removed")]
    public async Task StreamingAnswer_MemberRefusedWhileItIsSent_AnswerEndsBeforeItsEnd(string change)
    {
        _servers.Simulator.Generated = new GeneratedRestSearch(7, AnswerBytes);
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events/restSearch") { Content = new StringContent("{\"returnFormat\":\"json\"}", Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long received = 0;
        while (received < 1024 * 1024)
        {
            var read = await body.ReadAsync(buffer);
            Assert.True(read > 0, "the answer ended before the member's entry changed");
            received += read;
        }

        await EditAsync(root =>
        {
            var members = root["members"]!.AsArray();
            var entry = members.OfType<JsonObject>().Single(m => (string?)m["id"] == "org-c");
            switch (change)
            {
                case "revoked":
                    entry["revoked"] = true;
                    break;
                case "suspendedUntil":
                    entry["suspendedUntil"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    members.Remove(entry);
                    break;
            }
        });

        // The answer waits unread (the gateway waits to send more) until a new request shows the change in force.
        using var probe = _servers.CreateClient(SimulatorKeys.OrgC);
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 100 && status != HttpStatusCode.Forbidden; i++)
        {
            await Task.Delay(100);
            using var refused = await probe.GetAsync("/events/view/5");
            status = refused.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, status);

        // The answer is aborted (it never ends as whole JSON) once the reload took effect, long before its 256 MB.
        var ended = await Record.ExceptionAsync(async () =>
        {
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                received += read;
            }
        });
        Assert.NotNull(ended);
        Assert.True(received < AnswerBytes / 2, $"{received} bytes were sent after all");
        var audit = await _servers.WaitForAuditLinesAsync(1, line => line.Contains("refused-during-answer", StringComparison.Ordinal));
        Assert.Contains(audit, line => line.Contains("refused-during-answer", StringComparison.Ordinal));
    }

    private async Task EditAsync(Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(await File.ReadAllTextAsync(_servers.MembersFile))!.AsObject();
        edit(root);
        var temporary = _servers.MembersFile + ".tmp";
        await File.WriteAllTextAsync(temporary, root.ToJsonString());
        File.Move(temporary, _servers.MembersFile, overwrite: true);
    }
}
