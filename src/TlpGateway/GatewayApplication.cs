using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Filtering;
using TlpGateway.Health;
using TlpGateway.Ingress;
using TlpGateway.Members;
using TlpGateway.Redis;
using TlpGateway.Requests;
using TlpGateway.Telemetry;
using TlpGateway.Upstream;

namespace TlpGateway;

/// <summary>Builds the gateway's web application: used by <c>Program</c>, the tests and the demo alike.</summary>
internal static class GatewayApplication
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        if (!Tlp.TagName.NormalisationAvailable)
        {
            // Without ICU, "ｔｌｐ：ｒｅｄ" would not read as tlp:red: the gateway would judge tags differently from what they say.
            throw new InvalidOperationException("Unicode normalisation is unavailable (ICU missing): install libicu; the gateway cannot compare tag names without it.");
        }

        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var section = builder.Configuration.GetSection(GatewayOptions.SectionName);
        builder.Services.AddValidatedOptions<GatewayOptions>(builder.Configuration, GatewayOptions.SectionName);

        // YARP's route table is built from the options at registration, so they are checked here rather than at first use.
        var options = section.Get<GatewayOptions>() ?? new GatewayOptions();
        var validation = new DataAnnotationValidateOptions<GatewayOptions>(null).Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(GatewayOptions.SectionName, typeof(GatewayOptions), validation.Failures);
        }

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
        app.MapReverseProxy(pipeline =>
        {
            // Outermost, so its error bodies never pass through the gateway's own rules.
            pipeline.UseMiddleware<UpstreamErrorMiddleware>();
            pipeline.UseAdmission();
            pipeline.UseRequestModel();
            pipeline.UseIngressRules();
            pipeline.UseTlpFiltering();
        });
        return app;
    }
}
