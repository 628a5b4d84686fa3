using System.Text.Json;

namespace TlpGateway.Tests.Shared;

/// <summary>What an answer released, for tests that compare answers: the event UUIDs of its records, in order.</summary>
public static class ReleasedEvents
{
    /// <summary>The event UUIDs of a restSearch's events (<c>{"response": [...]}</c>) or an index's rows (<c>[...]</c>).</summary>
    public static List<string> Uuids(ReadOnlySpan<byte> answer)
    {
        var reader = new Utf8JsonReader(answer);
        using var json = JsonDocument.ParseValue(ref reader);
        var records = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement : json.RootElement.GetProperty("response");
        return [.. records.EnumerateArray().Select(r => (r.TryGetProperty("Event", out var evt) ? evt : r).GetProperty("uuid").GetString()!)];
    }
}
