using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TlpGateway.Tlp;

namespace TlpGateway.Rules;

/// <summary>
/// A member's rules (<see cref="MemberRules"/>) on what it writes into the hub, the twin of the rules on
/// what it receives: the event's tags as they will be stored (the default marking included), its
/// distribution and sharing group; every attribute, object, object attribute, report, proposal and
/// analyst data item with its own. Pure code over canonical items (tags as a <c>Tag</c> list).
/// </summary>
internal static class WrittenRules
{
    private static readonly string[] AnalystDataKeys = ["Note", "Opinion", "Relationship"];

    /// <summary>The rule a written event breaks, or null. <paramref name="storedTagNames"/> are the event's tag names as they will be stored.</summary>
    public static string? Event(
        JsonObject evt,
        IReadOnlyCollection<string> storedTagNames,
        IEnumerable<JsonObject> attributes,
        IEnumerable<JsonObject> objects,
        IEnumerable<JsonObject> reports,
        IEnumerable<JsonObject> proposals,
        MemberRules rules)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.IsEmpty)
        {
            return null;
        }

        var distribution = Number(evt["distribution"]);
        var broken = rules.EventRule([.. storedTagNames.Select(TagName.Canonical)], distribution, SharingGroup(evt)) ?? AnalystData(evt, rules, distribution);
        foreach (var attribute in attributes)
        {
            broken ??= Attribute(attribute, rules, distribution);
        }

        foreach (var obj in objects)
        {
            broken ??= Object(obj, rules, distribution);
        }

        foreach (var report in reports)
        {
            broken ??= Item(report, rules, distribution);
        }

        foreach (var proposal in proposals)
        {
            broken ??= Attribute(proposal, rules, distribution);
        }

        return broken;
    }

    /// <summary>The rule an attribute (or a proposal, an attribute to be) breaks, its proposals and analyst data included.</summary>
    public static string? Attribute(JsonObject attribute, MemberRules rules, int? parentDistribution)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        ArgumentNullException.ThrowIfNull(rules);
        var distribution = MemberRules.Resolve(Number(attribute["distribution"]), parentDistribution);
        var broken = rules.AttributeRule(Text(attribute["type"]), Text(attribute["category"]), distribution, SharingGroup(attribute), TagNames(attribute));
        foreach (var proposal in Items(attribute["ShadowAttribute"]))
        {
            broken ??= rules.AttributeRule(Text(proposal["type"]), Text(proposal["category"]), distribution, SharingGroup(attribute), []);
        }

        return broken ?? AnalystData(attribute, rules, distribution);
    }

    /// <summary>The rule an object breaks by its name, distribution or sharing group, or one of its attributes does.</summary>
    public static string? Object(JsonObject obj, MemberRules rules, int? parentDistribution)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(rules);
        var distribution = MemberRules.Resolve(Number(obj["distribution"]), parentDistribution);
        var broken = rules.ObjectRule(Text(obj["name"]), distribution, SharingGroup(obj)) ?? AnalystData(obj, rules, distribution);
        foreach (var attribute in (obj["Attribute"] as JsonArray ?? []).OfType<JsonObject>())
        {
            broken ??= Attribute(attribute, rules, distribution);
        }

        return broken;
    }

    /// <summary>The rule an item with a distribution of its own (report, analyst data, cluster) breaks, or null.</summary>
    public static string? Item(JsonObject item, MemberRules rules, int? parentDistribution)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(rules);
        var distribution = MemberRules.Resolve(Number(item["distribution"]), parentDistribution);
        return rules.ItemRule(distribution, SharingGroup(item)) ?? AnalystData(item, rules, distribution);
    }

    /// <summary>The rule a tag added by name breaks: a blocked tag, or one its taxonomy's <c>allowedTags</c> leaves out.</summary>
    public static string? Tag(string name, MemberRules rules)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(rules);
        var canonical = TagName.Canonical(name);
        if (rules.BlockedTags.Contains(canonical))
        {
            return RuleNames.BlockedTags;
        }

        return MemberRules.Taxonomy(canonical) is { } taxonomy && rules.AllowedTags.TryGetValue(taxonomy, out var allowed) && !allowed.Contains(canonical)
            ? RuleNames.AllowedTags
            : null;
    }

    /// <summary>
    /// The rule a tag named by an SQL <c>LIKE</c> pattern breaks (<c>TagsController::attachTagToObject</c> finds
    /// its tag with <c>Tag.name LIKE</c>: <c>%</c> and <c>_</c> match other tags, <c>\</c> escapes). Without a
    /// wildcard the pattern is the name it spells; with one it is refused when it matches a blocked tag, or
    /// when the member limits a taxonomy's tags (the gateway cannot list the tags MISP holds).
    /// </summary>
    public static string? TagPattern(string pattern, MemberRules rules)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(rules);
        var literal = new StringBuilder();
        var regex = new StringBuilder("^");
        var wildcard = false;
        var canonical = TagName.Canonical(pattern);
        for (var i = 0; i < canonical.Length; i++)
        {
            var c = canonical[i];
            if (c == '\\' && i + 1 < canonical.Length)
            {
                c = canonical[++i];
            }
            else if (c is '%' or '_')
            {
                wildcard = true;
                regex.Append(c == '%' ? ".*" : ".");
                continue;
            }

            literal.Append(c);
            regex.Append(Regex.Escape(c.ToString()));
        }

        if (!wildcard)
        {
            return Tag(literal.ToString(), rules);
        }

        var matcher = new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        return rules.BlockedTags.Any(matcher.IsMatch) ? RuleNames.BlockedTags : rules.AllowedTags.Count > 0 ? RuleNames.AllowedTags : null;
    }

    /// <summary>
    /// A distribution level as MISP stores it in an integer column: <c>"3"</c>, <c>3</c>, and also
    /// <c>"3.0"</c>, <c>"03"</c> or <c>3.9</c>, which PHP and MySQL read as 3, and <c>true</c>, which CakePHP
    /// validates as <c>"1"</c> (PHP's text of it); null when absent or not a number.
    /// </summary>
    private static int? Number(JsonNode? node)
    {
        var text = Requests.PhpValue.Text(node)?.Trim();
        return text is not null && Requests.PhpValue.IsNumericString(text)
            && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && number is >= int.MinValue and <= int.MaxValue
                ? (int)Math.Truncate(number)
                : null;
    }

    /// <summary>Notes, opinions and relationships embedded in an item: each is judged by its own distribution.</summary>
    private static string? AnalystData(JsonObject holder, MemberRules rules, int? parentDistribution)
    {
        foreach (var key in AnalystDataKeys)
        {
            foreach (var item in Items(holder[key]))
            {
                if (Item(item, rules, parentDistribution) is { } broken)
                {
                    return broken;
                }
            }
        }

        return null;
    }

    /// <summary>A list of items as PHP's <c>foreach</c> reads it (an object of objects is a list of them; one item stands alone).</summary>
    private static IEnumerable<JsonObject> Items(JsonNode? node) => node switch
    {
        JsonArray list => list.OfType<JsonObject>(),
        JsonObject obj when obj.Count > 0 && obj.All(p => p.Value is JsonObject) => obj.Select(p => p.Value).OfType<JsonObject>(),
        JsonObject single => [single],
        _ => [],
    };

    private static string? SharingGroup(JsonObject holder) => Text((holder["SharingGroup"] as JsonObject)?["uuid"]);

    private static List<string> TagNames(JsonObject holder) =>
        [.. (holder["Tag"] as JsonArray ?? []).OfType<JsonObject>().Select(tag => Text(tag["name"])).OfType<string>().Select(TagName.Canonical)];

    private static string? Text(JsonNode? node) => node is JsonValue value ? value.ToString() : null;
}
