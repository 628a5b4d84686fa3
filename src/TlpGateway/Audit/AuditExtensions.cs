namespace TlpGateway.Audit;

/// <summary>Registers the audit trail.</summary>
internal static class AuditExtensions
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<AuditOptions>(configuration, AuditOptions.SectionName);
        services.AddSingleton<JsonLinesAuditTrail>();
        services.AddSingleton<IAuditTrail>(provider => provider.GetRequiredService<JsonLinesAuditTrail>());
        return services;
    }
}
