using TlpGateway.Errors;
using Yarp.ReverseProxy.Forwarder;

namespace TlpGateway.Upstream;

/// <summary>
/// Turns YARP's bodiless 502/504 into MISP-style error bodies that say what happened,
/// so an analyst sees "MISP is unreachable" rather than an empty answer.
/// </summary>
internal sealed partial class UpstreamErrorMiddleware(RequestDelegate next, ILogger<UpstreamErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null || error.Error == ForwarderError.None)
        {
            return;
        }

        LogUpstreamError(logger, error.Error, context.Response.StatusCode);
        if (context.Response.HasStarted)
        {
            return;
        }

        switch (error.Error)
        {
            case ForwarderError.RequestTimedOut:
                await MispError.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "Gateway Timeout", "MISP did not answer within the gateway's timeout.");
                break;
            case ForwarderError.RequestCanceled:
            case ForwarderError.RequestBodyCanceled:
            case ForwarderError.RequestBodyClient:
                // The client went away or sent a broken body: nothing useful to tell it.
                break;
            default:
                if (context.Response.StatusCode == StatusCodes.Status504GatewayTimeout)
                {
                    await MispError.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "Gateway Timeout", "MISP did not answer within the gateway's timeout.");
                }
                else
                {
                    await MispError.WriteAsync(context, StatusCodes.Status502BadGateway, "Bad Gateway", "MISP is unreachable or gave an invalid answer.");
                }

                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream MISP request failed: {Error}, answered {StatusCode}")]
    private static partial void LogUpstreamError(ILogger logger, ForwarderError error, int statusCode);
}
