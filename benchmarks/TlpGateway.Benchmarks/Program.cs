using BenchmarkDotNet.Running;

namespace TlpGateway.Benchmarks;

internal static class BenchmarkProgram
{
    public static void Main(string[] args)
    {
        if (args is ["--paired", .. var sizes])
        {
            PairedRun.Run(sizes.Length > 0 ? sizes.Select(int.Parse) : [1, 20, 200]);
            return;
        }

        if (args is ["--profile-loop", var input, .. var seconds])
        {
            ProfileLoop.Run(input, seconds is [var limit] ? int.Parse(limit, System.Globalization.CultureInfo.InvariantCulture) : 60);
            return;
        }

        if (args is ["--held-memory", .. var attributes])
        {
            HeldMemory.Run(attributes is [var count] ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : 45_000);
            return;
        }

        if (args is ["--gateway-without-filter", .. var configuration])
        {
            PipelineWithoutFilter.Run(configuration);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
    }
}
