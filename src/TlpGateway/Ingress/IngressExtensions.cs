using TlpGateway.Curation;

namespace TlpGateway.Ingress;

/// <summary>Registers and runs the rules on the way in.</summary>
internal static class IngressExtensions
{
    public static IServiceCollection AddIngressRules(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<IngressOptions>(configuration, IngressOptions.SectionName);
        services.AddValidatedOptions<CurationOptions>(configuration, CurationOptions.SectionName);
        services.AddSingleton<IngressMetrics>();
        services.AddSingleton<WriteTargetJudge>();
        services.AddSingleton<SightingListJudge>();
        return services;
    }

    /// <summary>Runs after admission and before the egress filter.</summary>
    public static IReverseProxyApplicationBuilder UseIngressRules(this IReverseProxyApplicationBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.UseMiddleware<IngressMiddleware>();
        return pipeline;
    }
}
