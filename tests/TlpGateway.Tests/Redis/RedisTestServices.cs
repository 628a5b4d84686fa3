using Microsoft.Extensions.Logging;
using TlpGateway.Redis;

namespace TlpGateway.Tests.Redis;

/// <summary>The gateway's Redis services as <c>GatewayApplication</c> composes them, for one Redis endpoint: one "replica".</summary>
internal static class RedisTestServices
{
    public static ServiceProvider Build(string endpoint, Action<IDictionary<string, string?>>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Redis"] = endpoint,

            // Short backoffs: the tests stop and start Redis and wait for the client to come back. Long
            // connect and command timeouts: a Redis that is up is connected before the services are used,
            // and answers, however loaded the machine (one that is down refuses at once; no test waits
            // for a command to time out).
            ["Gateway:RedisOptions:ConnectTimeout"] = "00:00:10",
            ["Gateway:RedisOptions:CommandTimeout"] = "00:00:05",
            ["Gateway:RedisOptions:ReconnectBackoff"] = "00:00:00.050",
            ["Gateway:RedisOptions:MaxReconnectBackoff"] = "00:00:01",
        };
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddFakeLogging())
            .AddMetrics()
            .AddSingleton(TimeProvider.System);
        services.AddGatewayCache(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Waits up to 20 s (a loaded 2-core machine) for <paramref name="condition"/>; fails the test otherwise.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                // Redis is coming back.
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{what} did not happen within 20 s");
    }

    public static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);
}
