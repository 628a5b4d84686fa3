using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Members;

namespace TlpGateway.Health;

/// <summary>One thing <c>/readyz</c> checks. Names only: a check never reveals members or data.</summary>
internal interface IReadinessCheck
{
    string Name { get; }

    ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken);
}

/// <summary>
/// <c>/healthz</c> (alive) and <c>/readyz</c> (members file loaded, MISP reachable, audit file writable),
/// served by the gateway itself, never proxied, to loopback and <c>Gateway:HealthNetworks</c> only.
/// Anyone else gets the 404 of a path that does not exist.
/// </summary>
internal static class HealthEndpoints
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";

    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        services.AddSingleton<IReadinessCheck, MembersReadiness>();
        services.AddSingleton<IReadinessCheck, MispReadiness>();
        services.AddSingleton<IReadinessCheck, AuditReadiness>();
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var allowed = NetworkList.Parse(options.HealthNetworks, "Gateway:HealthNetworks");

        // Ordered before the proxy's catch-all route, so MISP never sees these paths.
        endpoints.MapMethods(LivePath, ["GET", "HEAD"], context => AnswerAsync(context, allowed, static (_, _) => ValueTask.FromResult((true, (object)new { status = "alive" })))).WithOrder(-1);
        endpoints.MapMethods(ReadyPath, ["GET", "HEAD"], context => AnswerAsync(context, allowed, ReadinessAsync)).WithOrder(-1);
        return endpoints;
    }

    /// <summary>Whether the TCP peer is loopback or in <c>Gateway:HealthNetworks</c> (<paramref name="allowed"/>): who may read what the gateway says about itself.</summary>
    internal static bool IsOperator(HttpContext context, IReadOnlyList<IPNetwork> allowed)
    {
        var peer = context.Connection.RemoteIpAddress is { } address ? MemberEntry.Normalise(address) : null;
        return peer is not null && (peer.Equals(IPAddress.Loopback) || peer.Equals(IPAddress.IPv6Loopback) || allowed.Any(n => n.Contains(peer)));
    }

    private static async Task AnswerAsync(HttpContext context, IReadOnlyList<IPNetwork> allowed, Func<HttpContext, CancellationToken, ValueTask<(bool Ok, object Body)>> check)
    {
        if (!IsOperator(context, allowed))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var (ok, body) = await check(context, context.RequestAborted);
        context.Response.StatusCode = ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }

    private static async ValueTask<(bool, object)> ReadinessAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, string>();
        var ready = true;
        foreach (var check in context.RequestServices.GetServices<IReadinessCheck>())
        {
            bool ok;
            try
            {
                ok = await check.IsReadyAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ok = false;
            }

            results[check.Name] = ok ? "ok" : "failing";
            ready &= ok;
        }

        return (ready, new { status = ready ? "ready" : "not-ready", checks = results });
    }

    /// <summary>
    /// <c>--health-probe [url]</c>: asks the local gateway's <c>/readyz</c> (or the path the URL names,
    /// e.g. <c>/healthz</c> for a liveness probe) and exits 0 on success, 1 otherwise, for container
    /// health checks (the runtime image has no curl).
    /// </summary>
    public static async Task<int> ProbeAsync(string? url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var target = new Uri(url ?? "http://127.0.0.1:8080");
            using var response = await client.GetAsync(target.AbsolutePath is "/" or "" ? new Uri(target, ReadyPath) : target);
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new { status = (int)response.StatusCode }));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync("health probe failed: " + ex.Message);
            return 1;
        }
    }
}

/// <summary>The members file is loaded and the file on disk is the one in force.</summary>
internal sealed class MembersReadiness(MembersRegistryProvider provider) : IReadinessCheck
{
    public string Name => "members";

    public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(provider.LastError is null);
}

/// <summary>MISP answers HTTP at all (any status counts: without a key it answers 403).</summary>
internal sealed class MispReadiness(IHttpClientFactory clients) : IReadinessCheck
{
    public string Name => "misp";

    public async ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var response = await clients.CreateClient(Upstream.MispLookupClient.ProbeClientName).GetAsync("/servers/getVersion", timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>The audit file can be written.</summary>
internal sealed class AuditReadiness(JsonLinesAuditTrail audit) : IReadinessCheck
{
    public string Name => "audit";

    public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(audit.SinkHealthy);
}
