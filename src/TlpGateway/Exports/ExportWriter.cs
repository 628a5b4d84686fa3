using System.Buffers;
using System.Globalization;
using System.Text.Json;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Shapes;

namespace TlpGateway.Exports;

/// <summary>
/// An export rendered from the filter's released records (<see cref="IRecordSink"/>): each record
/// arrives as the gateway would send it as JSON — every removal, rewrite and added tag applied — is
/// parsed on its own (one record is bounded by <see cref="FilterOptions.MaxEventBytes"/>) and written
/// at once to the output, so memory stays one record and the first bytes leave before MISP's last.
/// </summary>
/// <remarks>
/// Only events (<c>/events/restSearch</c>) and attribute rows (<c>/attributes/restSearch</c>) are
/// exported; any other released record is a surprise that ends the answer (<see cref="FilterException"/>).
/// </remarks>
internal abstract class ExportWriter(IBufferWriter<byte> output) : IRecordSink
{
    protected IBufferWriter<byte> Output { get; } = output;

    /// <summary>How many events and attribute rows were exported.</summary>
    public int Records { get; private set; }

    /// <summary>Writes what precedes the first record (a CSV header).</summary>
    public virtual void Begin()
    {
    }

    /// <summary>Writes what follows the last record.</summary>
    public abstract void End();

    public void Write(in UnitOutcome outcome, ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        switch (outcome.Record)
        {
            case RecordKind.Event when root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Event", out var evt) && evt.ValueKind == JsonValueKind.Object:
                WriteEvent(evt, outcome);
                break;
            case RecordKind.AttributeRow when root.ValueKind == JsonValueKind.Object:
                WriteAttributeRow(root, outcome);
                break;
            default:
                throw new FilterException("a record that is neither an event nor an attribute row cannot be exported");
        }

        Records++;
    }

    /// <summary>One released event (<c>Event</c>'s value).</summary>
    protected abstract void WriteEvent(JsonElement evt, in UnitOutcome outcome);

    /// <summary>One released attribute row.</summary>
    protected abstract void WriteAttributeRow(JsonElement row, in UnitOutcome outcome);

    /// <summary>
    /// An event's attributes as MISP's exports visit them: its own, then each object's (a list, or
    /// PHP's object-list); with the object each belongs to.
    /// </summary>
    protected static IEnumerable<(JsonElement Attribute, JsonElement? Object)> Attributes(JsonElement evt)
    {
        foreach (var attribute in Elements(evt, "Attribute"))
        {
            yield return (attribute, null);
        }

        foreach (var obj in Elements(evt, "Object"))
        {
            foreach (var attribute in Elements(obj, "Attribute"))
            {
                yield return (attribute, obj);
            }
        }
    }

    /// <summary>The object elements of a list (or PHP object-list) property; none when absent.</summary>
    protected static IEnumerable<JsonElement> Elements(JsonElement holder, string name)
    {
        if (holder.ValueKind != JsonValueKind.Object || !holder.TryGetProperty(name, out var list))
        {
            return [];
        }

        return list.ValueKind switch
        {
            JsonValueKind.Array => list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object),
            JsonValueKind.Object => list.EnumerateObject().Select(p => p.Value).Where(e => e.ValueKind == JsonValueKind.Object),
            _ => [],
        };
    }

    /// <summary>A scalar property as text (a string's value, a number's or literal's JSON), or null.</summary>
    protected static string? Text(JsonElement holder, string name) =>
        holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(name, out var value) ? Text(value) : null;

    /// <summary>A scalar as text: a string's value, a number's JSON; null for null, lists and objects.</summary>
    protected static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => StringOf(value),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        _ => null,
    };

    /// <summary>A string's value; one escaped as half a UTF-16 pair cannot be written and ends the answer as the filter's reading of it would.</summary>
    protected static string? StringOf(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            throw new FilterException("malformed JSON: " + JsonTokenizer.InvalidUtf16Escape);
        }
    }

    /// <summary>The names of a tag list (<c>Tag[].name</c>, or <c>AttributeTag[].Tag.name</c>), optionally only those not inherited from the event (an attribute row's).</summary>
    protected static IEnumerable<string> TagNames(JsonElement holder, bool ownOnly = false)
    {
        foreach (var tag in Elements(holder, "Tag"))
        {
            if (Text(tag, "name") is { } name && !(ownOnly && tag.TryGetProperty("inherited", out var inherited) && inherited.ValueKind is not (JsonValueKind.Null or JsonValueKind.False) && Text(inherited) is not ("0" or "")))
            {
                yield return name;
            }
        }

        foreach (var link in Elements(holder, "AttributeTag").Concat(Elements(holder, "EventTag")))
        {
            if (link.TryGetProperty("Tag", out var tag) && Text(tag, "name") is { } name)
            {
                yield return name;
            }
        }
    }

    /// <summary>
    /// Whether text holds a character a line-based reader may split a line on (LF, CR, VT, FF, NEL,
    /// U+2028, U+2029, the file, group and record separators), or any other control character but TAB:
    /// it cannot stand on one line of a text export or as a bare CSV header name.
    /// </summary>
    internal static bool BreaksLine(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c != '\t' && (char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes UTF-8 text to the output.</summary>
    protected void WriteText(string text)
    {
        var span = Output.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = System.Text.Encoding.UTF8.GetBytes(text, span);
        Output.Advance(written);
    }
}
