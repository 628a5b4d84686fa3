using System.Buffers;
using MispSimulator;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>What holding one large event costs: memory bounded by the event, not by its number of values (issue 21).</summary>
public sealed class HeldMemoryTests
{
    [Fact]
    public void Filter_LargeHeldEventOnceWarm_AllocatesLessThanAQuarterOfItsBytes()
    {
        // One /events/view event of 20k attributes (about 9 MB), as a member's tools ask for it.
        var input = EventGenerator.View(seed: 7, attributes: 20_000);
        var context = FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpLevel.AmberStrict));
        var output = new ArrayBufferWriter<byte>(input.Length + (1024 * 1024));
        var released = Filter(input, context, output);

        output.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Filter(input, context, output);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(released, "the event is released to a member allowed amber+strict");
        Assert.True(output.WrittenCount > input.Length / 2, "most of the event is released");

        // Per-node lists and arrays that grew by copying cost 5x the event's bytes; pooled nodes and
        // chunked arenas nothing once warm (the bound leaves room for tests running beside this one).
        Assert.True(allocated < input.Length / 4, $"holding a {input.Length:N0}-byte event allocated {allocated:N0} bytes");
    }

    private static bool Filter(byte[] input, FilterContext context, IBufferWriter<byte> output)
    {
        var released = false;
        var filter = new MispResponseFilter(context, 64 * 1024 * 1024, outcome => released |= outcome.Released);
        for (var offset = 0; offset < input.Length; offset += 64 * 1024)
        {
            filter.Write(input.AsSpan(offset, Math.Min(64 * 1024, input.Length - offset)), output);
        }

        filter.Complete(output);
        return released;
    }
}
