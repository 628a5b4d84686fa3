using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Telemetry;

/// <summary>Operators see every refusal and removal: as metrics with member, decision and reason, and in the audit trail.</summary>
public sealed class TelemetryAndAuditTests
{
    [Fact]
    public async Task RefusalAndRemoval_RecordedAsMetricsWithTags()
    {
        var measurements = new ConcurrentBag<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name.StartsWith("TlpGateway", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        await using var servers = await TestServers.StartAsync();

        using (var outsider = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.9"))
        {
            (await outsider.GetAsync("/events/view/8")).Dispose();
        }

        using (var member = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2"))
        {
            (await member.GetAsync("/events/view/8")).Dispose();
        }

        Assert.Contains(measurements, m => m.Instrument == "tlpgateway.admission.decisions" && (string?)m.Tags["tlpgateway.decision"] == "refused" && (string?)m.Tags["tlpgateway.reason"] == "address-not-allowed");
        Assert.Contains(measurements, m => m.Instrument == "tlpgateway.admission.decisions" && (string?)m.Tags["tlpgateway.member"] == "org-d" && (string?)m.Tags["tlpgateway.decision"] == "admitted");
        Assert.Contains(measurements, m => m.Instrument == "tlpgateway.filter.units" && (string?)m.Tags["tlpgateway.member"] == "org-d" && (string?)m.Tags["tlpgateway.action"] == "removed" && (string?)m.Tags["tlpgateway.tlp"] == "red");
    }

    [Fact]
    public async Task AuditTrail_RefusalAndRemoval_OneJsonLineEachWithoutKeyOrIntelligence()
    {
        await using var servers = await TestServers.StartAsync();
        using (var outsider = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.9"))
        {
            (await outsider.GetAsync("/events/view/4")).Dispose();
        }

        using (var member = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2"))
        {
            (await member.GetAsync("/events/view/8")).Dispose();
        }

        var lines = await servers.WaitForAuditLinesAsync(2);
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "refused" && r.GetProperty("reason").GetString() == "address-not-allowed" && r.GetProperty("address").GetString() == "127.0.0.9");
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "removed" && r.GetProperty("reason").GetString() == "tlp-red"
            && r.GetProperty("member").GetString() == "org-d" && r.GetProperty("eventUuid").GetString() == "9a5a8fbf-71a6-47b5-b84b-52e55399c2d2");
        var all = string.Join('\n', lines);
        Assert.DoesNotContain(SimulatorKeys.OrgD, all, StringComparison.Ordinal);
        foreach (var attribute in servers.Simulator.FindEvent("8")!["Attribute"]!.AsArray())
        {
            Assert.DoesNotContain((string)attribute!["value"]!, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AuditTrail_PartsRemovedFromAReleasedEventAndHiddenSources_OneRecordEach()
    {
        // Event 4 (ORG_C, TLP:CLEAR) reaches ORG_D (max green) without its TLP:RED and TLP:AMBER attributes;
        // ORG_E (third party) receives it with its source hidden.
        await using var servers = await TestServers.StartAsync();
        using (var member = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2"))
        {
            (await member.GetAsync("/events/view/4")).Dispose();
        }

        using (var thirdParty = servers.CreateClient(SimulatorKeys.ThirdParty, "127.0.0.4"))
        {
            (await thirdParty.GetAsync("/events/view/4")).Dispose();
        }

        var lines = await servers.WaitForAuditLinesAsync(5, until: l => l.Contains("\"org-e\"", StringComparison.Ordinal));
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        const string Event4 = "1bfc1897-b375-497c-9f02-b164e32bc94a";
        Assert.Contains(records, r => r.GetProperty("member").GetString() == "org-d" && r.GetProperty("itemKind").GetString() == "attribute"
            && r.GetProperty("itemUuid").GetString() == "e9aad5e7-6c6c-492e-b985-1fa6814d25ac" && r.GetProperty("reason").GetString() == "tlp-red" && r.GetProperty("eventUuid").GetString() == Event4);
        Assert.Contains(records, r => r.GetProperty("member").GetString() == "org-d" && r.GetProperty("itemUuid").GetString() == "86930fdd-6052-4f87-8fa0-9ad6c32816c7" && r.GetProperty("reason").GetString() == "tlp-amber");
        Assert.Contains(records, r => r.GetProperty("member").GetString() == "org-e" && r.GetProperty("action").GetString() == "rewritten"
            && r.GetProperty("reason").GetString() == "source-hidden" && r.GetProperty("eventUuid").GetString() == Event4);
        Assert.DoesNotContain("login-portal.example", string.Join('\n', lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditTrail_FileCannotBeWritten_ReadinessReportsItAndGatewayServes()
    {
        await using var servers = await TestServers.StartAsync(c => c["Gateway:Audit:Path"] = "/proc/tlpgateway-cannot-write/audit.jsonl");
        using var outsider = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.9");
        using var member = servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");

        (await outsider.GetAsync("/events/view/4")).Dispose();
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 50 && status == HttpStatusCode.OK; i++)
        {
            await Task.Delay(50);
            using var ready = await servers.CreateClient().GetAsync("/readyz");
            status = ready.StatusCode;
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/events/view/4")).StatusCode);
    }
}
