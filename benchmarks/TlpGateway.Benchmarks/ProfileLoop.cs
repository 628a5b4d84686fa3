using System.Diagnostics;

namespace TlpGateway.Benchmarks;

/// <summary>
/// The filter alone, a member with max amber+strict, over one input again and again for a while:
/// the process a sampling profiler attaches to (<c>perf record -p</c>; see benchmarks/README.md).
/// </summary>
internal static class ProfileLoop
{
    public static void Run(string input, int seconds)
    {
        FilterBenchmarks? benchmarks = input switch
        {
            "restsearch" => new FilterBenchmarks { SizeMb = 20 },
            "event" => new FilterBenchmarks { SingleEventAttributes = 45_000 },
            _ => null,
        };
        if (benchmarks is null)
        {
            Console.Error.WriteLine($"--profile-loop takes 'restsearch' (a 20 MB restSearch) or 'event' (one 45k-attribute event), not '{input}'");
            Environment.ExitCode = 2;
            return;
        }

        benchmarks.Setup();
        Console.WriteLine($"filtering {input} for {seconds} s in process {Environment.ProcessId}");
        var passes = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            benchmarks.FilterEntitled();
            passes++;
        }

        Console.WriteLine($"{passes} passes, {benchmarks.InputBytes * (double)passes / 1e6 / watch.Elapsed.TotalSeconds:F0} MB/s");
    }
}
