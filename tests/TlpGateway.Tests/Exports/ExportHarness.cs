using System.Buffers;
using System.Text;
using System.Text.Json;
using TlpGateway.Decision;
using TlpGateway.Exports;
using TlpGateway.Filtering;
using TlpGateway.Requests;
using TlpGateway.Shapes;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Exports;

/// <summary>Runs an export writer behind the real filter (as the gateway does), or straight over MISP's own records.</summary>
internal static class ExportHarness
{
    public static ExportRequest Request(ExportFormat format, RestSearchScope scope = RestSearchScope.Event) => new() { Format = format, Scope = scope };

    /// <summary>The export of <paramref name="input"/> (a restSearch answer) as the gateway writes it for <paramref name="context"/>'s requester.</summary>
    public static string Filtered(byte[] input, FilterContext context, ExportRequest export, int chunk = 4096)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = ExportResponse.Writer(export, context, output, TimeProvider.System);
        writer.Begin();
        var envelope = new DiscardingBufferWriter();
        var filter = new MispResponseFilter(context, 16 * 1024 * 1024, _ => { }, writer);
        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            filter.Write(input.AsSpan(offset, Math.Min(chunk, input.Length - offset)), envelope);
        }

        filter.Complete(envelope);
        writer.End();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>The export of MISP's own events of a <c>/events/restSearch</c> answer, unfiltered, each handed over as released with <paramref name="tlp"/>.</summary>
    public static string Unfiltered(byte[] restSearch, ExportRequest export, FilterContext context, TlpLevel tlp = TlpLevel.Clear, Action<string?, string?>? leftOut = null)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = ExportResponse.Writer(export, context, output, TimeProvider.System, leftOut);
        writer.Begin();
        using var answer = JsonDocument.Parse(restSearch);
        var response = answer.RootElement.GetProperty("response");
        var (records, kind) = response.ValueKind == JsonValueKind.Array
            ? (response.EnumerateArray().ToList(), RecordKind.Event)
            : (response.GetProperty("Attribute").EnumerateArray().ToList(), RecordKind.AttributeRow);
        foreach (var record in records)
        {
            // Every attribute at the level given, as the filter would have judged them in an event at that level.
            var levels = kind == RecordKind.Event ? Enumerable.Repeat(tlp, Count(record.GetProperty("Event"))).ToList() : null;
            var outcome = new UnitOutcome(true, "event", null, null, tlp, 0, false) { Record = kind, AttributeLevels = levels };
            writer.Write(outcome, Encoding.UTF8.GetBytes(record.GetRawText()));
        }

        writer.End();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static int Count(JsonElement evt) =>
        List(evt, "Attribute").Count() + List(evt, "Object").Sum(o => List(o, "Attribute").Count());

    private static IEnumerable<JsonElement> List(JsonElement holder, string name) =>
        holder.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];
}
