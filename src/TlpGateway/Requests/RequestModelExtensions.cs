namespace TlpGateway.Requests;

/// <summary>Registers and runs the request model.</summary>
internal static class RequestModelExtensions
{
    public static IServiceCollection AddRequestModel(this IServiceCollection services)
    {
        services.AddSingleton<RequestMetrics>();
        return services;
    }

    /// <summary>Runs after admission (it needs the requester) and before the rules on the way in and out.</summary>
    public static IReverseProxyApplicationBuilder UseRequestModel(this IReverseProxyApplicationBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.UseMiddleware<RequestModelMiddleware>();
        return pipeline;
    }
}
