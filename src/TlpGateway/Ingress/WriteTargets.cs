using System.Text.Json.Nodes;
using TlpGateway.Endpoints;
using TlpGateway.Requests;

namespace TlpGateway.Ingress;

/// <summary>One thing a write names: an event or item id or UUID, and for a typed target its type.</summary>
/// <param name="Kind">What the reference names.</param>
/// <param name="Id">The id or UUID, as sent.</param>
/// <param name="Type">For <see cref="TargetKind.ByTypeParameter"/>: the named type (<c>event</c>, <c>Attribute</c>...), null when MISP deduces it.</param>
internal readonly record struct TargetRef(TargetKind Kind, string Id, string? Type = null);

/// <summary>
/// Every event or item a write names, in every place MISP could read it (<see cref="TargetSource"/>):
/// the passed URL parameter and the body paths, at the top level and inside the <c>request</c> and
/// <c>response</c> wrappers. A list, or a string holding a JSON list, names each element. Pure code.
/// </summary>
internal static class WriteTargets
{
    private static readonly string[] AnalystTypes = ["Note", "Opinion", "Relationship"];

    public static List<TargetRef> Collect(MispRequest request, WriteDescription write)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(write);
        var refs = new List<TargetRef>();
        foreach (var source in write.Targets)
        {
            if (source.Kind == TargetKind.ByTypeParameter)
            {
                refs.AddRange(Typed(request, source));
                continue;
            }

            if (source.Kind == TargetKind.AnalystData)
            {
                // /analyst_data/edit/{type}/{id}: the item's type travels with its id.
                if (source.Passed is { } at && at < request.Route.Passed.Count)
                {
                    refs.Add(new TargetRef(TargetKind.AnalystData, request.Route.Passed[at], request.Route.Passed[0]));
                }

                continue;
            }

            if (source.Passed is { } index && index < request.Route.Passed.Count)
            {
                refs.Add(new TargetRef(source.Kind, request.Route.Passed[index]));
            }

            foreach (var value in BodyValues(request.Body.Root, source.BodyPaths))
            {
                refs.AddRange(Ids(value, source.Kind));
            }
        }

        if (write.Content is WriteContent.Event or WriteContent.Attributes or WriteContent.Object or WriteContent.Report or WriteContent.AnalystData)
        {
            refs.AddRange(WrittenAnalystData(request.Body.Root).Select(uuid => new TargetRef(TargetKind.WrittenAnalystData, uuid, "all")));
            refs.AddRange(NestedAnalystTargets(request.Body.Root));
        }

