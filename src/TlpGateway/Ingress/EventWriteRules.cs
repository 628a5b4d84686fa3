using System.Text.Json.Nodes;
using TlpGateway.Rules;
using TlpGateway.Tlp;

namespace TlpGateway.Ingress;

/// <summary>
/// The rules for events written into the hub (SPEC sections 5 and 6), on the parsed body: pure,
/// no I/O. The middleware decides where they apply; this class only knows MISP's event shapes.
/// </summary>
internal static class EventWriteRules
{
    /// <summary>The event of an add/edit/push body: <c>{"Event":{...}}</c> or the bare event PyMISP may send.</summary>
    public static JsonObject? EventOf(JsonNode? body) =>
        body is JsonObject root
            ? root["Event"] as JsonObject ?? (root.ContainsKey("info") || root.ContainsKey("Attribute") || root.ContainsKey("Tag") || root.ContainsKey("uuid") ? root : null)
            : null;

    /// <summary>The event's marking from its own <c>Tag</c> list (names of tag objects).</summary>
    public static TlpMarking Marking(JsonObject evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var marking = default(TlpMarking);
        foreach (var tag in evt["Tag"] as JsonArray ?? [])
        {
            if (tag?["name"] is JsonValue name && name.TryGetValue<string>(out var text))
            {
                marking.Add(text);
            }
        }

        return marking;
    }

    /// <summary>Adds the community's default TLP and, unless present, <c>tlp:ex:chr</c> to an event without a TLP level.</summary>
    public static bool AddDefaultTags(JsonObject evt, TlpLevel defaultTlp)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var marking = Marking(evt);
        if (marking.HasLevel)
        {
            return false;
        }

        if (evt["Tag"] is not JsonArray tags)
        {
            tags = [];
            evt["Tag"] = tags;
        }

        tags.Add(Tag("tlp:" + TlpMarking.Name(defaultTlp)));
        if (!marking.ChathamHouse)
        {
            tags.Add(Tag("tlp:ex:chr"));
        }

        return true;
    }

    /// <summary>An event relayed from elsewhere enters the hub with the forwarding member as its source.</summary>
    public static bool MakeRequesterTheSource(JsonObject evt, string orgUuid, string orgName)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var claimed = (evt["Orgc"] as JsonObject)?["uuid"]?.ToString() ?? evt["orgc_uuid"]?.ToString();
        var changed = false;
        if (claimed is not null && !string.Equals(claimed, orgUuid, StringComparison.OrdinalIgnoreCase))
        {
            evt["Orgc"] = new JsonObject { ["name"] = orgName, ["uuid"] = orgUuid };
            changed = true;
        }

        // Local ids name organisations of the writer's own MISP: they mean nothing (or someone else) here.
        changed |= evt.Remove("orgc_id");
        if (evt.ContainsKey("orgc_uuid"))
        {
            evt["orgc_uuid"] = orgUuid;
            changed = true;
        }

        return changed;
    }

    /// <summary>The first attribute type with more stand-alone values than <paramref name="limit"/>, if any.</summary>
    public static (string Type, int Count)? LooseOverLimit(IEnumerable<JsonObject> looseAttributes, int limit)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var attribute in looseAttributes)
        {
            var type = attribute["type"]?.ToString() ?? "unknown";
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }

        foreach (var (type, count) in counts)
        {
            if (count > limit)
            {
                return (type, count);
            }
        }

        return null;
    }

    /// <summary>Top-level attributes, and the attribute of any object that holds only one.</summary>
    public static IEnumerable<JsonObject> LooseAttributes(JsonObject evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        foreach (var attribute in evt["Attribute"] as JsonArray ?? [])
        {
            if (attribute is JsonObject value)
            {
                yield return value;
            }
        }

        foreach (var obj in evt["Object"] as JsonArray ?? [])
        {
            if (obj?["Attribute"] is JsonArray { Count: 1 } single && single[0] is JsonObject alone)
            {
                yield return alone;
            }
        }
    }

    /// <summary>Attributes of an <c>/attributes/add</c> or <c>addMultiple</c> body: one object, a list, or <c>{"Attribute":...}</c>.</summary>
    public static IEnumerable<JsonObject> AttributesOf(JsonNode? body)
    {
        var node = body is JsonObject root && root["Attribute"] is { } inner ? inner : body;
        switch (node)
        {
            case JsonArray list:
                foreach (var item in list)
                {
                    if (item is JsonObject attribute)
                    {
                        yield return attribute;
                    }
                }

                break;
            case JsonObject single:
                yield return single;
                break;
        }
    }

    /// <summary>The member rule a written event breaks (its tags, distribution, sharing group, attributes or objects), or null.</summary>
    public static string? MemberRuleBroken(JsonObject evt, MemberRules rules, TlpMarking marking, TlpLevel defaultTlp)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.IsEmpty)
        {
            return null;
        }

        var eventDistribution = Number(evt["distribution"]);
        var names = TagNames(evt);
        if (!marking.HasLevel)
        {
            names.Add("tlp:" + TlpMarking.Name(defaultTlp));
            names.Add("tlp:ex:chr");
        }

        var rule = rules.EventRule(names, eventDistribution, SharingGroup(evt));
        if (rule is not null)
        {
            return rule;
        }

        foreach (var attribute in evt["Attribute"] as JsonArray ?? [])
        {
            if (attribute is JsonObject value && AttributeRule(value, rules, eventDistribution) is { } broken)
            {
                return broken;
            }
        }

        foreach (var obj in (evt["Object"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var objectDistribution = MemberRules.Resolve(Number(obj["distribution"]), eventDistribution);
            if (rules.ObjectRule(obj["name"]?.ToString(), objectDistribution, SharingGroup(obj)) is { } objectRule)
            {
                return objectRule;
            }

            foreach (var attribute in (obj["Attribute"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (AttributeRule(attribute, rules, objectDistribution) is { } broken)
                {
                    return broken;
                }
            }
        }

        return null;
    }

    private static string? AttributeRule(JsonObject attribute, MemberRules rules, int? parentDistribution) =>
        rules.AttributeRule(attribute["type"]?.ToString(), attribute["category"]?.ToString(), MemberRules.Resolve(Number(attribute["distribution"]), parentDistribution), SharingGroup(attribute), TagNames(attribute));

    private static string? SharingGroup(JsonObject holder) => (holder["SharingGroup"] as JsonObject)?["uuid"]?.ToString();

    private static List<string> TagNames(JsonObject holder) =>
        (holder["Tag"] as JsonArray ?? []).Select(tag => tag?["name"]?.ToString()).OfType<string>().Select(TagName.Canonical).ToList();

    private static int? Number(JsonNode? node) =>
        node is not null && int.TryParse(node.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    public static bool IsProtected(JsonObject evt) =>
        evt["protected"] is JsonValue value && (value.TryGetValue<bool>(out var flag) ? flag : value.ToString() is "1" or "true");

    private static JsonObject Tag(string name) => new()
    {
        ["name"] = name,
        ["colour"] = "#FFC000",
        ["exportable"] = true,
        ["local"] = false,
    };
}
