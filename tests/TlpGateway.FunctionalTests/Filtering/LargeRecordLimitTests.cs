using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MispSimulator;
using TlpGateway.Filtering;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Filtering;

/// <summary>At most <c>Gateway:Filter:LargeRecordsAtOnce</c> large events decided at once, end to end (issue 21).</summary>
public sealed class LargeRecordLimitTests : IAsyncLifetime
{
    private static readonly byte[] Stalled = EventGenerator.View(seed: 31, attributes: 3_000, index: 2);
    private static readonly byte[] Large = EventGenerator.View(seed: 32, attributes: 3_000, index: 2);

    private TestServers _servers = null!;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync(settings =>
        {
            settings["Gateway:Filter:LargeRecordsAtOnce"] = "1";
            settings["Gateway:Filter:LargeRecordBytes"] = "65536";
            settings["Gateway:Filter:LargeRecordWait"] = "00:00:02";
        });
        _servers.Simulator.Faults.Override = r => r.PathAndQuery switch
        {
            // MISP sends half the event, then nothing more: the answer holds the only turn meanwhile.
            var path when path.StartsWith("/events/view/910", StringComparison.Ordinal) => new RawResponse(200, "application/json", Stalled) { StallAfterBytes = Stalled.Length / 2 },
            var path when path.StartsWith("/events/view/911", StringComparison.Ordinal) => new RawResponse(200, "application/json", Large),
            _ => null,
        };
    }

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task EventView_LargeEventWhileTheOnlyTurnIsHeld_BusyAfterTheWaitThenServedOnceItEnds()
    {
        using var held = new MetricCollector<long>(_servers.GatewayServices.GetRequiredService<IMeterFactory>(), FilterMetrics.MeterName, "tlpgateway.filter.large_records.held");
        using var stalledClient = _servers.CreateClient(SimulatorKeys.OrgC);
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using var giveUp = new CancellationTokenSource();
        var stalled = stalledClient.GetAsync("/events/view/910", giveUp.Token);
        await held.WaitForMeasurementsAsync(1).WaitAsync(TimeSpan.FromSeconds(30));

        using var busy = await client.GetAsync("/events/view/911");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.NotNull(busy.Headers.RetryAfter);
        Assert.Contains("large events", await busy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(stalled.IsCompleted, "the stalled answer still holds its turn");

        // The client of the stalled answer gives up: its turn ends with its answer.
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);
        await WaitUntilAsync(() => held.GetMeasurementSnapshot().Sum(m => m.Value) == 0);
        using var served = await client.GetAsync("/events/view/911");

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(Large, await served.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task EventView_FourLargeEventsAtOnceWithOneTurn_EachWhole()
    {
        using var waits = new MetricCollector<double>(_servers.GatewayServices.GetRequiredService<IMeterFactory>(), FilterMetrics.MeterName, "tlpgateway.filter.large_record.wait");
        var clients = Enumerable.Range(0, 4).Select(_ => _servers.CreateClient(SimulatorKeys.OrgC)).ToList();

        var answers = await Task.WhenAll(clients.Select(async c =>
        {
            using var response = await c.GetAsync("/events/view/911");
            return (response.StatusCode, Body: await response.Content.ReadAsByteArrayAsync());
        }));

        clients.ForEach(c => c.Dispose());
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers, a => Assert.Equal(Large, a.Body));
        Assert.Equal(Enumerable.Repeat("granted", 4), waits.GetMeasurementSnapshot().Select(m => (string)m.Tags["tlpgateway.outcome"]!));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "the turn was not given back");
    }
}
