using System.Text.Json;
using TlpGateway.Filtering;

namespace TlpGateway.Shapes;

/// <summary>
/// MISP's answer to a write it refused (<c>RestResponseComponent::saveFailResponse</c>):
/// <c>{"saved": false, "name": "Could not add Event", "message": ..., "url": ..., "errors": ...}</c>,
/// with an <c>id</c> at times. Its <c>errors</c> are CakePHP's validation messages, keyed by the item
/// kinds and fields they concern (<c>{"Event": {"info": ["..."]}}</c>, <c>{"Attribute": {"0": {"value": ["..."]}}}</c>),
/// so they name MISP's kinds without holding any item: such an answer holds no data.
/// </summary>
/// <remarks>
/// Only that shape: no other key (MISP's <c>data</c>, the write echoed, is not judged here, so an
/// answer with it is not this one), <c>saved</c> the literal <c>false</c>, names written plainly, and
/// <c>errors</c> a message, a list of messages, or objects of them in which every field's value is an
/// object or a list of strings. An item has scalars of its own (a <c>uuid</c>, a <c>name</c>): an
/// object with a scalar in it is not a message, and the record is judged as any other.
/// </remarks>
internal static class SaveFailure
{
    public static bool Is(Node unit)
    {
        // Every name of the shape is a key: a property the scan did not record is none of them.
        if (unit.HasUnrecorded)
        {
            return false;
        }

        var saved = false;
        var errors = false;

        // Every property is checked (a name written twice has ended the answer in the scan: each is a key).
        foreach (var prop in unit.Props)
        {
            // A name written with an escape is never this shape's.
            var name = unit.RawName(prop);
            if (name.Contains((byte)'\\'))
            {
                return false;
            }

            if (name.SequenceEqual("saved"u8) && prop.ValueKind == JsonTokenType.False)
            {
                saved = true;
            }
            else if (name.SequenceEqual("errors"u8) && (prop.ValueKind == JsonTokenType.String || IsMessages(unit.Source.Span[prop.ValueStart..prop.ValueEnd])))
            {
                errors = true;
            }
            else if (!(name.SequenceEqual("name"u8) || name.SequenceEqual("message"u8) || name.SequenceEqual("url"u8) || name.SequenceEqual("id"u8))
                || prop.ValueKind is not (JsonTokenType.String or JsonTokenType.Number))
            {
                return false;
            }
        }

        return saved && errors;
    }

    /// <summary>Validation messages: containers only, and strings only as elements of lists that hold nothing else.</summary>
    private static bool IsMessages(ReadOnlySpan<byte> json)
    {
        var reader = new JsonTokenizer(json, isFinalBlock: true, default);

        // Bit d: the container at depth d is a list.
        ulong lists = 0;
        while (reader.Read())
        {
            var depth = reader.CurrentDepth;
            var inList = depth > 0 && (lists & (1UL << (depth - 1))) != 0;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray when !inList:
                    lists = reader.TokenType == JsonTokenType.StartArray ? lists | (1UL << depth) : lists & ~(1UL << depth);
                    break;
                case JsonTokenType.String when inList:
                case JsonTokenType.PropertyName or JsonTokenType.EndObject or JsonTokenType.EndArray:
                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}
