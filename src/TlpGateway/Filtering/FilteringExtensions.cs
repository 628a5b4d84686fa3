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
        services.AddSingleton<LargeRecordLimit>();

        // Clients that accept gzip or br get the filtered answer compressed (never before the filter).
        // Over HTTPS too: the API key travels in a header, so no other site can make a client send
        // requests of its choosing, which a compression side channel (BREACH) needs.
        services.AddResponseCompression(options => options.EnableForHttps = true);
        return services;
    }

    /// <summary>Runs after admission, so it knows the requester, and wraps MISP's answer (inside the compression of what it lets out).</summary>
    public static IReverseProxyApplicationBuilder UseTlpFiltering(this IReverseProxyApplicationBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.UseResponseCompression();
        pipeline.UseMiddleware<TlpFilterMiddleware>();
        return pipeline;
    }
}
