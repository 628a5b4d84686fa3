using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TlpGateway.Health;
using TlpGateway.Members;

namespace TlpGateway.Redis;

/// <summary>
/// With <c>Gateway:Redis</c> set, the identity and event caches, the rate limit and the published
/// member states are shared through Redis by every replica, over one StackExchange.Redis connection;
/// without it the caches live in this process's memory. Redis unreachable never stops the start.
/// </summary>
internal static class RedisExtensions
{
    private const string RedisCacheKey = "redis";

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
        services.AddSingleton(provider => RedisConnection.Connect(
            provider.GetRequiredService<IOptions<RedisOptions>>().Value,
            provider.GetRequiredService<RedisMetrics>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RedisConnection).FullName!)));

        // The cache's own connection would be a second one: it gets the process's.
        services.AddStackExchangeRedisCache(_ => { });
        services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((cache, provider) =>
        {
            cache.InstanceName = provider.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix;
            cache.ConnectionMultiplexerFactory = () => Task.FromResult(provider.GetRequiredService<IConnectionMultiplexer>());
        });
        MeasureDistributedCache(services);

        services.AddSingleton<IReadinessCheck, RedisReadiness>();
        services.AddSingleton<Admission.IRateLimitCounter, RedisRateLimitCounter>();
        services.AddSingleton<RedisMemberStateOverlay>();
        services.AddSingleton<IMemberStateOverlay>(provider => provider.GetRequiredService<RedisMemberStateOverlay>());
        services.AddHostedService(provider => provider.GetRequiredService<RedisMemberStateOverlay>());
        return services;
    }

    /// <summary>Moves the cache <c>AddStackExchangeRedisCache</c> registered behind <see cref="MeasuredDistributedCache"/>.</summary>
    private static void MeasureDistributedCache(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IDistributedCache));
        var implementation = registered.ImplementationType
            ?? throw new InvalidOperationException("AddStackExchangeRedisCache no longer registers its cache by type: MeasureDistributedCache needs updating.");
        services.Remove(registered);
        services.Add(new ServiceDescriptor(typeof(IDistributedCache), RedisCacheKey, implementation, ServiceLifetime.Singleton));
        services.AddSingleton<IDistributedCache>(provider => new MeasuredDistributedCache(
            provider.GetRequiredKeyedService<IDistributedCache>(RedisCacheKey),
            provider.GetRequiredService<RedisMetrics>()));
    }

    /// <summary>Redis answers PING.</summary>
    private sealed class RedisReadiness(IConnectionMultiplexer redis, RedisMetrics metrics) : IReadinessCheck
    {
        public string Name => "redis";

        public async ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken)
        {
            try
            {
                await metrics.MeasureAsync("ping", () => redis.GetDatabase().PingAsync());
                return true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return false;
            }
        }
    }
}
