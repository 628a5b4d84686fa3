using TlpGateway;
using TlpGateway.Health;
using TlpGateway.Members;

switch (args)
{
    case ["--health-probe", .. var rest]:
        return await HealthEndpoints.ProbeAsync(rest.FirstOrDefault());
    case ["members", .. var rest]:
        return MembersCommand.Run(rest, Console.Out, Console.Error, TimeProvider.System);
}

var app = GatewayApplication.Build(args);
await app.RunAsync();
return 0;
