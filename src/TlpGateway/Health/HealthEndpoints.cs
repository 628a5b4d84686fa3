using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Members;

namespace TlpGateway.Health;

/// <summary>How a readiness check stands.</summary>
internal enum ReadinessState
{
    Ok,

    /// <summary>Degraded but still serving correctly (the members file on disk was refused; the last good registry is in force).</summary>
    Stale,

    Failing,
}

/// <summary>One thing <c>/readyz</c> checks. Names only: a check never reveals members or data.</summary>
internal interface IReadinessCheck
{
    string Name { get; }

    ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken);

    /// <summary>Checks that can be degraded without failing say <see cref="ReadinessState.Stale"/>.</summary>
    async ValueTask<ReadinessState> StateAsync(CancellationToken cancellationToken) =>
        await IsReadyAsync(cancellationToken) ? ReadinessState.Ok : ReadinessState.Failing;
}

/// <summary>
/// <c>/healthz</c> (alive) and <c>/readyz</c> (members registry in force, MISP reachable, audit file writable),
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
            ReadinessState state;
            try
            {
                state = await check.StateAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                state = ReadinessState.Failing;
            }

            results[check.Name] = state switch
            {
                ReadinessState.Ok => "ok",
                ReadinessState.Stale => "stale",
                _ => "failing",
            };
            ready &= state != ReadinessState.Failing;
        }

        return (ready, new { status = ready ? "ready" : "not-ready", checks = results });
    }

    /// <summary>
    /// <c>--health-probe [url]</c>: asks the local gateway's <c>/readyz</c> (or the path the URL names,
    /// e.g. <c>/healthz</c> for a liveness probe) and exits 0 on success, 1 otherwise, for container
    /// health checks (the runtime image has no curl). It prints the status and the checks that are not
    /// ok, so a failing probe says which.
    /// </summary>
    public static async Task<int> ProbeAsync(string? url, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        // The probe sends nothing secret and asks only its own gateway: a loopback certificate need not be trusted.
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || IsLoopbackTarget(url);
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var target = new Uri(url ?? OwnAddress());
            using var response = await client.GetAsync(target.AbsolutePath is "/" or "" ? new Uri(target, ReadyPath) : target);
            var checks = new Dictionary<string, string>();
            try
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
                if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("checks", out var list) && list.ValueKind == JsonValueKind.Object)
                {
                    foreach (var check in list.EnumerateObject().Where(c => c.Value.GetString() != "ok"))
                    {
                        checks[check.Name] = check.Value.GetString() ?? "?";
                    }
                }
            }
            catch (JsonException)
            {
                // A 404 (the probe's address is not allowed) has no body: the status says enough.
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(new { status = (int)response.StatusCode, checks }));
            if (!response.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"health probe: {target.Host}:{target.Port} answered {(int)response.StatusCode}"
                    + (checks.Count > 0 ? ": " + string.Join(", ", checks.Select(c => $"{c.Key} {c.Value}")) : string.Empty));
            }

            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await error.WriteLineAsync("health probe failed: " + ex.Message);
            return 1;
        }
    }

    /// <summary>The gateway's own first address (<c>ASPNETCORE_URLS</c>), on loopback: what a container's health check asks.</summary>
    private static string OwnAddress()
    {
        var first = (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? Environment.GetEnvironmentVariable("URLS") ?? "http://127.0.0.1:8080").Split(';')[0].Trim();
        return System.Text.RegularExpressions.Regex.Replace(first, @"^(https?://)(\+|\*|0\.0\.0\.0|\[::\])", "${1}127.0.0.1");
    }

    private static bool IsLoopbackTarget(string? url) =>
        Uri.TryCreate(url ?? OwnAddress(), UriKind.Absolute, out var uri) && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}

/// <summary>
/// A members registry is in force (always, once started); "stale" while the file on disk was refused.
/// Stale stays ready: the last good registry still enforces, and one typo in a ConfigMap must not take
/// every replica out of service.
/// </summary>
internal sealed class MembersReadiness(MembersRegistryProvider provider) : IReadinessCheck
{
    public string Name => "members";

    public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    public ValueTask<ReadinessState> StateAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(provider.LastError is null ? ReadinessState.Ok : ReadinessState.Stale);
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
            using var client = clients.CreateClient(Upstream.MispLookupClient.ProbeClientName);
            using var response = await client.GetAsync(Upstream.MispLookupClient.UriFor(client.BaseAddress, "/servers/getVersion"), timeout.Token);
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