        return [.. refs.Distinct()];
    }

    /// <summary>The UUIDs of the analyst data items in a written body, at any depth (<see cref="WrittenAnalystItems"/>).</summary>
    private static IEnumerable<string> WrittenAnalystData(JsonNode? node) =>
        WrittenAnalystItems(node).Select(item => PhpValue.Text(item["uuid"])).OfType<string>().Where(uuid => uuid.Length > 0);

    /// <summary>The analyst data items in a written body, at any depth (under <c>Note</c>, <c>Opinion</c>, <c>Relationship</c>): each one MISP may save.</summary>
    public static IEnumerable<JsonObject> WrittenAnalystItems(JsonNode? node)
    {
        foreach (var (key, value) in Children(node))
        {
            if (AnalystTypes.Contains(key) && value is JsonObject or JsonArray)
            {
                foreach (var item in AnalystItems(value))
                {
                    yield return item;
                }
            }

            foreach (var item in WrittenAnalystItems(value))
            {
                yield return item;
            }
        }
    }

    /// <summary>
    /// What the analyst data nested in analyst data concerns, anywhere in a written body: MISP points an
    /// item in an event, attribute, object or report at that element, but not the items nested in it.
    /// </summary>
    private static IEnumerable<TargetRef> NestedAnalystTargets(JsonNode? node)
    {
        foreach (var (key, value) in Children(node))
        {
            if (AnalystTypes.Contains(key) && value is JsonObject or JsonArray)
            {
                foreach (var target in AnalystItems(value).SelectMany(ChildTargets))
                {
                    yield return target;
                }
            }
            else
            {
                foreach (var target in NestedAnalystTargets(value))
                {
                    yield return target;
                }
            }
        }
    }

    private static IEnumerable<(string Key, JsonNode? Value)> Children(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Select(p => (p.Key, p.Value)),
        JsonArray list => list.Select(item => (Key: string.Empty, Value: item)),
        _ => [],
    };

    /// <summary>The items under a <c>Note</c>, <c>Opinion</c> or <c>Relationship</c> key: one object, a list, or a PHP object-list.</summary>
    private static IEnumerable<JsonObject> AnalystItems(JsonNode value) =>
        (value is JsonObject single && single.ContainsKey("uuid") ? [single] : (value as JsonObject)?.Select(p => p.Value) ?? value.AsArray()).OfType<JsonObject>();

    /// <summary>The values at <paramref name="paths"/> in the body and in its <c>request</c> and <c>response</c> wrappers.</summary>
    public static IEnumerable<JsonNode> BodyValues(JsonNode? body, IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var roots = new List<JsonNode>();
        void AddRoot(JsonNode? node)
        {
            if (node is not null && !roots.Contains(node))
            {
                roots.Add(node);
            }
        }

        AddRoot(body);
        AddRoot(body is JsonObject top && top["response"] is JsonObject or JsonArray ? top["response"] : null);
        foreach (var root in roots.ToList())
        {
            AddRoot(root is JsonObject obj ? obj["request"] : null);
        }

        foreach (var path in paths)
        {
            foreach (var root in roots)
            {
                foreach (var value in At(root, path.Split('.')))
                {
                    yield return value;
                }
            }
        }
    }

    private static IEnumerable<JsonNode> At(JsonNode node, ReadOnlyMemory<string> segments)
    {
        if (segments.IsEmpty)
        {
            yield return node;
            yield break;
        }

        var head = segments.Span[0];
        var children = (head, node) switch
        {
            ("*" or "#", JsonArray list) => list.OfType<JsonNode>(),
            ("#", JsonObject values) => values.Select(p => p.Value).OfType<JsonNode>(),
            ("*" or "#", _) => [],
            (_, JsonObject obj) when obj[head] is { } named => [named],
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var value in At(child, segments[1..]))
            {
                yield return value;
            }
        }
    }

    private static IEnumerable<JsonNode> At(JsonNode node, string[] segments) => At(node, segments.AsMemory());

    /// <summary>The ids a value names: a scalar, a list of scalars, or a string holding a JSON list.</summary>
    private static IEnumerable<TargetRef> Ids(JsonNode value, TargetKind kind)
    {
        switch (value)
        {
            case JsonArray list:
                foreach (var item in list)
                {
                    if (item is not JsonValue scalar || PhpValue.Text(scalar) is not { } text)
                    {
                        throw new ShapeException("A list of ids may hold ids only.");
                    }

                    yield return new TargetRef(kind, text.Trim());
                }

                break;
            case JsonValue scalar when PhpValue.Text(scalar) is { } text:
                var trimmed = text.Trim();
                if (trimmed.StartsWith('['))
                {
                    // MISP json_decodes a string that is not a single id.
                    foreach (var id in Ids(WrittenShapes.ParseList(trimmed, "ids"), kind))
                    {
                        yield return id;
                    }
                }
                else if (trimmed.Length > 0)
                {
                    yield return new TargetRef(kind, trimmed);
                }

                break;
            default:
                throw new ShapeException("An id must be a number or a UUID.");
        }
    }

    /// <summary>
    /// A target whose type is named beside it: <c>/galaxies/attachCluster/{id}/{event|attribute}</c>
    /// (event when absent), <c>/analyst_data/add/{type}/{uuid}/{object type}</c> or the item's
    /// <c>object_uuid</c> and <c>object_type</c> (<see cref="AnalystDataItems"/>), and the pushed item's.
    /// </summary>
    private static IEnumerable<TargetRef> Typed(MispRequest request, TargetSource source)
    {
        var passed = request.Route.Passed;
        var analyst = request.Endpoint.Controller == "analyst_data";
        var items = analyst ? AnalystDataItems(request) : [];
        if (source.Passed is { } index)
        {
            var id = index < passed.Count ? passed[index] : null;
            var type = index + 1 < passed.Count ? passed[index + 1] : (analyst ? null : "event");
            foreach (var item in items)
            {
                id ??= PhpValue.Text(item["object_uuid"]);
                type ??= PhpValue.Text(item["object_type"]);
            }

            if (id is not null)
            {
                yield return new TargetRef(TargetKind.ByTypeParameter, id, type);
            }

            foreach (var nested in items.SelectMany(ChildTargets))
            {
                yield return nested;
            }

            yield break;
        }

        foreach (var item in items)
        {
            if (PhpValue.Text(item["object_uuid"]) is not { } uuid)
            {
                throw new ShapeException("A pushed analyst data item must name the object_uuid it concerns.");
            }

            yield return new TargetRef(TargetKind.ByTypeParameter, uuid, PhpValue.Text(item["object_type"]));
            foreach (var nested in ChildTargets(item))
            {
                yield return nested;
            }
        }
    }

    /// <summary>
    /// What the items nested in an analyst data item concern, at any depth: AnalystData::captureAnalystData
    /// saves each on the object its own <c>object_uuid</c> names. One on the item that holds it concerns that item, judged already.
    /// </summary>
    private static IEnumerable<TargetRef> ChildTargets(JsonObject item)
    {
        var parent = PhpValue.Text(item["uuid"]);
        foreach (var type in AnalystTypes)
        {
            var children = item[type] switch
            {
                JsonArray list => list.OfType<JsonObject>(),
                JsonObject values => values.Select(p => p.Value).OfType<JsonObject>(),
                _ => [],
            };
            foreach (var child in children)
            {
                if (PhpValue.Text(child["object_uuid"]) is { } uuid && !string.Equals(uuid, parent, StringComparison.OrdinalIgnoreCase))
                {
                    yield return new TargetRef(TargetKind.ByTypeParameter, uuid, PhpValue.Text(child["object_type"]));
                }

                foreach (var nested in ChildTargets(child))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>
    /// The analyst data items a write saves, as MISP reads them: the type's key when it is set, else the body
    /// itself. The type is the passed one on <c>add</c> (<c>Note</c> when absent) and <c>edit</c>, where <c>all</c>
    /// (deduced from the stored item) may be any of them; on <c>pushAnalystData</c>, one item, the body's
    /// <c>note_type_name</c>, else the first type key present (<c>AnalystData::deduceAnalystDataType</c>).
    /// </summary>
    /// <exception cref="ShapeException">MISP would find no type, or an item that is not an object.</exception>
    public static List<JsonObject> AnalystDataItems(MispRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Body.Root is not JsonObject body)
        {
            return request.Body.Root is null ? [] : throw new ShapeException("An analyst data body must be one object.");
        }

        string[] types;
        if (request.Endpoint.Action == "pushAnalystData")
        {
            var named = PhpValue.Text(body["note_type_name"]);
            var type = AnalystTypes.FirstOrDefault(t => t == named) ?? AnalystTypes.FirstOrDefault(t => body[t] is not null);
            types = [type ?? throw new ShapeException("MISP cannot tell which kind of analyst data this is: put it under Note, Opinion or Relationship.")];
        }
        else
        {
            var passed = request.Route.Passed.Count > 0 ? request.Route.Passed[0] : "Note";
            types = passed == "all" ? AnalystTypes : AnalystTypes.Contains(passed) ? [passed] : throw new ShapeException($"'{passed}' is not a kind of analyst data MISP knows (Note, Opinion, Relationship).");
        }

        return [.. types.Select(t => body[t] switch
        {
            null => body,
            JsonObject item => item,
            _ => throw new ShapeException($"'{t}' must be an analyst data object."),
        }).Distinct()];
    }
}
