using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using TlpGateway.Redis;
using TlpGateway.Shapes;
using TlpGateway.Upstream;

namespace TlpGateway.Admission;

/// <summary>What MISP's <c>/users/view/me</c> says about a key's holder (SPEC section 1.3).</summary>
internal sealed record MispIdentity(
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("termsAccepted")] bool TermsAccepted,
    [property: JsonPropertyName("orgUuid")] string OrgUuid,
    [property: JsonPropertyName("orgId")] string OrgId,
    [property: JsonPropertyName("permSync")] bool PermSync,
    [property: JsonPropertyName("permSiteAdmin")] bool PermSiteAdmin)
{
    /// <summary>Reads MISP's answer; null when it lacks what the gateway judges by, or holds it in a shape MISP does not write.</summary>
    public static MispIdentity? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("User", out var user) || user.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("Organisation", out var organisation) || organisation.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("Role", out var role) || role.ValueKind != JsonValueKind.Object
                || !user.TryGetProperty("email", out var email) || email.ValueKind != JsonValueKind.String
                || !organisation.TryGetProperty("uuid", out var orgUuid) || orgUuid.ValueKind != JsonValueKind.String
                || !MispUuid.IsWellFormed(orgUuid.GetString())
                || Flag(user, "termsaccepted") is not { } termsAccepted
                || Flag(role, "perm_sync") is not { } permSync
                || Flag(role, "perm_site_admin") is not { } permSiteAdmin)
            {
                return null;
            }

            return new MispIdentity(
                email.GetString()!,
                termsAccepted,
                orgUuid.GetString()!.ToLowerInvariant(),
                organisation.TryGetProperty("id", out var orgId) ? orgId.ToString() : string.Empty,
                permSync,
                permSiteAdmin);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string escaped as half a UTF-16 pair (GetString): an answer it cannot judge by.
            return null;
        }
    }

    // MISP writes these as JSON booleans; older versions wrote "1"/"0" or 1/0. Anything else (absent, null, "false",
    // which PHP reads as true, 1.0, a list) is a flag the gateway would have to guess at: null, and the answer is refused.
    private static bool? Flag(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetInt64(out var number) => number != 0,
            JsonValueKind.String => value.GetString() switch
            {
                "1" => true,
                "0" => false,
                _ => null,
            },
            _ => null,
        };
    }
}

/// <summary>The outcome of resolving a key.</summary>
internal enum IdentityOutcome
{
    Resolved,

    /// <summary>MISP does not accept the key (or its answer cannot be read).</summary>
    Rejected,
}

/// <summary>Resolves API keys to MISP identities, cached under a hash of the key for a bounded time.</summary>
internal interface IIdentityResolver
{
    /// <exception cref="MispUnavailableException">MISP could not be asked.</exception>
    ValueTask<(IdentityOutcome Outcome, MispIdentity? Identity)> ResolveAsync(string apiKey, CancellationToken cancellationToken);

    /// <summary>Drops the cached identity of <paramref name="apiKey"/> (MISP refused the key): the next request asks MISP again.</summary>
    ValueTask ForgetAsync(string apiKey, CancellationToken cancellationToken);
}

/// <summary>An identity as cached, with the time its entry expires (MISP is asked again from then on).</summary>
internal sealed record CachedIdentity(
    [property: JsonPropertyName("identity")] MispIdentity Identity,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt);

