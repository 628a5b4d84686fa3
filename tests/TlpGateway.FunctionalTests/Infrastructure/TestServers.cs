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
        GatewayIpv6Url = ListeningAddress(gateway, "[::1]");
    }

    public SimulatorState Simulator { get; }

    /// <summary>The test's scratch directory (members file, audit trail).</summary>
    public string Directory { get; private init; } = string.Empty;

    public string MembersFile { get; private init; } = string.Empty;

    public string AuditFile => Path.Combine(Directory, "audit.jsonl");

    /// <summary>The audit trail's lines once there are <paramref name="count"/> and one matches <paramref name="until"/> (it is written in the background), or what there is after 5 s.</summary>
    public async Task<string[]> WaitForAuditLinesAsync(int count, Func<string, bool>? until = null)
    {
        for (var i = 0; i < 100; i++)
        {
            if (File.Exists(AuditFile) && (await File.ReadAllLinesAsync(AuditFile)) is { } lines && lines.Length >= count && (until is null || lines.Any(until)))
            {
                return lines;
            }

            await Task.Delay(50);
        }

        return File.Exists(AuditFile) ? await File.ReadAllLinesAsync(AuditFile) : [];
    }

    private Dictionary<string, string?> Settings { get; init; } = [];

    /// <summary>Starts another replica of the gateway with the same configuration, in front of the same simulator.</summary>
    public async Task<WebApplication> StartReplicaAsync()
    {
        var replica = GatewayApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(Settings);
            builder.Configuration["Gateway:Audit:Path"] = Path.Combine(Directory, "audit-replica.jsonl");
        });
        await replica.StartAsync();
        return replica;
    }

    public static Uri AddressOf(WebApplication app) => ListeningAddress(app);

    public Uri SimulatorUrl { get; }

    public Uri GatewayUrl { get; }

    /// <summary>The gateway's listener on the IPv6 loopback.</summary>
    public Uri GatewayIpv6Url { get; }

    public IServiceProvider GatewayServices => _gateway.Services;

    /// <summary>Starts both servers. <paramref name="configure"/> edits the gateway's configuration; <c>Gateway:Upstream</c> defaults to the simulator.</summary>
    public static async Task<TestServers> StartAsync(Action<IDictionary<string, string?>>? configure = null, Action<WebApplicationBuilder>? gatewayBuilder = null, string? membersJson = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("tlpgw-test-");
        var membersFile = Path.Combine(directory.FullName, "members.json");
        await File.WriteAllTextAsync(membersFile, membersJson ?? await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "members.demo.json")));
        var state = new SimulatorState();
        var simulator = SimulatorApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], state);
        await simulator.StartAsync();

        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Upstream"] = ListeningAddress(simulator).ToString(),
            ["Gateway:MembersFile"] = membersFile,
            ["Gateway:Audit:Path"] = Path.Combine(directory.FullName, "audit.jsonl"),
        };
        configure?.Invoke(settings);

        var gateway = GatewayApplication.Build(["--urls", "http://127.0.0.1:0;http://[::1]:0", "--Logging:LogLevel:Default=Warning"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            gatewayBuilder?.Invoke(builder);
        });
        await gateway.StartAsync();
        return new TestServers(simulator, state, gateway) { Directory = directory.FullName, MembersFile = membersFile, Settings = settings };
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

    /// <summary>A client from <paramref name="source"/> that sends <paramref name="key"/> and a user agent as a script would.</summary>
    public HttpClient CreateClient(string key, string source = "127.0.0.1", string userAgent = "curl/8.0") =>
        CreateClient(GatewayUrl, key, source, userAgent);

    /// <summary>The same, for another gateway (a replica started with <see cref="StartReplicaAsync"/>).</summary>
    public static HttpClient CreateClient(WebApplication gateway, string key, string source = "127.0.0.1") => CreateClient(AddressOf(gateway), key, source, "curl/8.0");

    private static HttpClient CreateClient(Uri gateway, string key, string source, string userAgent)
    {
        var client = CreateClient(gateway, IPAddress.Parse(source));
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/json");
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A scratch directory left behind is harmless.
        }
    }

    private static Uri ListeningAddress(WebApplication app, string host = "127.0.0.1")
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First(a => a.Contains(host, StringComparison.Ordinal)));
    }
}
