using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Endpoints;
using TlpGateway.Errors;
using TlpGateway.Ingress;

namespace TlpGateway.Requests;

/// <summary>
/// Reads every admitted request the way MISP will read it, serves only the routes on the allowlist
/// (<see cref="EndpointCatalog"/>), and forwards its canonical rewrite (<see cref="CanonicalRequest"/>).
/// </summary>
/// <remarks>
/// The steps, in order; each refusal is a MISP-style error, an audit record and a metric:
/// <list type="number">
/// <item>the method: TRACE, TRACK, CONNECT and anything but GET, HEAD, POST, PUT and DELETE are refused (405), and a protocol upgrade (400);</item>
/// <item>the route, read from the raw request target as CakePHP's router reads it (400 when it cannot be);</item>
/// <item>the endpoint: a route not on the allowlist is refused for everyone (403), a method it does not serve 405,
/// and a MISP server of a member with <c>restrictSyncEndpoints</c> may use only the sync endpoints (403);</item>
/// <item>an API key in a named URL parameter is refused (403): MISP could authenticate with it; so is MISP's SQL log (<c>sql</c>);</item>
/// <item>the body, decoded and bounded, read as MISP reads it (<see cref="MispBody"/>; 400, 413, 415);</item>
/// <item>the format: anything but JSON, wherever MISP reads a format, is refused (406), except the exports the
/// gateway renders itself from the filtered JSON (<see cref="Exports.ExportRequest"/>);</item>
/// <item>what the egress filter must know (<see cref="ResponseExpectation"/>), from the parameters as MISP reads them,
/// the page asked for among them (<see cref="Paging.PageRequest"/>: released by the gateway, 400 when not a whole number);</item>
/// <item>the rewrite: path, query and search body rebuilt with the filter's parameters written once (an export's
/// search asks for JSON, with the filters MISP adds for that export), any other body but a write's content, and the passed
/// arguments, kept to what the action reads (<see cref="MispEndpoint.Body"/>, <see cref="MispEndpoint.PassedRead"/>; 400
/// where that cannot be); a HEAD is asked as GET.</item>
/// </list>
/// </remarks>
internal sealed class RequestModelMiddleware(
    RequestDelegate next,
    IOptions<IngressOptions> options,
    RequestMetrics metrics,
    IAuditTrail audit,
    TimeProvider timeProvider)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (await RequesterFeature.RequireAsync(context) is not { } requester)
        {
            return;
        }

        var request = context.Request;

        // :: Step 1 - the method.
        var method = request.Method;
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method)))
        {
            await RefuseAsync(context, requester, StatusCodes.Status405MethodNotAllowed, "method-not-served", $"The {method} method is not served through the gateway.");
            return;
        }

        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } || request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Upgrade))
        {
            // MISP's API switches no protocol, and a stream YARP tunnelled after a 101 would reach the client unfiltered.
            await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "upgrade-not-served", "Protocol upgrades (Upgrade, WebSocket) are not served through the gateway.");
            return;
        }

        // :: Step 2 - the route, from the target as sent (Kestrel's decoded path would hide %2F and %3A from the reading).
        var headOnly = HttpMethods.IsHead(method);
        var askedMethod = headOnly ? HttpMethods.Get : method;
        var route = MispRoute.Parse(RawPath(context), askedMethod);
        if (route is null)
        {
            await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "path-unreadable", "The request path cannot be read the way MISP would read it.");
            return;
        }

        // :: Step 3 - the endpoint.
        // The one passed parameter as MISP compares it ("me" === $id in UsersController::view: "ME" is a user id).
        var endpoint = EndpointCatalog.Find(route);
        if (endpoint is null || (endpoint.OnlyPassed is { } only && (route.Passed.Count != 1 || !string.Equals(route.Passed[0], only, StringComparison.Ordinal))))
        {
            await RefuseAsync(context, requester, StatusCodes.Status403Forbidden, "endpoint-not-served", $"/{route.Controller}/{route.Action} is not served through the gateway.");
            return;
        }

        if (!endpoint.Allows(method))
        {
            context.Response.Headers.Allow = string.Join(", ", endpoint.Methods);
            await RefuseAsync(context, requester, StatusCodes.Status405MethodNotAllowed, "method-not-served", $"{endpoint} is served for {string.Join(", ", endpoint.Methods)} only.");
            return;
        }

        if (requester.IsSyncIdentity && requester.Member.Rules.RestrictSyncEndpoints && !endpoint.Sync)
        {
            await RefuseAsync(context, requester, StatusCodes.Status403Forbidden, "sync-endpoint-not-allowed", $"A MISP server may use only the endpoints MISP pulls and pushes with; {endpoint} is not one of them.");
            return;
        }

        // :: Step 4 - a second identity in the path.
        if (route.Named.Any(p => string.Equals(p.Key, CanonicalRequest.ApiKeyParameter, StringComparison.OrdinalIgnoreCase)))
        {
            await RefuseAsync(context, requester, StatusCodes.Status403Forbidden, "apikey-in-path", "API keys in the URL are not accepted: send exactly one, in Authorization or X-MISP-AUTH.");
            return;
        }

        // RestResponseComponent answers MISP's SQL log beside (sql:1) or instead of (sql:2) the answer in debug
        // mode: the queries of the unfiltered answer, with the ids and UUIDs of what MISP fetched.
        if (route.Named.Any(p => string.Equals(p.Key, "sql", StringComparison.OrdinalIgnoreCase)))
        {
            await RefuseAsync(context, requester, StatusCodes.Status403Forbidden, "parameter-not-served", "MISP's SQL log tells what MISP fetched, whatever the requester may receive: it is not served through the gateway.");
            return;
        }

        // :: Step 5 - the body.
        var (bytes, bodyRefusal) = await RequestBody.ReadAsync(request, options.Value.MaxBodyBytes, context.RequestAborted);
        if (bodyRefusal is { } refused)
        {
            await RefuseAsync(context, requester, refused.Status, refused.Reason, refused.Message);
            return;
        }

        var (body, problem) = MispBody.Parse(request.ContentType, bytes);
        if (problem is { } unreadable)
        {
            await RefuseAsync(context, requester, unreadable.Status, unreadable.Reason, unreadable.Message);
            return;
        }

        if (body!.Root is not null && HttpMethods.IsGet(askedMethod))
        {
            await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "body-on-get", "A GET request carries no body: send the search as POST.");
            return;
        }

        if (body.Root is null && bytes is { Length: > 0 })
        {
            // Blank: PHP would still parse it under a form's content type into a field of its own.
            RequestBody.Replace(request, []);
            request.Headers.ContentType = default;
        }
        else if (body.Form == BodyForm.Json)
        {
            // MISP decodes JSON only under exactly this type, and PHP would parse the same bytes under another (a
            // form's, before a ',' or ' ') as something else: bytes forwarded as sent (a signed event) say what they were read as.
            request.ContentType = "application/json";
        }

        var model = new MispRequest
        {
            Route = route,
            Method = askedMethod,
            HeadOnly = headOnly,
            Query = request.QueryString.HasValue ? QueryHelpers.ParseQuery(request.QueryString.Value).SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty))).ToList() : [],
            Body = body,
            Endpoint = endpoint,
        };

        if (model.QueryReplacesPassedArguments)
        {
            await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "query-names-target", "MISP reads a uuid in the query string as the proposal to act on, in place of the path's id: name the proposal (or event, or attribute) by id in the path, with no query string.");
            return;
        }

        // :: Step 6 - the format: JSON, or an export the gateway renders from JSON; and step 7, what the filter must know.
        var (format, export) = RequestedFormat.Of(model, request.Headers.Accept);
        Exports.ExportRequest? exportRequest = null;
        if (format is not null && !export)
        {
            await RefuseAsync(context, requester, StatusCodes.Status406NotAcceptable, "format-not-json", $"The '{format}' format cannot be checked against the sharing rules: only JSON and the csv, text and stix2 exports of /events/restSearch and /attributes/restSearch are served.");
            return;
        }

        if (export)
        {
            (exportRequest, var exportProblem) = Exports.ExportRequest.Read(model, Exports.ExportFormats.Parse(format)!.Value);
            if (exportProblem is not null)
            {
                await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "export-parameter", exportProblem);
                return;
            }
        }

        Paging.ReleasePage? page = null;
        if (endpoint.Parameters.HasFlag(EndpointParameters.Paged))
        {
            (page, var pageProblem) = Paging.PageRequest.Read(model);
            if (pageProblem is not null)
            {
                await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "page-not-understood", pageProblem);
                return;
            }
        }

        var expectation = Expect(model, requester) with { Export = exportRequest, Page = page };
        if (endpoint.Parameters.HasFlag(EndpointParameters.LocalTags) && model.AllSpellings("extended").Any(PhpValue.IsTruthy))
        {
            // An extended view merges the events that extend this one into it, under this event's marking.
            await RefuseAsync(context, requester, StatusCodes.Status403Forbidden, "parameter-not-served", "Extended views merge other events into one and are not served through the gateway: ask for each event.");
            return;
        }

        if (endpoint.Search is RestSearchScope.Event && model.AllSpellings("extensionList").Any(PhpValue.IsTruthy))
        {
            // Event::fetchEvent lists every event that extends a result (id, uuid, info, source), whether the requester may receive it or not.
            await RefuseAsync(context, requester, StatusCodes.Status403Forbidden, "parameter-not-served", "Extension lists name events you may not receive and are not served through the gateway: search with eventsExtendingUuid instead.");
            return;
        }

        if (endpoint.Search is RestSearchScope.Event && model.AllSpellings("flatten").Any(PhpValue.IsTruthy))
        {
            // Event::fetchEvent then lists objects' attributes at the event's top and leaves the objects out: the
            // template, distribution and sharing group their rules and inheritance are judged by go with them.
            await RefuseAsync(context, requester, StatusCodes.Status403Forbidden, "parameter-not-served", "Flattened events leave out the objects their attributes belong to, which the sharing rules judge: search without flatten.");
            return;
        }

        if (endpoint.Search is not null && HttpMethods.IsPost(askedMethod) && model.Body.Root is null or JsonObject { Count: 0 } or JsonArray { Count: 0 })
        {
            // _harvestParameters refuses a POST without data before it reads the URL: the gateway's parameters must not turn it into a search of everything.
            await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "search-without-parameters", "Either specify the search terms in the url, or POST a json with the filter parameters.");
            return;
        }

        if (endpoint.Search is not null && HttpMethods.IsGet(askedMethod) && !model.HasUrlFilters())
        {
            // MISP's own answer (its filters are empty: unknown names and skipped ordered values are none); the gateway's parameters must not turn it into a search of everything.
            await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "search-without-parameters", "Restsearch queries using GET and no parameters are not allowed. If you have passed parameters via a JSON body, make sure you use POST requests.");
            return;
        }

        // :: Step 8 - the rewrite.
        var gatewayParameters = GatewayParameters(endpoint);
        if (exportRequest is not null)
        {
            // MISP is asked for JSON with the defaults it would have applied to this export, written before the
            // gateway's own parameters, where the same request read again has them (as the client's).
            gatewayParameters.InsertRange(0, exportRequest.DefaultFilters(model));
        }

        var path = CanonicalRequest.Path(model, gatewayParameters);
        if (path is null)
        {
            await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "path-unreadable", "A path parameter holds '%', '.' or '..' alone, which the gateway cannot forward unambiguously.");
            return;
        }

        request.Path = new PathString(path);

        // MISP's REST reads nothing of the query but for ShadowAttributesController's ?uuid=, which replaces the
        // proposal in the path the gateway judged; and CakeRequest::here() writes it into the url of MISP's error
        // bodies, where a withheld item's answer, written by the gateway, would lack it. Nothing unread is forwarded.
        request.QueryString = QueryString.Empty;
        request.Headers.Accept = "application/json";
        if (model.Body.Root is { } root && (endpoint.Write is null or { Effect: WriteEffect.None, Content: WriteContent.None } || endpoint.Body is not null || model.Body.Form == BodyForm.Form))
        {
            // A search body without the parameters the gateway writes itself; a body that is no search's (a read's, or a
            // write's that carries ids and flags alone) with only what its action reads, so the targets judged on the way
            // in are all it names; a form as the JSON it was read as. (A write's content is rewritten by the rules on the
            // way in, which may have to leave a signed event's bytes alone.)
            if (endpoint.Search is { } scope)
            {
                CanonicalRequest.KeepSearchFilters(root, scope);
            }
            else if (endpoint.Body is { } keys && CanonicalRequest.KeepBody(root, keys) is { } unread)
            {
                await RefuseAsync(context, requester, StatusCodes.Status400BadRequest, "body-not-understood", $"The request body cannot be read as MISP would read it: {unread}.");
                return;
            }

            CanonicalRequest.RemoveControlled(root, endpoint);
            if (endpoint.Search is not null && root is JsonObject { Count: 0 } emptied)
            {
                // MISP answers a POST search whose body is empty with 400: what was removed is said again, as the gateway says it.
                emptied["returnFormat"] = "json";
            }

            RequestBody.ReplaceWithJson(request, root);
        }

        if (headOnly)
        {
            request.Method = HttpMethods.Get;
        }

        context.Features.Set(expectation);
        context.Features.Set(model);
        metrics.Served(endpoint);
        try
        {
            await next(context);
        }
        finally
        {
            if (headOnly)
            {
                request.Method = HttpMethods.Head;
            }
        }
    }

    /// <summary>The parameters the gateway writes on an endpoint, as named parameters (read last by MISP); its own look-ups ask with them too.</summary>
    internal static List<KeyValuePair<string, string>> GatewayParameters(MispEndpoint endpoint)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        if (endpoint.Parameters.HasFlag(EndpointParameters.LocalTags) && endpoint.Search is not null)
        {
            // Event::fetchEvent leaves local tags out for a sync user unless asked: the gateway judges with them.
            // (events/view asks fetchEvent with excludeLocalTags false of its own accord once the client's spelling is gone.)
            parameters.Add(new("excludeLocalTags", "0"));
        }

        if (endpoint.Parameters.HasFlag(EndpointParameters.EventTags))
        {
            parameters.Add(new("includeEventTags", "1"));
        }

        if (endpoint.Parameters.HasFlag(EndpointParameters.MinimalClusters))
        {
            // Whole clusters, said as MISP's own filter ('0' is empty(): full clusters): a GET whose only filter was
            // minimal stays a search MISP answers, not one it refuses for having no parameters.
            parameters.Add(new("minimal", "0"));
        }

        if (endpoint.Search is RestSearchScope.Event or RestSearchScope.Attribute or RestSearchScope.Sighting)
        {
            parameters.Add(new("returnFormat", "json"));
        }

        return parameters;
    }

    /// <summary>What the client asked for, as MISP would have read it.</summary>
    private static ResponseExpectation Expect(MispRequest model, Requester requester)
    {
        var endpoint = model.Endpoint;
        var excludesLocalTags = false;
        if (endpoint.Parameters.HasFlag(EndpointParameters.LocalTags))
        {
            if (endpoint.Search is { } scope)
            {
                // Event::fetchEvent: unset means 1 for a sync user.
                var asked = model.SearchValue(scope, "excludeLocalTags");
                excludesLocalTags = asked is null ? requester.IsSyncIdentity : PhpValue.IsTruthy(asked);
            }
            else
            {
                // events/view reads the named parameter only, and defaults to false.
                excludesLocalTags = model.Route.NamedValue("excludeLocalTags")?.IsTruthy ?? false;
            }
        }

        return new ResponseExpectation
        {
            Answer = endpoint.Answer,
            ClientExcludesLocalTags = excludesLocalTags,
            StripInheritedTags = endpoint.Parameters.HasFlag(EndpointParameters.EventTags) && !PhpValue.IsTruthy(model.SearchValue(RestSearchScope.Attribute, "includeEventTags")),
            MinimalIndex = endpoint.Parameters.HasFlag(EndpointParameters.MinimalIndex) && model.AsksMinimalIndex(),
            MinimalClusters = endpoint.Parameters.HasFlag(EndpointParameters.MinimalClusters) && PhpValue.IsTruthy(model.SearchValue(RestSearchScope.GalaxyCluster, "minimal")),
            SelectsBySource = Provenance.SourceSelection.SelectsBySource(model),
            SelectsByContent = ContentSelection.SelectsByContent(model),
            HeadOnly = model.HeadOnly,
        };
    }

    /// <summary>The path as the client sent it, still percent-encoded.</summary>
    private static string RawPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || !raw.StartsWith('/'))
        {
            return context.Request.PathBase + context.Request.Path.ToUriComponent();
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? raw : raw[..query];
    }

    private async Task RefuseAsync(HttpContext context, Requester requester, int status, string reason, string message)
    {
        metrics.Refused(reason);
        audit.Write(AuditRecord.For(context, timeProvider, "refused", reason, requester.Member.Id));
        await MispError.WriteAsync(context, status, MispError.StatusName(status), message);
    }
}
