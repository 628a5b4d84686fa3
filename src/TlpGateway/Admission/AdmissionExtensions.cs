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
