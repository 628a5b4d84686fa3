using Microsoft.Extensions.Options;

namespace TlpGateway.Upstream;

/// <summary>Registers the gateway's own look-ups in MISP (identity, event owners).</summary>
internal static class MispLookupExtensions
{
    public static IServiceCollection AddMispLookups(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<MispLookupOptions>(configuration, MispLookupOptions.SectionName);
        services.AddHttpClient(MispLookupClient.HttpClientName, (provider, client) =>
            {
                client.BaseAddress = provider.GetRequiredService<IOptions<GatewayOptions>>().Value.Upstream;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("TlpGateway/1.0");

                // The resilience pipeline times each attempt.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var handler = new SocketsHttpHandler();
                UpstreamCertificate.Configure(handler, provider.GetRequiredService<IOptions<GatewayOptions>>().Value);
                return handler;
            });
        services.AddSingleton<IMispLookupClient, MispLookupClient>();
        return services;
    }
}
