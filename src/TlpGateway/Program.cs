using TlpGateway;

var app = GatewayApplication.Build(args);
await app.RunAsync();
