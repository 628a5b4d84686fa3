using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>One request as the simulator received it, so tests can assert what the gateway forwarded.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="PathAndQuery">Raw path and query string.</param>
/// <param name="Headers">Request headers (name, value), as received.</param>
/// <param name="Body">Request body bytes, as received.</param>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>The request target as sent, still percent-encoded (MISP's PHP decodes <c>+</c> in it as a space).</summary>
    public string RawTarget { get; init; } = string.Empty;

    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>An answer the simulator gives instead of MISP's, for the failure tests.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="ContentType">Content-Type header, or null for none.</param>
/// <param name="Body">Body bytes.</param>
public sealed record RawResponse(int StatusCode, string? ContentType, byte[] Body)
{
    /// <summary>A Content-Length to announce that differs from the body's, to simulate a broken upstream.</summary>
    public long? DeclaredLength { get; init; }

    /// <summary>Send this many body bytes, then stall until the client gives up.</summary>
    public int? StallAfterBytes { get; init; }

    /// <summary>A Content-Encoding header to send (the body is sent as given).</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>Drop the connection without answering.</summary>
    public bool AbortConnection { get; init; }

    /// <summary>A Location header to send (a redirect, or MISP's "event already exists").</summary>
    public string? Location { get; init; }
}

/// <summary>Misbehaviour the simulator can be told to show, for the failure tests.</summary>
public sealed class SimulatorFaults
{
    /// <summary>Delay before answering the requests <see cref="DelayWhen"/> selects (all when unset).</summary>
    public TimeSpan ResponseDelay { get; set; }

    public Func<RecordedRequest, bool>? DelayWhen { get; set; }

    /// <summary>When set, every request matching the predicate gets this answer.</summary>
    public Func<RecordedRequest, RawResponse?>? Override { get; set; }

    /// <summary>When set, headers added to the answer of every request (MISP's own, or an override), as a MISP configured otherwise or a proxy in front of it would send them.</summary>
    public Func<RecordedRequest, IEnumerable<KeyValuePair<string, string>>?>? ExtraHeaders { get; set; }
}

/// <summary>A seeded MISP user: its key and its <c>/users/view/me</c> answer.</summary>
public sealed record SimulatedUser(string Key, JsonObject ViewMe)
{
    public string Email => (string)ViewMe["User"]!["email"]!;

    public string OrgUuid => (string)ViewMe["Organisation"]!["uuid"]!;

    public string OrgId => (string)ViewMe["Organisation"]!["id"]!;

    public string OrgName => (string)ViewMe["Organisation"]!["name"]!;

    public bool PermSync => (bool)ViewMe["Role"]!["perm_sync"]!;

    public bool SiteAdmin => (bool)ViewMe["Role"]!["perm_site_admin"]!;
}

/// <summary>A generated <c>/events/restSearch</c> answer, for benchmarks and load tests.</summary>
/// <param name="Seed">Generator seed.</param>
/// <param name="TargetBytes">Approximate size of the answer.</param>
public sealed record GeneratedRestSearch(int Seed, long TargetBytes);

/// <summary>The simulator's mutable state, shared with the tests that host it.</summary>
public sealed class SimulatorState
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, SimulatedUser> _users = new(StringComparer.Ordinal);
    private readonly Lock _eventsLock = new();
    private readonly List<JsonObject> _events = [];

    public SimulatorState()
        : this(seed: true)
    {
    }

    public SimulatorState(bool seed)
    {
        if (seed)
        {
            SeedData.Seed(this);
        }
    }

    public SimulatorFaults Faults { get; } = new();

    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>When set, <c>/events/restSearch</c> streams generated events instead of the stored ones.</summary>
    public GeneratedRestSearch? Generated { get; set; }

    /// <summary>How many requests reached a path starting with <paramref name="pathPrefix"/> (case-insensitive).</summary>
    public int CountRequests(string pathPrefix) => _requests.Count(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));

    public void ClearRequests() => _requests.Clear();

    public SimulatedUser? FindUser(string key) => _users.GetValueOrDefault(key);

    public void AddUser(SimulatedUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        _users[user.Key] = user;
    }

    /// <summary>Adds a user like ORG_C's ordinary user, with the given key, e-mail, organisation and flags.</summary>
    public SimulatedUser AddUser(string key, string email, string orgUuid, string orgName, string orgId, bool permSync = false, bool siteAdmin = false, bool termsAccepted = true)
    {
        var template = _users.Values.First(u => !u.PermSync).ViewMe.DeepClone().AsObject();
        template["User"]!["email"] = email;
        template["User"]!["termsaccepted"] = termsAccepted;
        template["User"]!["org_id"] = orgId;
        template["Role"]!["perm_sync"] = permSync;
        template["Role"]!["perm_site_admin"] = siteAdmin;
        template["Organisation"]!["id"] = orgId;
        template["Organisation"]!["name"] = orgName;
        template["Organisation"]!["uuid"] = orgUuid;
        var user = new SimulatedUser(key, template);
        AddUser(user);
        return user;
    }

    /// <summary>The stored events (the inner <c>Event</c> objects), in id order; callers must not mutate them.</summary>
    public IReadOnlyList<JsonObject> Events
    {
        get
        {
            lock (_eventsLock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Stores an event (the inner <c>Event</c> object), replacing one with the same uuid.</summary>
    public void PutEvent(JsonObject evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        lock (_eventsLock)
        {
            var uuid = (string?)evt["uuid"];
            var index = _events.FindIndex(e => string.Equals((string?)e["uuid"], uuid, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                _events[index] = evt;
            }
            else
            {
                _events.Add(evt);
            }
        }
    }

    /// <summary>A stored event's <c>timestamp</c> by its UUID, or null.</summary>
    public JsonNode? TimestampOf(string uuid)
    {
        lock (_eventsLock)
        {
            return _events.FirstOrDefault(e => string.Equals((string?)e["uuid"], uuid, StringComparison.OrdinalIgnoreCase))?["timestamp"]?.DeepClone();
        }
    }

    public JsonObject? FindEvent(string idOrUuid)
    {
        lock (_eventsLock)
        {
            return _events.FirstOrDefault(e => (string?)e["id"] == idOrUuid || string.Equals((string?)e["uuid"], idOrUuid, StringComparison.OrdinalIgnoreCase));
        }
    }

    public bool RemoveEvent(string idOrUuid)
    {
        lock (_eventsLock)
        {
            return _events.RemoveAll(e => (string?)e["id"] == idOrUuid || string.Equals((string?)e["uuid"], idOrUuid, StringComparison.OrdinalIgnoreCase)) > 0;
        }
    }

    public int NextEventId()
    {
        lock (_eventsLock)
        {
            return _events.Count == 0 ? 1 : _events.Max(e => int.Parse((string)e["id"]!, System.Globalization.CultureInfo.InvariantCulture)) + 1;
        }
    }

    internal void Record(RecordedRequest request) => _requests.Enqueue(request);
}
