using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MispSimulator;

namespace TlpGateway.FunctionalTests.Infrastructure;

/// <summary>A MISP simulator and a gateway in front of it, both real Kestrel servers on loopback ports chosen by the OS.</summary>
internal sealed class TestServers : IAsyncDisposable
{
    private readonly WebApplication _simulator;
    private readonly WebApplication _gateway;

    private TestServers(WebApplication simulator, SimulatorState state, WebApplication gateway)
    {
        _simulator = simulator;
        _gateway = gateway;
        Simulator = state;
        SimulatorUrl = ListeningAddress(simulator);
        GatewayUrl = ListeningAddress(gateway);
    }

    public SimulatorState Simulator { get; }

    public Uri SimulatorUrl { get; }

    public Uri GatewayUrl { get; }

    public IServiceProvider GatewayServices => _gateway.Services;

    /// <summary>Starts both servers. <paramref name="configure"/> edits the gateway's configuration; <c>Gateway:Upstream</c> defaults to the simulator.</summary>
    public static async Task<TestServers> StartAsync(Action<IDictionary<string, string?>>? configure = null, Action<WebApplicationBuilder>? gatewayBuilder = null)
    {
        var state = new SimulatorState();
        var simulator = SimulatorApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], state);
        await simulator.StartAsync();

        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Upstream"] = ListeningAddress(simulator).ToString(),
            ["Gateway:MembersFile"] = "members.json",
        };
        configure?.Invoke(settings);

        var gateway = GatewayApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            gatewayBuilder?.Invoke(builder);
        });
        await gateway.StartAsync();
        return new TestServers(simulator, state, gateway);
    }

    /// <summary>A client of the gateway whose connections leave from <paramref name="source"/> (any 127.x.y.z works on Linux loopback).</summary>
    public HttpClient CreateClient(IPAddress? source = null) => CreateClient(GatewayUrl, source);

    /// <summary>A client of <paramref name="baseAddress"/> whose connections leave from <paramref name="source"/>.</summary>
    public static HttpClient CreateClient(Uri baseAddress, IPAddress? source = null)
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (source is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    private static Uri ListeningAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }
}
