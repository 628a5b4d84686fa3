using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
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
            .ConfigureHttpClient((_, handler) =>
            {
                // The gateway must see MISP's bytes as they are; it never lets the handler decompress or follow redirects.
                handler.AutomaticDecompression = System.Net.DecompressionMethods.None;
                handler.AllowAutoRedirect = false;
                if (options.UpstreamCertificate is { } pemPath)
                {
                    handler.SslOptions.RemoteCertificateValidationCallback = CreateValidator(pemPath);
                }
            })
            .AddTransforms(context =>
            {
                // A MISP session cookie would let MISP act on an identity other than the one the gateway judged.
                context.AddResponseHeaderRemove("Set-Cookie");
            });

        return services;
    }

    /// <summary>Trusts the certificates (or CA) in a PEM file, for an https MISP with a private CA.</summary>
    private static RemoteCertificateValidationCallback CreateValidator(string pemPath)
    {
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(Path.GetFullPath(pemPath));
        return (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }
}
