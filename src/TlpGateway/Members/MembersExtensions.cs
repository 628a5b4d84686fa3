namespace TlpGateway.Members;

/// <summary>Registers the members registry, loaded (and validated) when the gateway starts.</summary>
internal static class MembersExtensions
{
    public static IServiceCollection AddMembersRegistry(this IServiceCollection services)
    {
        services.AddSingleton<MembersRegistryProvider>();
        services.AddSingleton<IMembersRegistryProvider>(provider => provider.GetRequiredService<MembersRegistryProvider>());
        services.AddHostedService<MembersStartupCheck>();
        return services;
    }

    /// <summary>Loads the file at start, so an invalid one stops the gateway before it serves anything.</summary>
    /// <remarks>Constructing the provider reads and validates the file; an invalid file throws out of host start.</remarks>
    private sealed class MembersStartupCheck(MembersRegistryProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(provider);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