/// <remarks>
/// This process remembers the identities it resolved or read from the shared cache, each until its
/// shared entry expires, so a request neither waits for Redis nor reads JSON to learn what the
/// process already knew. Suspension and revocation are judged after the look-up, from the members
/// registry, so they still take effect at once; a key MISP refuses is forgotten here and in the cache.
/// </remarks>
internal sealed partial class IdentityResolver(
    IMispLookupClient misp,
    IDistributedCache cache,
    IOptions<AdmissionOptions> options,
    AdmissionMetrics metrics,
    TimeProvider timeProvider,
    ILogger<IdentityResolver> logger) : IIdentityResolver
{
    /// <summary>How many identities the process remembers: one per key in use, bounded against a flood of keys.</summary>
    internal const int MaxRemembered = 10_000;

    // Entries name their expiry: entries of the form before it are not read.
    private const string CacheKeyPrefix = "identity:v2:";

    private readonly ConcurrentDictionary<string, CachedIdentity> _remembered = new(StringComparer.Ordinal);

    /// <summary>How many identities the process remembers now.</summary>
    internal int RememberedCount => _remembered.Count;

    public async ValueTask<(IdentityOutcome Outcome, MispIdentity? Identity)> ResolveAsync(string apiKey, CancellationToken cancellationToken)
    {
        var keyHash = ApiKey.Hash(apiKey);
        var now = timeProvider.GetUtcNow();
        if (_remembered.TryGetValue(keyHash, out var remembered))
        {
            if (remembered.ExpiresAt > now)
            {
                metrics.CacheLookup("identity", hit: true);
                return (IdentityOutcome.Resolved, remembered.Identity);
            }

            _remembered.TryRemove(new KeyValuePair<string, CachedIdentity>(keyHash, remembered));
        }

        var cacheKey = CacheKeyPrefix + keyHash;
        var cached = await cache.TryGetJsonAsync<CachedIdentity>(cacheKey, CacheFailed, cancellationToken);
        if (cached is { Identity: not null } && cached.ExpiresAt > now)
        {
            Remember(keyHash, cached, now);
            metrics.CacheLookup("identity", hit: true);
            return (IdentityOutcome.Resolved, cached.Identity);
        }

        metrics.CacheLookup("identity", hit: false);
        var started = timeProvider.GetTimestamp();
        MispLookupResponse response;
        try
        {
            response = await misp.GetAsync("/users/view/me.json", apiKey, cancellationToken);
        }
        catch (MispUnavailableException)
        {
            metrics.IdentityLookup("unavailable", timeProvider.GetElapsedTime(started));
            throw;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            metrics.IdentityLookup("rejected", timeProvider.GetElapsedTime(started));
            return (IdentityOutcome.Rejected, null);
        }

        var identity = MispIdentity.Parse(response.Body);
        if (identity is null)
        {
            LogUnreadableIdentity(logger, keyHash[..12]);
            metrics.IdentityLookup("unreadable", timeProvider.GetElapsedTime(started));
            return (IdentityOutcome.Rejected, null);
        }

        metrics.IdentityLookup("resolved", timeProvider.GetElapsedTime(started));
        var duration = options.Value.IdentityCacheDuration;
        var entry = new CachedIdentity(identity, now + duration);
        await cache.TrySetJsonAsync(cacheKey, entry, duration, CacheFailed, cancellationToken);
        Remember(keyHash, entry, now);
        return (IdentityOutcome.Resolved, identity);
    }

    public async ValueTask ForgetAsync(string apiKey, CancellationToken cancellationToken)
    {
        var keyHash = ApiKey.Hash(apiKey);

        // Other replicas remember it until it expires, or until MISP refuses the key to them too (MISP checks the key of every forwarded request).
        _remembered.TryRemove(keyHash, out _);
        try
        {
            await cache.RemoveAsync(CacheKeyPrefix + keyHash, cancellationToken);
            LogForgotten(logger, keyHash[..12]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A replica that cannot reach the shared cache keeps the identity until it expires (IdentityCacheDuration).
            CacheFailed(ex);
        }
    }

    private void Remember(string keyHash, CachedIdentity entry, DateTimeOffset now)
    {
        if (_remembered.Count >= MaxRemembered)
        {
            foreach (var (hash, expired) in _remembered.Where(e => e.Value.ExpiresAt <= now))
            {
                _remembered.TryRemove(new KeyValuePair<string, CachedIdentity>(hash, expired));
            }

            if (_remembered.Count >= MaxRemembered)
            {
                // More keys in use at once than the bound: start again rather than track which is oldest.
                _remembered.Clear();
            }
        }

        _remembered[keyHash] = entry;
    }

    // A shared cache that is down only costs a look-up: MISP stays the authority.
    private void CacheFailed(Exception ex) => LogCacheFailure(logger, ex.GetType().Name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MISP's /users/view/me answer for key {KeyHash}… lacks the user, organisation or role: refused")]
    private static partial void LogUnreadableIdentity(ILogger logger, string keyHash);

    [LoggerMessage(Level = LogLevel.Information, Message = "MISP refused key {KeyHash}… on a proxied request: its cached identity is dropped")]
    private static partial void LogForgotten(ILogger logger, string keyHash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity cache unavailable ({Error}); asking MISP")]
    private static partial void LogCacheFailure(ILogger logger, string error);
}
