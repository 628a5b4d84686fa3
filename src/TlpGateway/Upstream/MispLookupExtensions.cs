using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace TlpGateway.Upstream;

/// <summary>
/// Registers the gateway's own look-ups in MISP (identity, event owners) on a named client with one
/// resilience handler, bound from <c>Gateway:Lookup</c>: retry (exponential, jittered) around a
/// circuit breaker around a timeout per attempt. Look-ups only read (GETs, and restSearch POSTs), so every transient
/// failure (unreachable, too slow, 5xx, 408, 429) is retried; Polly's metrics and logs are on.
/// </summary>
internal static class MispLookupExtensions
{
    public const string PipelineName = "pipeline";

    public static IServiceCollection AddMispLookups(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<MispLookupOptions>(configuration, MispLookupOptions.SectionName);

        // The readiness probe asks MISP plainly: a probe is never retried, nor counted by the look-ups' circuit breaker.
        AddMispClient(services, MispLookupClient.ProbeClientName);
        AddMispClient(services, MispLookupClient.HttpClientName)
            .AddResilienceHandler(PipelineName, static (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<MispLookupOptions>>().Value;
                if (options.MaxRetries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        Delay = options.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,

                        // A Retry-After from MISP could hold a request for as long as MISP says: the delays stay the gateway's own.
                        ShouldRetryAfterHeader = false,
                    });
                }

                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 5,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = options.BreakDuration,
                });
                pipeline.AddTimeout(options.AttemptTimeout);
            });
        services.AddSingleton<IMispLookupClient, MispLookupClient>();
        return services;
    }

    private static IHttpClientBuilder AddMispClient(IServiceCollection services, string name) =>
        services.AddHttpClient(name, (provider, client) =>
            {
                client.BaseAddress = provider.GetRequiredService<IOptions<GatewayOptions>>().Value.Upstream;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("TlpGateway/1.0");

                // The resilience handler times each look-up attempt; the probe sets its own deadline.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var handler = new SocketsHttpHandler();
                UpstreamCertificate.Configure(handler, provider.GetRequiredService<IOptions<GatewayOptions>>().Value);
                return handler;
            });
}
