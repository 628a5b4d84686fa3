using TlpGateway.Startup;

return await GatewayCommandLine.RunAsync(args, Console.Out, Console.Error);
