using TlpGateway;
using TlpGateway.Health;

if (args is ["--health-probe", .. var rest])
{
    return await HealthEndpoints.ProbeAsync(rest.FirstOrDefault());
}

var app = GatewayApplication.Build(args);
await app.RunAsync();
return 0;
