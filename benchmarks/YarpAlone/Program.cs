using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

// YARP alone, for the load harness's row that separates the proxy's cost from the gateway's: the
// gateway's Kestrel and YARP (same package, one catch-all route, the same upstream activity timeout,
// YARP's own HttpClient settings, which the gateway changes only for TLS) and nothing else.
// Usage: YarpAlone --urls http://127.0.0.1:PORT --Upstream=http://127.0.0.1:PORT
var builder = WebApplication.CreateBuilder(args);
var upstream = builder.Configuration["Upstream"] ?? throw new InvalidOperationException("--Upstream=<url> is required");
builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "misp", ClusterId = "misp", Match = new RouteMatch { Path = "/{**catch-all}" } }],
    [
        new ClusterConfig
        {
            ClusterId = "misp",
            Destinations = new Dictionary<string, DestinationConfig> { ["misp"] = new() { Address = upstream } },
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) },
        },
    ]);
var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
