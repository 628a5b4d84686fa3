using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using TlpGateway.Health;
using TlpGateway.Members;

namespace TlpGateway.Redis;

/// <summary>
/// With <c>Gateway:Redis</c> set, the identity and event caches are shared through Redis by every
/// replica; without it they live in this process's memory. Redis unreachable never stops the start.
/// </summary>
internal static class RedisExtensions
{
    public static IServiceCollection AddGatewayCache(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoint = configuration["Gateway:Redis"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            services.AddDistributedMemoryCache();
            services.AddSingleton<IMemberStateOverlay, NoMemberStateOverlay>();
            return services;
        }

        services.AddValidatedOptions<RedisOptions>(configuration, RedisOptions.SectionName)
            .Configure(options => options.Endpoint = endpoint);
        services.AddSingleton<RedisMetrics>();
        services.AddSingleton(provider => new RespClient(
            provider.GetRequiredService<IOptions<RedisOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RespClient>>(),
            provider.GetRequiredService<RedisMetrics>()));
        services.AddSingleton<IDistributedCache>(provider => new RedisDistributedCache(
            provider.GetRequiredService<RespClient>(),
            provider.GetRequiredService<IOptions<RedisOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IReadinessCheck, RedisReadiness>();
        services.AddSingleton<Admission.IRateLimitCounter>(provider => new RedisRateLimitCounter(
            provider.GetRequiredService<RespClient>(),
            provider.GetRequiredService<IOptions<RedisOptions>>().Value));
        services.AddSingleton(provider => new RedisMemberStateOverlay(
            provider.GetRequiredService<RespClient>(),
            provider.GetRequiredService<IOptions<RedisOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RedisMemberStateOverlay>>()));
        services.AddSingleton<IMemberStateOverlay>(provider => provider.GetRequiredService<RedisMemberStateOverlay>());
        services.AddHostedService(provider => provider.GetRequiredService<RedisMemberStateOverlay>());
        return services;
    }

    /// <summary>Redis answers PING.</summary>
    private sealed class RedisReadiness(RespClient client) : IReadinessCheck
    {
        public string Name => "redis";

        public async ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken)
        {
            try
            {
                return (await client.ExecuteAsync("PING", [], cancellationToken)).Text == "PONG";
            }
            catch (RedisException)
            {
                return false;
            }
        }
    }
}
