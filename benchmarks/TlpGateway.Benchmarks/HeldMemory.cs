using System.Buffers;
using MispSimulator;
using TlpGateway.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Benchmarks;

/// <summary>
/// What holding one large event costs in live memory (issue 21, target 1): a fresh process feeds the
/// filter one <c>/events/view</c> event all but its closing bytes, so the filter holds it whole, and
/// compares the live heap after a full collection with the heap before. Run it in a process of its
/// own: the pools a previous pass filled would be counted as the baseline.
/// </summary>
internal static class HeldMemory
{
    private const int Chunk = 64 * 1024;

    public static void Run(int attributes)
    {
        var input = EventGenerator.View(seed: 42, attributes);
        var context = new FilterContext { Requester = FilterBenchmarks.Requester(TlpLevel.AmberStrict, Members.MemberRelation.Member), Community = FilterBenchmarks.Community };
        var output = new ArrayBufferWriter<byte>(input.Length + (1024 * 1024));
        var baseline = LiveBytes();
        var baselineRss = Environment.WorkingSet;

        var filter = new MispResponseFilter(context, 64 * 1024 * 1024, _ => { });
        var held = input.Length - 2;
        for (var offset = 0; offset < held; offset += Chunk)
        {
            filter.Write(input.AsSpan(offset, Math.Min(Chunk, held - offset)), output);
        }

        var holding = LiveBytes() - baseline;
        var holdingRss = Environment.WorkingSet - baselineRss;
        filter.Write(input.AsSpan(held), output);
        filter.Complete(output);
        var retained = LiveBytes() - baseline;
        var retainedRss = Environment.WorkingSet - baselineRss;
        GC.KeepAlive(filter);

        // The managed heap does not count a held event's bytes once they are mapped (HeldBuffer): the
        // process's resident set does, with whatever the collector keeps committed besides.
        Console.WriteLine("| event | bytes | managed heap while held | resident set growth while held | per event byte | managed heap after (pools) | resident set growth after |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| one event, {attributes / 1000}k attributes | {input.Length / 1e6:F1} MB | {holding / 1e6:F1} MB | {holdingRss / 1e6:F1} MB | {(double)holdingRss / input.Length:F2}x | {retained / 1e6:F1} MB | {retainedRss / 1e6:F1} MB |");
    }

    private static long LiveBytes()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
