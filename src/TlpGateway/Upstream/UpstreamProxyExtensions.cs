using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace TlpGateway.Upstream;

/// <summary>Registers YARP with one route to the MISP at <c>Gateway:Upstream</c>.</summary>
internal static class UpstreamProxyExtensions
{
    public const string RouteId = "misp";
    public const string ClusterId = "misp";

    public static IServiceCollection AddMispUpstream(this IServiceCollection services, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var route = new RouteConfig
        {
            RouteId = RouteId,
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = "/{**catch-all}" },
        };
        var cluster = new ClusterConfig
        {
            ClusterId = ClusterId,
            Destinations = new Dictionary<string, DestinationConfig>
            {
                ["misp"] = new() { Address = options.Upstream!.ToString() },
            },
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = options.UpstreamTimeout },
        };

        services.AddReverseProxy()
            .LoadFromMemory([route], [cluster])
            .ConfigureHttpClient((_, handler) => UpstreamCertificate.Configure(handler, options))
            .AddTransforms(context =>
            {
                // A MISP session cookie would let MISP act on an identity other than the one the gateway judged.
                context.AddResponseHeaderRemove("Set-Cookie");

                // The filter reads MISP's answers as they are: MISP is never asked to compress them.
                context.AddRequestHeaderRemove("Accept-Encoding");
            });

        return services;
    }
}
