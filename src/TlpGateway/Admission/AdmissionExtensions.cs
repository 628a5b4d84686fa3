using Microsoft.AspNetCore.HttpOverrides;
using TlpGateway.Upstream;

namespace TlpGateway.Admission;

/// <summary>Registers and runs admission (SPEC section 1).</summary>
internal static class AdmissionExtensions
{
    public static IServiceCollection AddAdmission(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<AdmissionOptions>(configuration, AdmissionOptions.SectionName);
        services.AddMispLookups(configuration);
        services.AddSingleton<ClientAddressResolver>();

        // The TCP peer is the client unless it is one of Gateway:TrustedProxies (ClientAddressResolver). ASP.NET Core's
        // own forwarded headers (ASPNETCORE_FORWARDEDHEADERS_ENABLED=true) would overwrite the peer with the
        // X-Forwarded-For of any peer before the network gate reads it: they are never applied.
        services.PostConfigure<ForwardedHeadersOptions>(options => options.ForwardedHeaders = ForwardedHeaders.None);
        services.AddSingleton<AdmissionMetrics>();
        services.AddSingleton(provider => new MemberRateLimiter(
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<AdmissionOptions>>(),
            provider.GetService<IRateLimitCounter>()));
        services.AddSingleton<IIdentityResolver, IdentityResolver>();
        return services;
    }

    /// <summary>Runs admission first in the proxy pipeline: nothing after it runs for a refused request.</summary>
    public static IReverseProxyApplicationBuilder UseAdmission(this IReverseProxyApplicationBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.UseMiddleware<AdmissionMiddleware>();
        return pipeline;
    }
}
