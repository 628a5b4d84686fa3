using System.Text.Encodings.Web;
using System.Text.Json;
using TlpGateway.Filtering;
using TlpGateway.Shapes;

namespace TlpGateway.Decision;

/// <summary>
/// The minimal <c>/events/index</c> row a syncing MISP server asks for (<c>id</c>, <c>timestamp</c>,
/// <c>sighting_timestamp</c>, <c>published</c>, <c>uuid</c>, <c>orgc_uuid</c>), written from the full
/// row the gateway asked MISP for and judged.
/// </summary>
internal static class MinimalRow
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    public static void Replace(Edits edits, Node row, string? orgcUuid)
    {
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(row);
        var mark = edits.BeginReplacement();
        var writer = _writer ??= new Utf8JsonWriter(edits.Scratch, WriterOptions);
        writer.Reset(edits.Scratch);
        writer.WriteStartObject();
        WriteText(writer, "id"u8, row, Key.Id);
        WriteText(writer, "timestamp"u8, row, Key.Timestamp);
        WriteText(writer, "sighting_timestamp"u8, row, Key.SightingTimestamp, fallback: "0");
        writer.WriteBoolean("published"u8, row.IsSet(Key.Published));
        WriteText(writer, "uuid"u8, row, Key.Uuid);
        writer.WriteString("orgc_uuid"u8, orgcUuid);
        writer.WriteEndObject();
        writer.Flush();
        edits.CommitReplacement(row.Start, row.End, mark);
    }

    /// <summary>The minimal galaxy cluster search's record, <c>{"GalaxyCluster": {"uuid", "version"}}</c>, written from the judged cluster.</summary>
    public static void ReplaceCluster(Edits edits, Node unit, Node cluster)
    {
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(cluster);
        var mark = edits.BeginReplacement();
        var writer = _writer ??= new Utf8JsonWriter(edits.Scratch, WriterOptions);
        writer.Reset(edits.Scratch);
        writer.WriteStartObject();
        writer.WriteStartObject("GalaxyCluster"u8);
        WriteText(writer, "uuid"u8, cluster, Key.Uuid);
        WriteText(writer, "version"u8, cluster, Key.Version);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        edits.CommitReplacement(unit.Start, unit.End, mark);
    }

    /// <summary>Writes a string or number property of the input as a JSON string; <paramref name="fallback"/> (or null) when it is neither.</summary>
    private static void WriteText(Utf8JsonWriter writer, ReadOnlySpan<byte> name, Node holder, Key key, string? fallback = null)
    {
        var i = holder.IndexOf(key);
        if (i >= 0 && holder.TryGetPlainText(i, out var text))
        {
            writer.WriteString(name, text);
        }
        else
        {
            writer.WriteString(name, (i >= 0 ? holder.TextAt(i) : null) ?? fallback);
        }
    }
}
