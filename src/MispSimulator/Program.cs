using MispSimulator;

var app = SimulatorApplication.Build(args);
await app.RunAsync();
