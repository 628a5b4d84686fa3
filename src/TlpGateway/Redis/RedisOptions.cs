using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace TlpGateway.Redis;

/// <summary>Redis for several replicas: <c>Gateway:Redis</c> (<c>host:port</c>) and <c>Gateway:RedisOptions</c>.</summary>
internal sealed class RedisOptions : IValidatableObject
{
    public const string SectionName = "Gateway:RedisOptions";

    /// <summary><c>host:port</c>, from <c>Gateway:Redis</c>.</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>ACL user name (Redis 6 and later); with <see cref="Password"/> only, the default user.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    public bool Tls { get; set; }

    /// <summary>Prefix of every key and channel the gateway uses, so Redis can be shared with other users.</summary>
    public string KeyPrefix { get; set; } = "tlpgw:";

    /// <summary>Time allowed for one command before it fails (and the cache is skipped).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time allowed for one connection attempt; also how long the start waits for Redis at most.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First delay before reconnecting after Redis was lost; later ones back off exponentially.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReconnectBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxReconnectBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The endpoint, or null when <see cref="Endpoint"/> is not <c>host</c> or <c>host:port</c>.</summary>
    public EndPoint? ParseEndpoint()
    {
        var text = Endpoint.Trim();
        var colon = text.LastIndexOf(':');
        var port = 6379;
        var host = text;

        // "[::1]:6380" and "redis:6380" name a port; a bare IPv6 address ("::1") does not.
        if (colon > 0 && (text.Count(c => c == ':') == 1 || text[colon - 1] == ']'))
        {
            if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                return null;
            }

            host = text[..colon];
        }

        host = host.Trim('[', ']');
        if (host.Length == 0 || host.Any(char.IsWhiteSpace) || host.Contains(','))
        {
            return null;
        }

        return IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
    }

    /// <summary>
    /// The client's configuration: never abort on a failed connect (SPEC section 10: Redis unreachable
    /// does not stop the start), fail commands at once while disconnected rather than queue them (a
    /// cache that is down costs a look-up in MISP, not a wait), reconnect in the background with backoff.
    /// </summary>
    public ConfigurationOptions ToConfiguration()
    {
        var endpoint = ParseEndpoint() ?? throw new InvalidOperationException($"'{Endpoint}' is not a Redis host:port.");
        var firstBackoff = Math.Max(Milliseconds(ReconnectBackoff), 1);
        return new ConfigurationOptions
        {
            EndPoints = { endpoint },
            User = string.IsNullOrEmpty(User) ? null : User,
            Password = string.IsNullOrEmpty(Password) ? null : Password,
            Ssl = Tls,
            ClientName = "tlpgateway",
            AbortOnConnectFail = false,
            ConnectRetry = 1,
            ConnectTimeout = Milliseconds(ConnectTimeout),
            AsyncTimeout = Milliseconds(CommandTimeout),
            SyncTimeout = Milliseconds(CommandTimeout),
            BacklogPolicy = BacklogPolicy.FailFast,
            ReconnectRetryPolicy = new ExponentialRetry(firstBackoff, Math.Max(Milliseconds(MaxReconnectBackoff), firstBackoff)),
        };
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ParseEndpoint() is null)
        {
            yield return new ValidationResult($"Gateway:Redis '{Endpoint}' is not host:port (for example redis:6379 or [::1]:6379).", [nameof(Endpoint)]);
        }

        if (!string.IsNullOrEmpty(User) && string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Gateway:RedisOptions:User needs Gateway:RedisOptions:Password.", [nameof(User)]);
        }
    }

    private static int Milliseconds(TimeSpan value) => (int)Math.Min(value.TotalMilliseconds, int.MaxValue);
}
