using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Errors;
using TlpGateway.Ingress;
using TlpGateway.Members;

namespace TlpGateway.Filtering;

/// <summary>
/// The egress rules (SPEC sections 3, 5, 7): shapes the request so MISP's answer can be judged
/// (no compression, no ETag replay, local tags and event tags included, full index rows), refuses
/// what cannot be judged, and runs the answer through <see cref="FilteringBody"/>.
/// </summary>
internal sealed class TlpFilterMiddleware(
    RequestDelegate next,
    IMembersRegistryProvider registry,
    IOptions<FilterOptions> options,
    EventAccessLookup events,
    FilterMetrics metrics,
    IAuditTrail audit,
    TimeProvider timeProvider,
    ILogger<TlpFilterMiddleware> logger)
{
    private static readonly string[] JsonFormats = ["json"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (await RequesterFeature.RequireAsync(context) is not { } requester)
        {
            return;
        }

        var request = context.Request;
        var route = MispRoute.Parse(request.Path.Value ?? "/");

        // What the client could use to make MISP answer in a way the filter cannot judge. (Accept-Encoding
        // is removed from what is forwarded only: the client's answer is compressed after filtering.)
        request.Headers.Remove(HeaderNames.IfNoneMatch);
        request.Headers.Remove(HeaderNames.IfModifiedSince);
        request.Headers.Remove(HeaderNames.Range);

        if (route.Is("events", "checkuuid"))
        {
            await RefuseAsync(context, requester, StatusCodes.Status403Forbidden, "checkuuid", "/events/checkuuid would tell whether an event exists: it is not served through the gateway.");
            return;
        }

        var shaping = await ShapeRequestAsync(context, route);
        if (shaping.Refusal is { } refusal)
        {
            await RefuseAsync(context, requester, refusal.Status, refusal.Reason, refusal.Message);
            return;
        }

        // HEAD of an event answers what GET would (SPEC section 6): MISP is asked with GET and the body judged, then dropped.
        var headOnly = HttpMethods.IsHead(request.Method) && route.Is("events", "view");
        if (headOnly)
        {
            request.Method = HttpMethods.Get;
        }

        var filterContext = new FilterContext
        {
            Requester = requester,
            Community = registry.Current.Community,
            ExcludeLocalTags = shaping.ExcludeLocalTags,
            StripInheritedTags = shaping.StripInheritedTags,
            MinimalIndex = shaping.MinimalIndex,
            KnownEvents = new(StringComparer.OrdinalIgnoreCase),
            MaxCorrelationLookups = options.Value.MaxCorrelationLookups,
        };
        using var activity = Telemetry.GatewayActivities.Source.StartActivity("tlpgateway.filter");
        activity?.SetTag(Telemetry.GatewayActivities.MemberTag, requester.Member.Id);
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var body = new FilteringBody(context, original, filterContext, events, options.Value, metrics, audit, timeProvider, logger)
        {
            HeadOnly = headOnly,
            IsWrite = !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method),
        };
        context.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(context);
            if (headOnly)
            {
                request.Method = HttpMethods.Head;
            }

            if (context.Features.Get<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>() is { Error: not Yarp.ReverseProxy.Forwarder.ForwarderError.None })
            {
                // MISP failed or was too slow: the upstream error answer says so, there is nothing to filter.
                return;
            }

            await body.FinishAsync();
            activity?.SetTag(Telemetry.GatewayActivities.DecisionTag, context.Response.StatusCode == StatusCodes.Status404NotFound ? "withheld" : "filtered");
        }
        finally
        {
            context.Features.Set(original);
        }
    }

    private readonly record struct Refusal(int Status, string Reason, string Message);

    private readonly record struct Shaping(Refusal? Refusal, bool ExcludeLocalTags, bool StripInheritedTags, bool MinimalIndex);

    /// <summary>Rewrites path, query and JSON body so MISP answers in a shape the filter can judge.</summary>
    private async Task<Shaping> ShapeRequestAsync(HttpContext context, MispRoute route)
    {
        var request = context.Request;
        if (route.Extension is { } extension && extension != "json")
        {
            return new Shaping(new Refusal(StatusCodes.Status406NotAcceptable, "format-not-json", $"The '.{extension}' format cannot be checked against the sharing rules; ask for JSON."), false, false, false);
        }

        JsonObject? body = null;
        var bodyChanged = false;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var read = await ReadJsonBodyAsync(request, context.RequestAborted);
            if (read.Refusal is not null)
            {
                return new Shaping(read.Refusal, false, false, false);
            }

            body = read.Body;
        }

        var format = route.Named("returnFormat") ?? QueryValue(request, "returnFormat") ?? (string?)(body?["returnFormat"] as JsonValue);
        if (route.Action == "restsearch" && route.Segments.Count > 0 && !route.Segments[0].Contains(':', StringComparison.Ordinal))
        {
            // MISP also takes the format as the first positional parameter of restSearch.
            format ??= route.Segments[0];
        }

        if (format is not null && !JsonFormats.Contains(format.Trim().ToLowerInvariant()))
        {
            return new Shaping(new Refusal(StatusCodes.Status406NotAcceptable, "format-not-json", $"returnFormat '{format}' cannot be checked against the sharing rules; only JSON is served."), false, false, false);
        }

        // Local tags count for the decision: MISP is never asked to leave them out.
        var excludeLocalTags = IsSet(route.Named("excludeLocalTags")) || IsSet(QueryValue(request, "excludeLocalTags")) || IsSet(body?["excludeLocalTags"]?.ToString());
        var dropNamed = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "excludeLocalTags" };
        bodyChanged |= body?.Remove("excludeLocalTags") == true;

        // Attribute rows are judged by their event's tags.
        var stripInherited = false;
        if (route.Is("attributes", "restsearch"))
        {
            var asked = IsSet(route.Named("includeEventTags")) || IsSet(body?["includeEventTags"]?.ToString()) || IsSet(QueryValue(request, "includeEventTags"));
            stripInherited = !asked;
            if (!asked)
            {
                if (HttpMethods.IsPost(request.Method) || body is not null)
                {
                    body ??= [];
                    body["includeEventTags"] = 1;
                    bodyChanged = true;
                }
                else
                {
                    request.Path = request.Path.Value!.TrimEnd('/') + "/includeEventTags:1";
                }
            }
        }

        // Minimal index rows carry no tags: the gateway asks for full rows and answers in the minimal shape.
        var minimal = false;
        if (route.Is("events", "index"))
        {
            minimal = IsSet(route.Named("minimal")) || IsSet(body?["minimal"]?.ToString()) || IsSet(QueryValue(request, "minimal"));
            dropNamed.Add("minimal");
            bodyChanged |= body?.Remove("minimal") == true;
        }

        request.Path = route.PathWithout(request.Path.Value!, dropNamed.Contains);
        if (request.QueryString.HasValue)
        {
            var query = QueryHelpers.ParseQuery(request.QueryString.Value);
            if (query.Keys.Any(dropNamed.Contains))
            {
                request.QueryString = QueryString.Create(query.Where(p => !dropNamed.Contains(p.Key)).SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))));
            }
        }

        if (bodyChanged && body is not null)
        {
            RequestBody.Replace(request, JsonSerializer.SerializeToUtf8Bytes(body));
        }

        return new Shaping(null, excludeLocalTags, stripInherited, minimal);
    }

    private readonly record struct BodyRead(JsonObject? Body, Refusal? Refusal);

    /// <summary>Reads a search body the gateway may have to rewrite; what is not a JSON object carries no search parameters.</summary>
    private async Task<BodyRead> ReadJsonBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (bytes, refusal) = await RequestBody.ReadAsync(request, options.Value.MaxRequestBodyBytes, cancellationToken);
        if (refusal is { } refused)
        {
            return new BodyRead(null, new Refusal(refused.Status, refused.Reason, refused.Message));
        }

        if (bytes is null || bytes.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return new BodyRead(null, null);
        }

        try
        {
            return new BodyRead(JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject, null);
        }
        catch (JsonException)
        {
            return new BodyRead(null, new Refusal(StatusCodes.Status400BadRequest, "body-not-json", "The request body is not valid JSON."));
        }
    }

    private static string? QueryValue(HttpRequest request, string name)
    {
        foreach (var (key, value) in request.Query)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value.ToString();
            }
        }

        return null;
    }

    private static bool IsSet(string? value) => value is not null && value.Trim() is not ("" or "0" or "false" or "False");

    private async Task RefuseAsync(HttpContext context, Requester requester, int status, string reason, string message)
    {
        metrics.Refused(reason);
        audit.Write(AuditRecord.For(context, timeProvider, "refused", reason, requester.Member.Id));
        var name = status switch
        {
            StatusCodes.Status406NotAcceptable => "Not Acceptable",
            StatusCodes.Status413PayloadTooLarge => "Payload Too Large",
            StatusCodes.Status415UnsupportedMediaType => "Unsupported Media Type",
            StatusCodes.Status400BadRequest => "Bad Request",
            _ => "Forbidden",
        };
        await MispError.WriteAsync(context, status, name, message);
    }
}
