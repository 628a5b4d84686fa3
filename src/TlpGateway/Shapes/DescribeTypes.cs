using System.Text.Json;
using TlpGateway.Filtering;

namespace TlpGateway.Shapes;

/// <summary>
/// MISP's <c>/attributes/describeTypes</c> answer, which PyMISP reads at start-up:
/// <c>{"result": {"sane_defaults": {TYPE: {"default_category", "to_ids"}}, "types": [...], "categories": [...],
/// "category_type_mappings": {CATEGORY: [...]}}}</c>. Its names are attribute types and categories, some of
/// them names that mark MISP data elsewhere (<c>email</c>, <c>comment</c>), but it holds no item: such an answer holds no data.
/// </summary>
/// <remarks>Only that shape, every value checked: strings and numbers where MISP writes them, nothing else, so no item fits in it.</remarks>
internal static class DescribeTypes
{
    public static bool Is(Node unit)
    {
        if (unit.HasUnrecorded || unit.Props.Length != 1 || !unit.RawName(unit.Props[0]).SequenceEqual("result"u8))
        {
            return false;
        }

        var prop = unit.Props[0];
        if (prop.ValueKind != JsonTokenType.StartObject)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(unit.Source[prop.ValueStart..prop.ValueEnd]);
            return IsResult(document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsResult(JsonElement result)
    {
        var seen = 0;
        foreach (var part in result.EnumerateObject())
        {
            var valid = part.Name switch
            {
                "sane_defaults" => part.Value.ValueKind == JsonValueKind.Object && part.Value.EnumerateObject().All(d => IsDefault(d.Value)),
                "types" or "categories" => IsStrings(part.Value),
                "category_type_mappings" => part.Value.ValueKind == JsonValueKind.Object && part.Value.EnumerateObject().All(m => IsStrings(m.Value)),
                _ => false,
            };
            if (!valid)
            {
                return false;
            }

            seen++;
        }

        return seen == 4;
    }

    private static bool IsDefault(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(f => f.Name switch
        {
            "default_category" => f.Value.ValueKind == JsonValueKind.String,
            "to_ids" => f.Value.ValueKind == JsonValueKind.Number,
            _ => false,
        });

    private static bool IsStrings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String);
}
