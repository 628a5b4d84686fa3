using System.Net;
using System.Text.Json;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;
using TlpGateway.Members;

namespace TlpGateway.FunctionalTests.Preview;

/// <summary>
/// The preview says what the real gateway sends: for every demo user and every event the MISP
/// simulator shows it, <c>explain --json</c> on MISP's own answer is withheld exactly where the
/// gateway answers 404, and its <c>event</c> is byte for byte the gateway's body where it answers
/// 200. The gateway confirms no correlation here (<c>MaxCorrelationLookups</c> 0), as the preview asks no MISP.
/// </summary>
public sealed class ExplainGatewayTests
{
    /// <summary>
    /// The demo's users the gateway admits (its site admin has not accepted the community's terms):
    /// key, the address they connect from, their member, whether a MISP server.
    /// </summary>
    private static readonly (string Key, string Source, string Member, bool Sync)[] Users =
    [
        (SimulatorKeys.OrgC, "127.0.0.1", "org-c", false),
        (SimulatorKeys.OrgD, "127.0.0.2", "org-d", false),
        (SimulatorKeys.OrgDAnalyst, "127.0.0.2", "org-d", false),
        (SimulatorKeys.SyncB, "127.0.0.3", "org-b", true),
        (SimulatorKeys.ThirdParty, "127.0.0.4", "org-e", false),
    ];

    [Fact]
    public async Task Explain_EveryDemoUserAndEvent_WhatTheGatewaySends()
    {
        await using var servers = await TestServers.StartAsync(settings => settings["Gateway:Filter:MaxCorrelationLookups"] = "0");
        var ids = await EventIdsAsync(servers);
        var (released, withheld) = (0, 0);
        foreach (var user in Users)
        {
            using var misp = Client(servers.SimulatorUrl, user.Key);
            using var gateway = servers.CreateClient(user.Key, user.Source);
            var answers = new List<byte[]>();
            var sent = new List<(HttpStatusCode Status, string Body)>();
            foreach (var id in ids)
            {
                using var direct = await misp.GetAsync($"/events/view/{id}");
                if (direct.StatusCode != HttpStatusCode.OK)
                {
                    // MISP itself does not show the user this event: nothing for the gateway to judge.
                    continue;
                }

                answers.Add(await direct.Content.ReadAsByteArrayAsync());
                using var through = await gateway.GetAsync($"/events/view/{id}");
                sent.Add((through.StatusCode, (await through.Content.ReadAsStringAsync()).Trim()));
            }

            var email = servers.Simulator.FindUser(user.Key)!.Email;
            var report = Explain(servers, answers, ["--member", user.Member, "--email", email, .. user.Sync ? new[] { "--sync" } : []]);

            Assert.Equal(sent.Count, report.Count);
            for (var i = 0; i < sent.Count; i++)
            {
                var element = report[i];
                var because = $"{email}, event {element.GetProperty("eventUuid").GetString()}";
                if (element.GetProperty("released").GetBoolean())
                {
                    released++;
                    Assert.True(sent[i].Status == HttpStatusCode.OK, $"{because}: the preview releases it, the gateway answered {sent[i].Status}");
                    Assert.Equal(sent[i].Body, element.GetProperty("event").GetRawText());
                }
                else
                {
                    withheld++;
                    Assert.True(sent[i].Status == HttpStatusCode.NotFound, $"{because}: the preview withholds it ({element.GetProperty("reason").GetString()}), the gateway answered {sent[i].Status}");
                }
            }
        }

        Assert.True(released > 20 && withheld > 5, $"{released} released, {withheld} withheld: the demo data should exercise both");
    }

    private static HttpClient Client(Uri address, string key)
    {
        var client = TestServers.CreateClient(address);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/json");
        return client;
    }

    private static async Task<List<string>> EventIdsAsync(TestServers servers)
    {
        using var admin = Client(servers.SimulatorUrl, SimulatorKeys.Admin);
        using var index = JsonDocument.Parse(await admin.GetStringAsync("/events/index"));
        return [.. index.RootElement.EnumerateArray().Select(row => row.GetProperty("id").GetString()!)];
    }

    /// <summary>Runs <c>explain --json</c> on MISP's answers, put together as one restSearch answer.</summary>
    private static List<JsonElement> Explain(TestServers servers, List<byte[]> answers, string[] args)
    {
        var events = Path.Combine(servers.Directory, $"events-{Guid.NewGuid():N}.json");
        using (var file = File.Create(events))
        {
            file.Write("{\"response\": ["u8);
            for (var i = 0; i < answers.Count; i++)
            {
                file.Write(i == 0 ? [] : ","u8);
                file.Write(answers[i]);
            }

            file.Write("]}"u8);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = MembersCommand.Run(["--file", servers.MembersFile, "explain", events, "--json", .. args], output, error, TimeProvider.System);
        Assert.True(code == MembersCommand.Ok, error.ToString());
        using var report = JsonDocument.Parse(output.ToString());
        return [.. report.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
