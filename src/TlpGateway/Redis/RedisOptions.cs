using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace TlpGateway.Redis;

/// <summary>Redis for several replicas: <c>Gateway:Redis</c> (<c>host:port</c>) and <c>Gateway:RedisOptions</c>.</summary>
internal sealed class RedisOptions
{
    public const string SectionName = "Gateway:RedisOptions";

    /// <summary><c>host:port</c>, from <c>Gateway:Redis</c>.</summary>
    public string Endpoint { get; set; } = string.Empty;

    public string? User { get; set; }

    public string? Password { get; set; }

    public bool Tls { get; set; }

    /// <summary>Prefix of every key the gateway writes, so Redis can be shared with other users.</summary>
    public string KeyPrefix { get; set; } = "tlpgw:";

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReconnectBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxReconnectBackoff { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1024, 512L * 1024 * 1024)]
    public long MaxBulkBytes { get; set; } = 64L * 1024 * 1024;

    public (string Host, int Port) HostAndPort()
    {
        var colon = Endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(Endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (Endpoint[..colon].Trim('[', ']'), port)
            : (Endpoint, 6379);
    }
}
