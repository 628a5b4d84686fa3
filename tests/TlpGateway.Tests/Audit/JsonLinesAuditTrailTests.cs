using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using TlpGateway.Audit;

namespace TlpGateway.Tests.Audit;

public sealed class JsonLinesAuditTrailTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-audit-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _directory.Delete(recursive: true);
    }

    private JsonLinesAuditTrail Create(long maxBytes = 100 * 1024 * 1024, TimeProvider? time = null) => new(
        Options.Create(new AuditOptions { Path = Path.Combine(_directory.FullName, "audit.jsonl"), MaxFileBytes = maxBytes }),
        time ?? TimeProvider.System,
        _services.GetRequiredService<IMeterFactory>(),
        NullLogger<JsonLinesAuditTrail>.Instance);

    private static AuditRecord Record(int i) => new() { Time = DateTimeOffset.UnixEpoch, Action = "removed", Reason = "tlp-red", Member = "m" + i, EventUuid = "e" + i };

    [Fact]
    public async Task Write_Records_OneJsonLineEachWithoutNulls()
    {
        var trail = Create();
        trail.Write(Record(1));
        trail.Write(Record(2));
        await trail.DisposeAsync();

        var lines = await File.ReadAllLinesAsync(Path.Combine(_directory.FullName, "audit.jsonl"));
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("m1", first.RootElement.GetProperty("member").GetString());
        Assert.False(first.RootElement.TryGetProperty("itemUuid", out _));
        Assert.True(trail.SinkHealthy);
    }

    [Fact]
    public async Task Write_WithinTheSyncInterval_RecordsReachTheFileAtOnce()
    {
        // Only the flush to disk waits for the interval (SyncInterval, 1 s): the time never moves here, yet every record is in the file.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var trail = Create(time: time);
        var path = Path.Combine(_directory.FullName, "audit.jsonl");
        for (var i = 0; i < 3; i++)
        {
            trail.Write(Record(i));
            var written = i + 1;
            await WaitUntil(() => File.Exists(path) && File.ReadAllLines(path).Length == written);
        }

        await trail.DisposeAsync();
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var tries = 0; !condition(); tries++)
        {
            Assert.True(tries < 500, "the record did not reach the file");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Write_PastMaxFileBytes_RotatesAndLosesNothing()
    {
        var trail = Create(maxBytes: 1024);
        for (var i = 0; i < 40; i++)
        {
            trail.Write(Record(i));
            await Task.Delay(5);
        }

        await trail.DisposeAsync();

        var files = Directory.GetFiles(_directory.FullName);
        Assert.True(files.Length >= 2, "the trail should have rotated");
        var lines = files.SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(40, lines.Count);
    }

    [Fact]
    public async Task Write_UnwritablePath_ReportedAsUnhealthyAndCounted()
    {
        long failures = 0;
        using var listener = new MeterListener { InstrumentPublished = (i, l) => { if (i.Name == "tlpgateway.audit.failures") { l.EnableMeasurementEvents(i); } } };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
        listener.Start();
        var trail = new JsonLinesAuditTrail(
            Options.Create(new AuditOptions { Path = "/proc/tlpgateway-cannot-write/audit.jsonl" }),
            TimeProvider.System,
            _services.GetRequiredService<IMeterFactory>(),
            NullLogger<JsonLinesAuditTrail>.Instance);

        trail.Write(Record(1));
        await trail.DisposeAsync();

        Assert.False(trail.SinkHealthy);
        Assert.True(Interlocked.Read(ref failures) >= 1);
    }

    [Fact]
    public async Task Write_FileWritten_RecordLoggedAtDebugOnly()
    {
        var logger = new FakeLogger<JsonLinesAuditTrail>();
        var trail = new JsonLinesAuditTrail(
            Options.Create(new AuditOptions { Path = Path.Combine(_directory.FullName, "audit.jsonl") }),
            TimeProvider.System,
            _services.GetRequiredService<IMeterFactory>(),
            logger);

        trail.Write(Record(1));
        await trail.DisposeAsync();

        Assert.True(trail.SinkHealthy);
        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Debug, record.Level);
    }

    [Fact]
    public async Task Write_FileFailing_RecordsLoggedAtInformation()
    {
        var logger = new FakeLogger<JsonLinesAuditTrail>();
        var trail = new JsonLinesAuditTrail(
            Options.Create(new AuditOptions { Path = "/proc/tlpgateway-cannot-write/audit.jsonl" }),
            TimeProvider.System,
            _services.GetRequiredService<IMeterFactory>(),
            logger);
        trail.Write(Record(1));
        for (var i = 0; i < 500 && trail.SinkHealthy; i++)
        {
            await Task.Delay(10);
        }

        trail.Write(Record(2));
        await trail.DisposeAsync();

        var records = logger.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Level == LogLevel.Error && r.Message.Contains("cannot be written", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Level == LogLevel.Information && r.Message.Contains("member m2", StringComparison.Ordinal));
    }
}
