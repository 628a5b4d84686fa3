using System.Text.Json;

namespace TlpGateway.Fuzz;

/// <summary>
/// What a forwarded write whose body carries ids and flags alone (and the push negotiation's list of events) may hold, by the oracle's own reading of MISP 2.5.1's
/// controllers (never the gateway's catalog): only the body keys it reads
/// (after the wrappers it unwraps), and no reference in the body to an item the requester may not receive.
/// Each broken rule throws <see cref="FuzzFinding"/>.
/// </summary>
internal static class WriteBodyOracle
{
    // The routes this oracle reads (their passed arguments: PassedArgumentsOracle).
    private static readonly HashSet<string> Routes = new(StringComparer.Ordinal)
    {
        "events/delete", "events/publish", "events/unpublish", "events/alert", "events/removeTag",
        "attributes/delete", "attributes/deleteSelected", "attributes/restore", "attributes/removeTag",
        "objects/delete", "object_references/add", "object_references/delete", "event_reports/delete",
        "tags/removeTagFromObject", "galaxies/attachCluster", "galaxies/attachMultipleClusters",
        "shadow_attributes/delete", "shadow_attributes/accept", "shadow_attributes/discard",
        "sightings/delete", "sightings/filterSightingUuidsForPush", "analyst_data/delete",
        "events/filterEventIdsForPush",
    };

    // Bodies MISP reads as a list of items (foreach), each by these paths: a pushing server's events, by uuid and timestamp.
    private static readonly Dictionary<string, string[]> Items = new(StringComparer.Ordinal)
    {
        ["events/filterEventIdsForPush"] = ["Event.uuid", "Event.timestamp"],
    };

    // The body paths each action reads (a dotted path is a key inside another). An action absent here reads no body.
    private static readonly Dictionary<string, string[]> Read = new(StringComparer.Ordinal)
    {
        ["events/delete"] = ["id", "Event.id"],
        ["events/removeTag"] = ["tag", "tag_id", "event", "event_id", "id", "Event.id"],
        ["attributes/delete"] = ["hard"],
        ["attributes/deleteSelected"] = ["id", "event_id", "allow_hard_delete", "Attribute.id", "Attribute.event_id", "Attribute.allow_hard_delete"],
        ["attributes/removeTag"] = ["tag", "tag_id", "attribute", "attribute_id", "id", "Attribute.id"],
        ["objects/delete"] = ["hard"],
        ["event_reports/delete"] = ["hard"],
        ["object_references/add"] =
        [
            "object_uuid", "referenced_uuid", "relationship_type", "relationship_type_select", "comment",
            "ObjectReference.referenced_uuid", "ObjectReference.relationship_type", "ObjectReference.relationship_type_select", "ObjectReference.comment",
        ],
        ["tags/removeTagFromObject"] = ["uuid", "tag"],
        ["galaxies/attachCluster"] = ["Galaxy.target_id"],
        ["galaxies/attachMultipleClusters"] = ["Galaxy.target_ids", "Galaxy.mirror_on_event"],
    };

    // RequestRearrangeTool: request, then the model's wrapper, each replacing the data when set.
    private static readonly Dictionary<string, string> Rearranged = new(StringComparer.Ordinal)
    {
        ["events/removeTag"] = "Event",
        ["attributes/removeTag"] = "Attribute",
    };

    // Bodies read as lists of ids (every value): always, or unless the holder names its ids under 'id' (or holds Attribute).
    private static readonly Dictionary<string, string[]> ValueLists = new(StringComparer.Ordinal)
    {
        ["sightings/filterSightingUuidsForPush"] = [],
        ["attributes/deleteSelected"] = ["id", "Attribute"],
    };

    // Where a body names an item a write only points at (ObjectReference::getReferencedInfo): one the requester may receive.
    private static readonly Dictionary<string, string[]> Referenced = new(StringComparer.Ordinal)
    {
        ["object_references/add"] = ["referenced_uuid", "ObjectReference.referenced_uuid"],
    };

    public static void Check(string route, JsonDocument? body)
    {
        if (!Routes.Contains(route) || body is null)
        {
            return;
        }

        var data = body.RootElement;
        if (Rearranged.TryGetValue(route, out var model))
        {
            foreach (var wrapper in new[] { "request", model })
            {
                if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty(wrapper, out var inner) && inner.ValueKind != JsonValueKind.Null)
                {
                    if (inner.ValueKind != JsonValueKind.Object || data.EnumerateObject().Count() != 1)
                    {
                        throw new FuzzFinding($"{route}: the body's {wrapper} forwarded beside other keys, or as no object");
                    }

                    data = inner;
                }
            }
        }

        if (Items.TryGetValue(route, out var itemPaths) && data.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
        {
            foreach (var item in data.ValueKind == JsonValueKind.Array ? data.EnumerateArray() : data.EnumerateObject().Select(p => p.Value))
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new FuzzFinding($"{route}: an item forwarded that is no object: {item.GetRawText()}");
                }

                CheckLevel(route, item, itemPaths, null);
            }

            return;
        }

        CheckLevel(route, data, Read.GetValueOrDefault(route, []), ValueLists.TryGetValue(route, out var unless) ? unless : null);
        foreach (var path in Referenced.GetValueOrDefault(route, []))
        {
            var value = At(body.RootElement, path);
            if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } reference && reference.Trim()[^1] == '9')
            {
                throw new FuzzFinding($"{route}: the body's {path} '{reference}' forwarded: an item the requester may not receive");
            }
        }
    }

    /// <summary>One level of the body: only the keys read; a list only where the action reads its values, of numbers and strings.</summary>
    private static void CheckLevel(string route, JsonElement level, string[] paths, string[]? valuesUnless)
    {
        var asValues = valuesUnless is not null
            && (level.ValueKind == JsonValueKind.Array || (level.ValueKind == JsonValueKind.Object && !valuesUnless.Any(k => level.TryGetProperty(k, out var v) && v.ValueKind != JsonValueKind.Null)));
        if (asValues)
        {
            var values = level.ValueKind == JsonValueKind.Array ? level.EnumerateArray() : level.EnumerateObject().Select(p => p.Value);
            if (values.Any(v => v.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)))
            {
                throw new FuzzFinding($"{route}: a list of ids forwarded holding something else: {level.GetRawText()}");
            }

            return;
        }

        if (level.ValueKind == JsonValueKind.Array && level.GetArrayLength() > 0)
        {
            throw new FuzzFinding($"{route}: a list forwarded where the action reads keys: {level.GetRawText()}");
        }

        if (level.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in level.EnumerateObject())
        {
            var inner = paths.Where(p => p.StartsWith(property.Name + ".", StringComparison.Ordinal)).Select(p => p[(property.Name.Length + 1)..]).ToArray();
            if (paths.Contains(property.Name))
            {
                continue;
            }

            if (inner.Length == 0)
            {
                throw new FuzzFinding($"{route}: the body's '{property.Name}' forwarded, which the action does not read");
            }

            if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null))
            {
                throw new FuzzFinding($"{route}: the body's '{property.Name}' forwarded as a {property.Value.ValueKind}, which the action reads keys of");
            }

            // deleteSelected reads its Attribute as it reads the body.
            CheckLevel(route, property.Value, inner, route == "attributes/deleteSelected" ? ["id"] : null);
        }
    }

    private static JsonElement At(JsonElement root, string path)
    {
        var value = root;
        foreach (var part in path.Split('.'))
        {
            value = value.ValueKind == JsonValueKind.Object && value.TryGetProperty(part, out var next) ? next : default;
        }

        return value;
    }
}
