using System.Collections.Concurrent;

namespace MispSimulator;

/// <summary>One request as the simulator received it, so tests can assert what the gateway forwarded.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="PathAndQuery">Raw path and query string.</param>
/// <param name="Headers">Request headers (name, value), as received.</param>
/// <param name="Body">Request body bytes, as received.</param>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>Misbehaviour the simulator can be told to show, for the failure tests.</summary>
public sealed class SimulatorFaults
{
    /// <summary>Delay before any answer.</summary>
    public TimeSpan ResponseDelay { get; set; }
}

/// <summary>The simulator's mutable state, shared with the tests that host it.</summary>
public sealed class SimulatorState
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public SimulatorFaults Faults { get; } = new();

    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    internal void Record(RecordedRequest request) => _requests.Enqueue(request);

    public void ClearRequests() => _requests.Clear();
}
