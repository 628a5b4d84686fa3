using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Shapes;

namespace TlpGateway.Provenance;

/// <summary>
/// Hides a source in one item (SPEC section 4): each property the item's shape marks with a
/// <see cref="Hiding"/> becomes the forwarding organisation, its UUID or name, <c>"0"</c>, or goes.
/// The forwarder's bytes are built once per answer.
/// </summary>
internal sealed class SourceHiding(OrganisationRef forwarder)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private byte[]? _organisation;
    private byte[]? _uuid;
    private byte[]? _uuidText;
    private byte[]? _name;

    public OrganisationRef Forwarder => forwarder;

    /// <summary>The forwarder's UUID as UTF-8 (to compare with what an item names).</summary>
    public ReadOnlySpan<byte> UuidText => _uuidText ??= System.Text.Encoding.UTF8.GetBytes(forwarder.Uuid);

    /// <summary>
    /// Applies <paramref name="hiding"/> to property <paramref name="index"/> of <paramref name="item"/>;
    /// a property that goes is added to <paramref name="removed"/> for the caller to remove with the others.
    /// </summary>
    public void Apply(Edits edits, Node item, int index, Hiding hiding, ref KeySet removed)
    {
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(item);
        var prop = item.Props[index];
        switch (hiding)
        {
            case Hiding.Forwarder when prop.ValueKind == JsonTokenType.StartObject:
                edits.ReplaceValue(prop, _organisation ??= Organisation());
                break;
            case Hiding.ForwarderUuid:
                ReplaceText(edits, item, index, _uuid ??= JsonString(forwarder.Uuid));
                break;
            case Hiding.ForwarderName:
                ReplaceText(edits, item, index, _name ??= JsonString(forwarder.Name));
                break;
            case Hiding.Zero:
                ReplaceText(edits, item, index, "\"0\""u8);
                break;
            case Hiding.Remove:
                removed.Add(prop.Key);
                break;
        }
    }

    /// <summary>Replaces a string property's text, leaving numbers and <c>null</c> (no organisation named) as they are.</summary>
    private static void ReplaceText(Edits edits, Node item, int index, ReadOnlySpan<byte> json)
    {
        var prop = item.Props[index];
        if (prop.ValueKind is JsonTokenType.String or JsonTokenType.Number && !item.Source.Span[prop.ValueStart..prop.ValueEnd].SequenceEqual(json))
        {
            edits.ReplaceValue(prop, json);
        }
    }

    private byte[] Organisation()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", "0");
            writer.WriteString("name", forwarder.Name);
            writer.WriteString("uuid", forwarder.Uuid);
            writer.WriteBoolean("local", false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // One options instance: each new one builds its own metadata cache.
    private static readonly JsonSerializerOptions RelaxedEscaping = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static byte[] JsonString(string text) => JsonSerializer.SerializeToUtf8Bytes(text, RelaxedEscaping);
}
