namespace TlpGateway.Filtering;

/// <summary>Registers and runs the TLP egress filter.</summary>
internal static class FilteringExtensions
{
    public static IServiceCollection AddTlpFiltering(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<FilterOptions>(configuration, FilterOptions.SectionName);
        services.AddSingleton<FilterMetrics>();
        services.AddSingleton<EventAccessLookup>();
        return services;
    }

    /// <summary>Runs after admission, so it knows the requester, and wraps MISP's answer.</summary>
    public static IReverseProxyApplicationBuilder UseTlpFiltering(this IReverseProxyApplicationBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.UseMiddleware<TlpFilterMiddleware>();
        return pipeline;
    }
}
