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

// `--generate-view ATTRIBUTES SEED` writes one generated /events/view answer of that many attributes to standard output (for the load harness).
if (args is ["--generate-view", var attributes, var viewSeed])
{
    await using var output = Console.OpenStandardOutput();
    await output.WriteAsync(EventGenerator.View(int.Parse(viewSeed, System.Globalization.CultureInfo.InvariantCulture), int.Parse(attributes, System.Globalization.CultureInfo.InvariantCulture)));
    return;
}

var app = SimulatorApplication.Build(args);
await app.RunAsync();
