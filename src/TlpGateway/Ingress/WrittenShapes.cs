using System.Text.Json.Nodes;
using TlpGateway.Requests;

namespace TlpGateway.Ingress;

/// <summary>A written body MISP would read differently from the gateway, or not at all: refused, never guessed.</summary>
internal sealed class ShapeException(string message) : Exception(message);

/// <summary>
/// The shapes MISP's PHP accepts for the lists and tags of a written body, read the way PHP reads
/// them: a list, an object standing for a list (<c>{"0": {...}, "2": {...}}</c>, as <c>json_encode</c>
/// writes a list with gaps), a single item where MISP wraps one (<c>"Tag": {"name": ...}</c>,
/// <c>"Attribute": {"type": ...}</c>). Anything else that would carry data (a string where a list of
/// objects belongs) is a <see cref="ShapeException"/>.
/// </summary>
internal static class WrittenShapes
{
    /// <summary>
    /// An event-level list as <c>Event::cleanupEventArrayFromXML</c> reads it: an object whose keys
    /// concatenate to a number is a list of its values, any other object is one item.
    /// </summary>
    public static List<JsonObject> EventList(JsonNode? node, string name) => node switch
    {
        null => [],
        JsonArray list => Objects(list, name),
        JsonObject obj when obj.Count == 0 => [],
        JsonObject obj when PhpValue.IsNumericString(string.Concat(obj.Select(p => p.Key))) => Objects(obj.Select(p => p.Value), name),
        JsonObject single => [single],
        _ => throw new ShapeException($"'{name}' must be a list of objects."),
    };

    /// <summary>A nested list as PHP's <c>foreach</c> reads it: a list, or the values of an object.</summary>
    public static List<JsonObject> ForeachList(JsonNode? node, string name) => node switch
    {
        null => [],
        JsonArray list => Objects(list, name),
        JsonObject obj => Objects(obj.Select(p => p.Value), name),
        _ => throw new ShapeException($"'{name}' must be a list of objects."),
    };

    /// <summary>
    /// The tags of an event or attribute as <c>__captureObjects</c> reads them: <c>Tag</c> (one tag object
    /// when it has a <c>name</c>, else a list or object of tag objects) and <c>EventTag</c>/<c>AttributeTag</c>
    /// (one when it has an <c>id</c>, else a list), each holding a <c>Tag</c>. The result is one list of
    /// tag objects, the link's <c>local</c> and <c>relationship_type</c> carried onto the tag.
    /// </summary>
    public static List<JsonObject> Tags(JsonObject holder, string linkName)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var tags = new List<JsonObject>();
        if (holder[linkName] is { } links)
        {
            var linkList = links is JsonObject one && one.ContainsKey("id") ? [one] : ForeachList(links, linkName);
            foreach (var link in linkList)
            {
                if (link["Tag"] is not JsonObject tag)
                {
                    throw new ShapeException($"Each '{linkName}' must hold a 'Tag' object.");
                }

                var copy = CheckedTag(tag, linkName).DeepClone().AsObject();
                copy["local"] = link["local"]?.DeepClone() ?? false;
                if (link["relationship_type"] is { } relationship)
                {
                    copy["relationship_type"] = relationship.DeepClone();
                }

                tags.Add(copy);
            }
        }

        if (holder["Tag"] is { } tagNode)
        {
            var tagList = tagNode is JsonObject single && single.ContainsKey("name") ? [single] : ForeachList(tagNode, "Tag");
            tags.AddRange(tagList.Select(tag => CheckedTag(tag, "Tag").DeepClone().AsObject()));
        }

        return tags;
    }

    /// <summary>The name of a tag object (checked by <see cref="Tags"/>).</summary>
    public static string Name(JsonObject tag) => tag["name"]!.GetValue<string>();

    /// <summary>A string MISP <c>json_decode</c>s into a list (<c>"[1,2]"</c>, <c>"[\"a\"]"</c>).</summary>
    public static JsonNode ParseList(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return Requests.StrictJson.Parse(text) as JsonArray ?? throw new ShapeException($"A list of {name} must be a JSON list.");
        }
        catch (System.Text.Json.JsonException)
        {
            throw new ShapeException($"A list of {name} must be valid JSON.");
        }
    }

    private static JsonObject CheckedTag(JsonObject tag, string name) =>
        tag["name"] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? tag
            : throw new ShapeException($"Each tag in '{name}' must have a string 'name'.");

    private static List<JsonObject> Objects(IEnumerable<JsonNode?> items, string name) =>
        items.Select(item => item as JsonObject ?? throw new ShapeException($"Each item of '{name}' must be an object.")).ToList();
}
