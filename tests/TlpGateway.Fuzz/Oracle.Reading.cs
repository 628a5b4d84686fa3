using System.Text.Json;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>How the oracle reads an answer's records and the TLP tags of its items.</summary>
internal sealed partial class Oracle
{
    private static void AddName(ref OracleMarking marking, JsonElement name)
    {
        if (name.ValueKind == JsonValueKind.String)
        {
            marking.Add(OracleJson.Text(name));
        }
        else
        {
            marking.AddUnreadable();
        }
    }

    /// <summary>An event's marking: its <c>Tag</c> list, and the <c>EventTag</c> links of index rows.</summary>
    internal static OracleMarking EventMarking(JsonElement evt) => Marking(evt, "Tag", "EventTag");

    /// <summary>The TLP marking of every tag in every list of the item under <paramref name="tags"/> or (as links <c>{"Tag": {...}}</c>) <paramref name="links"/>; a tag the oracle cannot read counts as unknown.</summary>
    internal static OracleMarking Marking(JsonElement item, string tags, string links) => Marking([item], tags, links);

    /// <summary>The TLP marking of every tag of every one of <paramref name="items"/> together (an item's event stubs).</summary>
    internal static OracleMarking Marking(IEnumerable<JsonElement> items, string tags, string links)
    {
        var marking = default(OracleMarking);
        var all = items.SelectMany(item => Values(item, tags).SelectMany(Elements).Concat(Values(item, links).SelectMany(Elements).SelectMany(link => Values(link, "Tag"))));
        foreach (var tag in all)
        {
            var named = false;
            foreach (var name in Values(tag, "name"))
            {
                named = true;
                AddName(ref marking, name);
            }

            if (!named && tag.ValueKind != JsonValueKind.Null)
            {
                marking.AddUnreadable();
            }
        }

        return marking;
    }

    // The rows of an /attributes/restSearch answer: {"response": {"Attribute": [row, ...]}}.
    private static List<JsonElement> AttributeRows(JsonElement root) =>
        Values(root, "response").SelectMany(response => Items(response, "Attribute")).ToList();

    // The records of an answer: restSearch's response list (or object-list), a bare list, or one record.
    internal static List<JsonElement> Records(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root.EnumerateArray().ToList();
        }

        var response = Values(root, "response");
        return response.Count == 0 ? [root] : response.Where(r => !Has(r, "Attribute")).SelectMany(Elements).ToList();
    }
}
