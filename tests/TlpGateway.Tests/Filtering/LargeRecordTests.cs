using System.Buffers;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MispSimulator;
using TlpGateway.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>Large held records: their bytes outside the managed heap, and a bound on how many are decided at once (issue 21).</summary>
public sealed class LargeRecordTests
{
    private const int Chunk = 64 * 1024;

    private static readonly ServiceProvider Meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public void Filter_RecordGrowsPastLargeRecordBytes_WaitsForRoomThenReleasesWhatItWouldWithout()
    {
        var input = EventGenerator.View(seed: 21, attributes: 4_000);
        var context = FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpLevel.Green));
        var expected = FilterHarness.Run(input, context, chunk: Chunk).Output;
        var filter = new MispResponseFilter(context, 16 * 1024 * 1024, _ => { }) { LargeRecordBytes = 256 * 1024 };
        var output = new ArrayBufferWriter<byte>();

        // Fed until it asks for room: then more input is only buffered, nothing is decided.
        var offset = 0;
        while (!filter.WantsRoom)
        {
            filter.Write(input.AsSpan(offset, Chunk), output);
            offset += Chunk;
        }

        var askedAt = offset;
        filter.Write(input.AsSpan(offset, Chunk), output);
        offset += Chunk;
        var examined = filter.BytesExamined;
        filter.Write(input.AsSpan(offset, Chunk), output);
        offset += Chunk;

        Assert.InRange(askedAt, 256 * 1024, (256 * 1024) + Chunk);
        Assert.True(filter.WantsRoom);
        Assert.False(filter.HoldsLargeRecord);
        Assert.Equal(examined, filter.BytesExamined);
        Assert.Equal(0, output.WrittenCount);

        filter.GrantRoom(output);
        Assert.True(filter.HoldsLargeRecord);
        for (; offset < input.Length; offset += Chunk)
        {
            filter.Write(input.AsSpan(offset, Math.Min(Chunk, input.Length - offset)), output);
        }

        filter.Complete(output);

        // The turn ends with the decision: writing the record out needs no room.
        Assert.False(filter.HoldsLargeRecord);
        Assert.False(filter.WantsRoom);
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Filter_AnyChunkingAndLargeRecordBytes_ReleasesWhatItWouldWithout(int seed)
    {
        // Whatever the chunks and wherever the bound falls, waiting for room changes when, never what.
        var random = new Random(seed);
        var context = FilterHarness.Context(FilterHarness.Requester(maxTlp: seed % 2 == 0 ? TlpLevel.Green : TlpLevel.AmberStrict));
        var search = EventGenerator.RestSearch(seed, targetBytes: 400 * 1024);
        var view = EventGenerator.View(seed, attributes: seed * 700);

        // The view's event (up to 2 MB: a mapped window) first in a search: the window then moves back to an array.
        var prefix = "{\"response\": ["u8.ToArray();
        Assert.True(search.AsSpan().StartsWith(prefix));
        byte[][] inputs = [search, view, [.. prefix, .. view, (byte)',', .. search.AsSpan(prefix.Length)]];
        foreach (var input in inputs)
        {
            var expected = FilterHarness.Run(input, context).Output;
            var filter = new MispResponseFilter(context, 16 * 1024 * 1024, _ => { }) { LargeRecordBytes = random.Next(256, 4 * 1024) };
            var output = new ArrayBufferWriter<byte>();
            var waited = 0;
            for (var offset = 0; offset < input.Length;)
            {
                var chunk = Math.Min(random.Next(1, 70_000), input.Length - offset);
                filter.Write(input.AsSpan(offset, chunk), output);
                offset += chunk;
                while (filter.WantsRoom)
                {
                    waited++;
                    filter.GrantRoom(output);
                }
            }

            filter.Complete(output);
            while (filter.WantsRoom)
            {
                filter.GrantRoom(output);
            }

            Assert.True(waited > 0, "some record reached the bound");
            Assert.Equal(expected, output.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void Filter_RecordsBelowLargeRecordBytes_NeverWait()
    {
        var input = EventGenerator.RestSearch(seed: 22, targetBytes: 2 * 1024 * 1024);
        var filter = new MispResponseFilter(FilterHarness.Context(FilterHarness.Requester()), 16 * 1024 * 1024, _ => { }) { LargeRecordBytes = 256 * 1024 };
        var output = new ArrayBufferWriter<byte>();

        for (var offset = 0; offset < input.Length; offset += Chunk)
        {
            filter.Write(input.AsSpan(offset, Math.Min(Chunk, input.Length - offset)), output);
            Assert.False(filter.WantsRoom, "a restSearch of small events holds no large record");
        }

        filter.Complete(output);
        Assert.True(filter.UnitsReleased > 10);
    }

    [Fact]
    public void HeldBuffer_GrowsPastAMegabyte_MappedWithItsBytesAndBackToAnArrayWhenSmall()
    {
        using var buffer = new HeldBuffer();
        var bytes = new byte[3 * 1024 * 1024];
        new Random(5).NextBytes(bytes);

        var used = 0;
        for (; used < bytes.Length; used += Chunk)
        {
            if (used + Chunk > buffer.Capacity)
            {
                buffer.Grow(used, used + Chunk);
            }

            bytes.AsSpan(used, Chunk).CopyTo(buffer.Span[used..]);
        }

        Assert.Equal(OperatingSystem.IsLinux(), buffer.IsMapped);
        Assert.True(buffer.Span[..used].SequenceEqual(bytes));
        Assert.True(buffer.Memory.Span[..used].SequenceEqual(bytes));

        // The window moves on past most of it: the rest is kept, and a mapping gives way to an array.
        buffer.Compact(used - 1000, used);
        Assert.True(buffer.Span[..1000].SequenceEqual(bytes.AsSpan(used - 1000)));
        Assert.False(buffer.IsMapped);
    }

    [Fact]
    public void HeldBuffer_MappedWindowMovesByMegabytes_KeepsWhatFollows()
    {
        using var buffer = new HeldBuffer();
        var bytes = new byte[4 * 1024 * 1024];
        new Random(6).NextBytes(bytes);
        buffer.Grow(0, bytes.Length);
        bytes.CopyTo(buffer.Span);

        Assert.Equal(OperatingSystem.IsLinux(), buffer.ShouldCompact(HeldBuffer.MappedFrom));
        buffer.Compact(HeldBuffer.MappedFrom, bytes.Length);

        Assert.True(buffer.Span[..(bytes.Length - HeldBuffer.MappedFrom)].SequenceEqual(bytes.AsSpan(HeldBuffer.MappedFrom)));
    }

    [Fact]
    public async Task LargeRecordLimit_AllTurnsTaken_NextWaitsUntilOneEnds()
    {
        var time = new FakeTimeProvider();
        using var limit = Limit(time, atOnce: 1, wait: TimeSpan.FromSeconds(30));

        var first = await limit.AcquireAsync(CancellationToken.None);
        var second = limit.AcquireAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(second.IsCompleted);

        first.Dispose();
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();

        // A turn ended twice frees one place only: two more cannot both have it.
        var third = await limit.AcquireAsync(CancellationToken.None);
        var fourth = limit.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(fourth.IsCompleted);
        third.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task LargeRecordLimit_NoTurnWithinTheWait_FailsClosedAndCountsIt()
    {
        var time = new FakeTimeProvider();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var collector = new MetricCollector<double>(meters, FilterMetrics.MeterName, "tlpgateway.filter.large_record.wait");
        using var limit = Limit(time, atOnce: 1, wait: TimeSpan.FromSeconds(5), meters);

        using var held = await limit.AcquireAsync(CancellationToken.None);
        var waiting = limit.AcquireAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<GatewayBusyException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("LargeRecordsAtOnce", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(["granted", "timed-out"], collector.GetMeasurementSnapshot().Select(m => (string)m.Tags["tlpgateway.outcome"]!));
    }

    private static LargeRecordLimit Limit(TimeProvider time, int atOnce, TimeSpan wait, IMeterFactory? meters = null) =>
        new(Options.Create(new FilterOptions { LargeRecordsAtOnce = atOnce, LargeRecordWait = wait }), time, new FilterMetrics(meters ?? Meters.GetRequiredService<IMeterFactory>()));
}
