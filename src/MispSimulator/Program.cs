using MispSimulator;

// `--print-key NAME` prints a demo user's key (for scripts/demo) and exits.
if (args is ["--print-key", var name])
{
    Console.WriteLine(SimulatorKeys.ByName.TryGetValue(name, out var key) ? key : throw new ArgumentException($"unknown demo user '{name}'"));
    return;
}

var app = SimulatorApplication.Build(args);
await app.RunAsync();
