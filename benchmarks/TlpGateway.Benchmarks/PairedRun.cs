using System.Diagnostics;

namespace TlpGateway.Benchmarks;

/// <summary>
/// The filter's throughput as a share of the tokenizer's, with the passes alternated round by round
/// so both see the same machine: on a shared 2-core machine the speed of either drifts by a third
/// between BenchmarkDotNet's sequential runs, which a ratio of two such runs inherits.
/// </summary>
internal static class PairedRun
{
    private const int Rounds = 25;

    /// <summary>The large single event of the issue: 45k attributes, about 20 MB, held whole by the filter.</summary>
    private const int SingleEventAttributes = 45_000;

    /// <summary>The same event pretty-printed, as MISP answers curl, with fewer attributes: at 45k it is over the default <c>MaxEventBytes</c> (32 MiB).</summary>
    private const int PrettyEventAttributes = 28_000;

    public static void Run(IEnumerable<int> sizesMb)
    {
        Console.WriteLine("| size | pass | best ms | MB/s | share of the tokenizer (median of rounds) | allocated per pass |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|");
        var inputs = sizesMb.Select(size => (Name: $"{size} MB", Benchmarks: new FilterBenchmarks { SizeMb = size }))
            .Append(("one event, 45k attributes", new FilterBenchmarks { SingleEventAttributes = SingleEventAttributes }))
            .Append(("one event, 28k attributes, pretty-printed", new FilterBenchmarks { SingleEventAttributes = PrettyEventAttributes, PrettyPrinted = true }));
        foreach (var (size, benchmarks) in inputs)
        {
            benchmarks.Setup();
            (string Name, Func<long> Pass)[] passes =
            [
                ("tokenizer", benchmarks.Tokenizer),
                ("the filter's tokenizer (JsonTokenizer)", benchmarks.GatewayTokenizer),
                ("filter, member max amber+strict", () => benchmarks.FilterEntitled()),
                ("filter, third party max green", () => benchmarks.FilterRestrictedWithProvenance()),
                ("csv export, member max amber+strict", () => benchmarks.CsvExportEntitled()),
                ("stix2 export, member max amber+strict", () => benchmarks.StixExportEntitled()),
            ];

            var warmUp = Stopwatch.StartNew();
            while (warmUp.Elapsed < TimeSpan.FromSeconds(3))
            {
                Array.ForEach(passes, p => p.Pass());
            }

            var times = new double[passes.Length, Rounds];
            var allocated = new long[passes.Length];
            for (var round = 0; round < Rounds; round++)
            {
                for (var i = 0; i < passes.Length; i++)
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    var watch = Stopwatch.StartNew();
                    passes[i].Pass();
                    times[i, round] = watch.Elapsed.TotalMilliseconds;
                    allocated[i] = GC.GetAllocatedBytesForCurrentThread() - before;
                }
            }

            for (var i = 0; i < passes.Length; i++)
            {
                var best = Enumerable.Range(0, Rounds).Min(r => times[i, r]);
                var shares = Enumerable.Range(0, Rounds).Select(r => times[0, r] / times[i, r]).Order().ToArray();
                Console.WriteLine($"| {size} | {passes[i].Name} | {best:F1} | {benchmarks.InputBytes / 1e6 / (best / 1000):F0} | {shares[Rounds / 2]:P0} | {allocated[i] / 1024} KB |");
            }
        }
    }
}
