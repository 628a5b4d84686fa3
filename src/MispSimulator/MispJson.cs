using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>Writes JSON the way MISP (PHP json_encode) does.</summary>
public static class MispJson
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>MISP's RestResponseComponent::isAutomaticTool: PyMISP and MISP servers get compact JSON, everyone else pretty-printed.</summary>
    public static bool WantsCompact(string? userAgent) =>
        userAgent is not null && (userAgent.StartsWith("PyMISP", StringComparison.Ordinal) || userAgent.StartsWith("MISP", StringComparison.Ordinal));

    public static byte[] Serialize(JsonNode? node, bool compact) =>
        JsonSerializer.SerializeToUtf8Bytes(node, compact ? Compact : Pretty);

    public static JsonObject ParseObject(byte[] json) =>
        JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("expected a JSON object");
}
