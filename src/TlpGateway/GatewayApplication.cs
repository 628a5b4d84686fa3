using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Filtering;
using TlpGateway.Health;
using TlpGateway.Ingress;
using TlpGateway.Members;
using TlpGateway.Redis;
using TlpGateway.Requests;
using TlpGateway.Startup;
using TlpGateway.Telemetry;
using TlpGateway.Upstream;

namespace TlpGateway;

/// <summary>Builds the gateway's web application: used by <c>Program</c>, the tests and the demo alike.</summary>
/// <remarks>
/// Every start-up mistake surfaces here, before anything listens, as an exception that
/// <see cref="StartupError"/> turns into one line:
/// <list type="number">
/// <item>Refuse to run without Unicode normalisation.</item>
/// <item>Poll configuration files when no file watcher can be had.</item>
/// <item>Read configuration; relative paths resolve against the current directory, <c>appsettings.json</c> comes from the program's folder.</item>
/// <item>Check the <c>Gateway</c> options YARP and the network lists are built from.</item>
/// <item>Register every part, build, and map the pipeline.</item>
/// <item>Validate every part's options and load the members file, then log what is in force.</item>
/// </list>
/// </remarks>
internal static class GatewayApplication
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) => Build(args, configure, UseGatewayPipeline);

    /// <param name="args">The configuration arguments.</param>
    /// <param name="configure">Changes to the builder (the tests').</param>
    /// <param name="pipeline">The proxy pipeline: <see cref="UseGatewayPipeline"/>, except in the load harness, which times its parts apart.</param>
    internal static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure, Action<IReverseProxyApplicationBuilder> pipeline)
    {
        // :: Step 1
        if (!Tlp.TagName.NormalisationAvailable)
        {
            // Without ICU, "ｔｌｐ：ｒｅｄ" would not read as tlp:red: the gateway would judge tags differently from what they say.
            throw new StartupException("Unicode normalisation is unavailable (ICU missing): install libicu (Debian: apt-get install libicu-dev, or the libicuNN package); the gateway cannot compare tag names without it");
        }

        // :: Step 2
        var polling = ConfigurationWatching.UsePollingWhenWatchersUnavailable(AppContext.BaseDirectory);

        // :: Step 3
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);

        // A failure to start is reported once, as one line, by the caller: not also as the host's stack
        // trace. The rule names the host's category only: a rule for every category would take the
        // place of the configured levels (Logging:LogLevel) and let everything through.
        var started = new StrongBox<bool>();
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level >= LogLevel.Warning && (started.Value || level < LogLevel.Error));

        // :: Step 4
        var section = builder.Configuration.GetSection(GatewayOptions.SectionName);
        builder.Services.AddValidatedOptions<GatewayOptions>(builder.Configuration, GatewayOptions.SectionName);

        // YARP's route table is built from the options at registration, so they are checked here rather than at first use.
        var options = section.Get<GatewayOptions>() ?? new GatewayOptions();
        var validation = new DataAnnotationValidateOptions<GatewayOptions>(null).Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(GatewayOptions.SectionName, typeof(GatewayOptions), validation.Failures);
        }

        _ = NetworkList.Parse(options.TrustedProxies, "Gateway:TrustedProxies");
        _ = NetworkList.Parse(options.HealthNetworks, "Gateway:HealthNetworks");

        // :: Step 5

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMispUpstream(options);
        builder.Services.AddGatewayCache(builder.Configuration);
        builder.Services.AddMembersRegistry();
        builder.Services.AddAuditTrail(builder.Configuration);
        builder.Services.AddTlpFiltering(builder.Configuration);
        builder.Services.AddGatewayHealth();
        builder.Services.AddRequestModel();
        builder.Services.AddIngressRules(builder.Configuration);
        builder.AddGatewayTelemetry();
        builder.Services.AddAdmission(builder.Configuration);

        var app = builder.Build();
        app.MapGatewayHealth();
        app.MapGatewayMetrics();
        app.MapReverseProxy(pipeline);

        // :: Step 6
        app.Services.GetService<IStartupValidator>()?.Validate();
        _ = app.Services.GetRequiredService<MembersRegistryProvider>();
        StartupLog.Write(app, polling);
        app.Lifetime.ApplicationStarted.Register(() => started.Value = true);
        return app;
    }

    /// <summary>The gateway's proxy pipeline: the request's rules, then the egress filter around MISP's answer.</summary>
    internal static void UseGatewayPipeline(IReverseProxyApplicationBuilder pipeline)
    {
        UseRequestRules(pipeline);
        pipeline.UseTlpFiltering();
    }

    /// <summary>Everything the gateway runs before the egress filter (alone only in the load harness's row for the pipeline without the filter).</summary>
    internal static void UseRequestRules(IReverseProxyApplicationBuilder pipeline)
    {
        // Outermost, so its error bodies never pass through the gateway's own rules.
        pipeline.UseMiddleware<UpstreamErrorMiddleware>();
        pipeline.UseAdmission();
        pipeline.UseRequestModel();
        pipeline.UseIngressRules();
    }
}
