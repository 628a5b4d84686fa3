using MispSimulator;

// `--print-key NAME` prints a demo user's key (for scripts/demo) and exits.
if (args is ["--print-key", var name])
{
    Console.WriteLine(SimulatorKeys.ByName.TryGetValue(name, out var key) ? key : throw new ArgumentException($"unknown demo user '{name}'"));
    return;
}

// `--generate-restsearch BYTES SEED` writes a generated /events/restSearch answer to standard output (for the load harness).
if (args is ["--generate-restsearch", var size, var seed])
{
    await using var output = Console.OpenStandardOutput();
    await EventGenerator.WriteRestSearchAsync(output, new GeneratedRestSearch(int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture), long.Parse(size, System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);
    return;
}

var app = SimulatorApplication.Build(args);
await app.RunAsync();
