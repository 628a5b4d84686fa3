using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using TlpGateway.Audit;
using TlpGateway.Errors;
using TlpGateway.Members;
using TlpGateway.Upstream;

namespace TlpGateway.Admission;

/// <summary>
/// Decides who is asking before anything reaches MISP (SPEC section 1): the network gate, the key,
/// the identity MISP gives it, the member entry and its state. Admitted requests carry a
/// <see cref="RequesterFeature"/> and reach MISP with only the judged key.
/// </summary>
internal sealed partial class AdmissionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IMembersRegistryProvider _registry;
    private readonly ClientAddressResolver _addresses;
    private readonly IIdentityResolver _identities;
    private readonly IAuditTrail _audit;
    private readonly AdmissionMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly MemberRateLimiter _rateLimiter;
    private readonly IMemberStateOverlay _published;
    private readonly ILogger<AdmissionMiddleware> _logger;

    public AdmissionMiddleware(
        RequestDelegate next,
        IMembersRegistryProvider registry,
        ClientAddressResolver addresses,
        IIdentityResolver identities,
        IAuditTrail audit,
        AdmissionMetrics metrics,
        TimeProvider timeProvider,
        MemberRateLimiter rateLimiter,
        IMemberStateOverlay published,
        ILogger<AdmissionMiddleware> logger)
    {
        _published = published;
        _next = next;
        _registry = registry;
        _addresses = addresses;
        _identities = identities;
        _audit = audit;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _rateLimiter = rateLimiter;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        using var activity = Telemetry.GatewayActivities.Source.StartActivity("tlpgateway.admission");
        var registry = _registry.Current;
        var address = _addresses.Resolve(context);
        if (address is null || !registry.IsKnownAddress(address))
        {
            await RefuseAsync(context, address, null, StatusCodes.Status403Forbidden, "address-not-allowed", "Your address is not registered with the gateway.");
            return;
        }

        if (HasMethodOverride(context.Request.Headers))
        {
            // CakePHP honours these headers: MISP would act on a method other than the one the gateway judged.
            await RefuseAsync(context, address, null, StatusCodes.Status403Forbidden, "method-override", "HTTP method overrides are not accepted: send the real method.");
            return;
        }

        switch (ApiKey.TryRead(context.Request.Headers, out var key))
        {
            case ApiKeyProblem.Missing:
                await RefuseAsync(context, address, null, StatusCodes.Status403Forbidden, "no-key", "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.");
                return;
            case ApiKeyProblem.Several:
                await RefuseAsync(context, address, null, StatusCodes.Status403Forbidden, "several-keys", "Several API keys were presented: send exactly one, in Authorization or X-MISP-AUTH.");
                return;
        }

        IdentityOutcome outcome;
        MispIdentity? identity;
        try
        {
            (outcome, identity) = await _identities.ResolveAsync(key, context.RequestAborted);
        }
        catch (MispUnavailableException ex)
        {
            LogIdentityUnavailable(_logger, ex.Message);
            await RefuseAsync(context, address, null, StatusCodes.Status503ServiceUnavailable, "identity-unavailable", "MISP cannot confirm your identity right now; try again shortly.");
            return;
        }

        if (outcome != IdentityOutcome.Resolved || identity is null)
        {
            await RefuseAsync(context, address, null, StatusCodes.Status403Forbidden, "key-rejected", "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.");
            return;
        }

        if (!TryJudgeMember(registry, identity, address, out var member, out var reason, out var message))
        {
            await RefuseAsync(context, address, member?.Id, StatusCodes.Status403Forbidden, reason, message);
            return;
        }

        var (allowed, retryAfter) = await _rateLimiter.TryAcquireAsync(member.Id, context.RequestAborted);
        if (!allowed)
        {
            await RefuseAsync(context, address, member.Id, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests from your organisation; slow down.", retryAfter);
            return;
        }

        var requester = new Requester
        {
            Member = member,
            Community = registry.Community,
            OrgUuid = identity.OrgUuid,
            OrgId = identity.OrgId,
            Email = identity.Email,
            IsSyncIdentity = IsSyncIdentity(identity, context.Request.Headers.UserAgent),
            IsSiteAdmin = identity.PermSiteAdmin,
            ApiKey = key,
        };
        context.Features.Set(new RequesterFeature(requester));
        ForwardOnlyJudgedKey(context.Request, key);
        _metrics.Admitted(member.Id);
        activity?.SetTag(Telemetry.GatewayActivities.MemberTag, member.Id).SetTag(Telemetry.GatewayActivities.DecisionTag, "admitted");
        activity?.Stop();
        await _next(context);
    }

    /// <summary>A MISP server: a sync role without site admin, or a <c>MISP 2.5.1</c>-style user agent (SPEC section 1.4).</summary>
    internal static bool IsSyncIdentity(MispIdentity identity, string? userAgent)
    {
        if (identity.PermSync && !identity.PermSiteAdmin)
        {
            return true;
        }

        return userAgent is { Length: > 5 } agent && agent.StartsWith("MISP ", StringComparison.Ordinal) && char.IsAsciiDigit(agent[5]);
    }

    private bool TryJudgeMember(
        MembersRegistry registry,
        MispIdentity identity,
        IPAddress address,
        [NotNullWhen(true)] out MemberEntry? member,
        out string reason,
        out string message)
    {
        member = registry.FindByOrgUuid(identity.OrgUuid) is { } entry ? _published.Apply(entry) : null;
        (reason, message) = (string.Empty, string.Empty);
        if (member is null)
        {
            (reason, message) = ("organisation-not-registered", "Your organisation is not registered with the gateway.");
            return false;
        }

        if (registry.Community.RequireAcceptedTerms && !identity.TermsAccepted)
        {
            (reason, message) = ("terms-not-accepted", "You have not accepted the community's terms: accept them in MISP first.");
            return false;
        }

        if (!member.Owns(address))
        {
            (reason, message) = ("address-not-member-network", "Your address is not in your organisation's registered networks.");
            return false;
        }

        switch (member.RefusalAt(_timeProvider.GetUtcNow()))
        {
            case "revoked":
                (reason, message) = ("revoked", "Your organisation's access has been revoked.");
                return false;
            case "suspended":
                (reason, message) = ("suspended", $"Your organisation's access is suspended until {member.SuspendedUntil!.Value.ToString("O", CultureInfo.InvariantCulture)}.");
                return false;
        }

        return true;
    }

    /// <summary>MISP sees exactly the key the gateway judged, and nothing else it could authenticate with.</summary>
    private static void ForwardOnlyJudgedKey(HttpRequest request, string key)
    {
        List<string>? carriers = null;
        foreach (var header in request.Headers)
        {
            if (ApiKey.CarriesKey(header.Key))
            {
                (carriers ??= []).Add(header.Key);
            }
        }

        foreach (var carrier in carriers ?? [])
        {
            request.Headers.Remove(carrier);
        }

        request.Headers.Cookie = default;
        request.Headers.Authorization = key;
        if (request.QueryString.HasValue)
        {
            var query = QueryHelpers.ParseQuery(request.QueryString.Value);
            if (query.Keys.Any(IsApiKeyParameter))
            {
                var kept = query.Where(p => !IsApiKeyParameter(p.Key)).SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
                request.QueryString = QueryString.Create(kept);
            }
        }
    }

    /// <summary>CakePHP's method overrides, under any spelling PHP reads as the same header.</summary>
    private static bool HasMethodOverride(IHeaderDictionary headers)
    {
        foreach (var header in headers)
        {
            if (ApiKey.HasPhpName(header.Key, "X_HTTP_METHOD_OVERRIDE") || ApiKey.HasPhpName(header.Key, "X_HTTP_METHOD") || ApiKey.HasPhpName(header.Key, "X_METHOD_OVERRIDE"))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsApiKeyParameter(string name) => string.Equals(name, "apikey", StringComparison.OrdinalIgnoreCase);

    private async Task RefuseAsync(HttpContext context, IPAddress? address, string? memberId, int statusCode, string reason, string message, TimeSpan? retryAfter = null)
    {
        _metrics.Refused(memberId, reason);
        System.Diagnostics.Activity.Current?.SetTag(Telemetry.GatewayActivities.MemberTag, memberId ?? "unknown").SetTag(Telemetry.GatewayActivities.DecisionTag, "refused:" + reason);
        _audit.Write(AuditRecord.For(context, _timeProvider, "refused", reason, memberId, address: address?.ToString() ?? "unknown"));
        var name = statusCode switch
        {
            StatusCodes.Status503ServiceUnavailable => "Service Unavailable",
            StatusCodes.Status429TooManyRequests => "Too Many Requests",
            _ => "Forbidden",
        };
        await MispError.WriteAsync(context, statusCode, name, message, retryAfter);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity look-up impossible: {Error}")]
    private static partial void LogIdentityUnavailable(ILogger logger, string error);
}
