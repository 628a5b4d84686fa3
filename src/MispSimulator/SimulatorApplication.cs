namespace MispSimulator;

/// <summary>Builds the MISP simulator's web application (used by Program, the tests, the demo and the benchmarks).</summary>
public static class SimulatorApplication
{
    public static WebApplication Build(string[] args, SimulatorState? state = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton(state ?? new SimulatorState());
        var app = builder.Build();
        var simulator = app.Services.GetRequiredService<SimulatorState>();

        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            context.Request.Body.Position = 0;
            var headers = context.Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? string.Empty))).ToList();
            simulator.Record(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, buffer.ToArray()));
            if (simulator.Faults.ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(simulator.Faults.ResponseDelay, context.RequestAborted);
            }

            await next(context);
        });

        app.MapGet("/servers/getVersion", context =>
        {
            // MISP's own spelling of the content type, which Results.Text would normalise.
            context.Response.ContentType = "application/json; charset=UTF-8";
            return context.Response.WriteAsync("{\"version\":\"2.5.1\",\"pymisp_recommended_version\":\"2.5.1\",\"perm_sync\":false,\"perm_sighting\":true,\"perm_galaxy_editor\":true,\"perm_analyst_data\":true,\"uuid\":\"-\",\"request_encoding\":[\"gzip\"],\"filter_sightings\":true}");
        });
        return app;
    }
}
