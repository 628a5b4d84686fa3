using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TlpGateway.Admission;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace TlpGateway.Upstream;

/// <summary>Registers YARP with one route to the MISP at <c>Gateway:Upstream</c>, and what crosses it.</summary>
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

        // Kestrel's own Server header would tell a gateway-made answer from a relayed one.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        services.AddReverseProxy()
            .LoadFromMemory([route], [cluster])
            .ConfigureHttpClient((_, handler) => UpstreamCertificate.Configure(handler, options))
            .AddTransforms(context =>
            {
                // MISP is told nothing the gateway did not judge: not the client's address or the gateway's host
                // (Forwarded, X-Forwarded-*, X-Real-IP), not a compression of its answers (the filter reads them as
                // they are), nor any header it could read otherwise (ForwardedRequestHeaders).
                context.UseDefaultForwarders = false;

                // Of MISP's answer only the headers the gateway understands pass, on every answer, MISP's errors
                // included: not a session cookie (MISP would act on an identity the gateway did not judge), not
                // what describes the unfiltered answer or MISP's server; and no trailers.
                context.CopyResponseHeaders = false;
                context.CopyResponseTrailers = false;
                context.AddResponseTransform(static transform =>
                {
                    if (transform.ProxyResponse is { } answer)
                    {
                        AnswerHeaders.Copy(answer, transform.HttpContext.Response.Headers);
                    }

                    return ValueTask.CompletedTask;
                });

                context.AddRequestTransform(static request =>
                {
                    ForwardedRequestHeaders.KeepUnderstood(request.ProxyRequest);
                    request.ProxyRequest.RequestUri = MispRequestUri.For(request.DestinationPrefix, request.Path, request.Query.QueryString);
                    return ValueTask.CompletedTask;
                });
                context.AddResponseTransform(ForgetRefusedKeyAsync);
            });

        // YARP registers Data Protection for its session affinity cookies, which the one cluster does not
        // use; Data Protection would make a key ring at start all the same (its hosted service), with a
        // key file under $HOME, unencrypted, and a warning in the log, for keys nothing reads. The
        // affinity policies get a provider whose keys live in memory only.
        var dataProtection = typeof(DataProtectionOptions).Assembly;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType?.Assembly == dataProtection)
            {
                services.RemoveAt(i);
            }
        }

        services.Replace(ServiceDescriptor.Singleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider()));

        return services;
    }

    /// <summary>
    /// MISP refused the key the gateway admitted (a deleted key, a user moved or disabled): its cached
    /// identity is dropped at once, so the next request is judged by what MISP says now.
    /// </summary>
    private static async ValueTask ForgetRefusedKeyAsync(ResponseTransformContext context)
    {
        if (context.ProxyResponse is not { } response || context.HttpContext.Features.Get<RequesterFeature>() is not { } admitted)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var refused = status == StatusCodes.Status401Unauthorized
            || (status is >= 300 and < 400 && response.Headers.Location?.OriginalString.Contains("/users/login", StringComparison.OrdinalIgnoreCase) == true);
        if (status == StatusCodes.Status403Forbidden && response.Content.Headers.ContentLength is null or < 64 * 1024)
        {
            // Buffered, so the answer still reaches the client whole.
            await response.Content.LoadIntoBufferAsync(64 * 1024, context.HttpContext.RequestAborted);
            refused = (await response.Content.ReadAsStringAsync(context.HttpContext.RequestAborted)).Contains("Authentication failed", StringComparison.Ordinal);
        }

        if (refused)
        {
            await context.HttpContext.RequestServices.GetRequiredService<IIdentityResolver>().ForgetAsync(admitted.Requester.ApiKey, context.HttpContext.RequestAborted);
        }
    }
}
