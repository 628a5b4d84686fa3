using System.Text;
using System.Text.Json;
using TlpGateway.Admission;
using TlpGateway.Tlp;

namespace TlpGateway.Fuzz;

/// <summary>
/// What a requester may not be told, read from a <c>restSearch</c> answer by the rules alone (SPEC
/// sections 3 and 4), without the filter's scan: the UUIDs of the events and attributes it may not
/// receive, and of the source organisations hidden from it (every source for a third party; for a
/// member, those of events under CHR, with the community's <c>chathamHouse: tagged</c>).
/// </summary>
/// <remarks>
/// It reads every duplicate of a name (a second <c>Tag</c> list counts) and PHP's object-lists. UUIDs
/// that the input also holds in text the requester may receive are dropped, so that an answer is
/// never faulted for free text MISP lets through (SPEC section 4: free text is not rewritten).
/// Correlations, object references and reports are not such text: with every related event
/// withheld and every forbidden attribute removed, what they name goes with them.
/// </remarks>
internal static class Oracle
{
    private static readonly string[] SourceObjects = ["Orgc", "Org", "Organisation"];
    private static readonly string[] SourceUuids = ["orgc_uuid", "org_uuid", "organisation_uuid"];
    private static readonly string[] Removable = ["RelatedEvent", "RelatedAttribute", "Feed", "Server", "ObjectReference", "EventReport"];
    private const string Forwarder = "00000000-0000-4000-8000-000000000001";

    public static IReadOnlyList<string> Forbidden(JsonElement root, TlpLevel defaultLevel, Requester requester)
    {
        var hidesEverySource = requester.Member.Relation == Members.MemberRelation.ThirdParty;
        var forbidden = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var allowedText = new StringBuilder();
        foreach (var row in AttributeRows(root))
        {
            // An attribute row is judged by its event's tags when MISP marked some of them inherited, else through its event, looked up (withheld here).
            var eventMarking = default(TlpMarking);
            var own = default(TlpMarking);
            var inherited = false;
            foreach (var tag in Values(row, "Tag").SelectMany(Elements))
            {
                var isInherited = Values(tag, "inherited").Any(Truthy);
                inherited |= isInherited;
                foreach (var name in Values(tag, "name"))
                {
                    (isInherited ? ref eventMarking : ref own).Add(name.ValueKind == JsonValueKind.String ? name.GetString()! : "tlp:unreadable");
                }
            }

            foreach (var name in Values(row, "Event").SelectMany(stub => Values(stub, "Tag")).SelectMany(Elements).SelectMany(tag => Values(tag, "name")))
            {
                eventMarking.Add(name.ValueKind == JsonValueKind.String ? name.GetString()! : "tlp:unreadable");
            }

            var level = eventMarking.Effective(defaultLevel);
            level = own.HasLevel || own.Unknown ? Max(level, own.Effective(defaultLevel)) : level;
            if (!inherited || !EntitlementPolicy.MayReceive(level, null, requester))
            {
                AddUuids(row, forbidden);
                Sources(row, forbidden);
            }
            else
            {
                var hide = hidesEverySource || eventMarking.ChathamHouse || eventMarking.Unknown || !eventMarking.HasLevel;
                AllowUuids(row, allowedText);
                Walk(row, level, hide, defaultLevel, requester, forbidden, allowedText);
            }
        }

        foreach (var record in Records(root))
        {
            var events = Values(record, "Event").ToList();
            if (events.Count == 0 && hidesEverySource)
            {
                // Any other record (a row, an item): a third party is told no source, whatever the record.
                Walk(record, TlpLevel.Clear, hide: true, defaultLevel, requester, forbidden, allowedText);
            }

            foreach (var evt in events)
            {
                if (evt.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var marking = Marking(evt);
                var level = marking.Effective(defaultLevel);
                if (!EntitlementPolicy.MayReceive(level, null, requester))
                {
                    AddUuids(evt, forbidden);
                    Sources(evt, forbidden);
                    continue;
                }

                // CHR applies to an event tagged so, and to one whose TLP is unknown or defaulted (SPEC section 2).
                var hide = hidesEverySource || marking.ChathamHouse || marking.Unknown || !marking.HasLevel;
                AllowUuids(evt, allowedText);
                Walk(evt, level, hide, defaultLevel, requester, forbidden, allowedText);
            }
        }

        var text = allowedText.ToString();
        return forbidden.Where(uuid => !uuid.Equals(Forwarder, StringComparison.OrdinalIgnoreCase) && !text.Contains(uuid, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    // An allowed item: its attributes judged, its hidden sources noted, its text the requester may read.
    private static void Walk(JsonElement item, TlpLevel level, bool hide, TlpLevel defaultLevel, Requester requester, HashSet<string> forbidden, StringBuilder allowedText)
    {
        if (item.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in item.EnumerateArray())
            {
                Walk(element, level, hide, defaultLevel, requester, forbidden, allowedText);
            }

            return;
        }

        if (item.ValueKind == JsonValueKind.String)
        {
            allowedText.Append(item.GetString()).Append('\n');
            return;
        }

        if (item.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in item.EnumerateObject())
        {
            allowedText.Append(property.Name).Append('\n');
            var name = property.Name;
            if ((SourceObjects.Contains(name) || IsOrganisation(property.Value)) && hide)
            {
                // A source: hidden (its name becomes the forwarder's), so nothing of it is text the requester is known to receive.
                AddUuids(property.Value, forbidden);
            }
            else if (SourceUuids.Contains(name) && hide)
            {
                AddString(property.Value, forbidden);
            }
            else if (SourceObjects.Contains(name) || SourceUuids.Contains(name))
            {
                // A source shown: the requester may read who it is.
                AllowSource(property.Value, allowedText);
            }
            else if (!hide && property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && Shapes.KeyNames.Find(Encoding.UTF8.GetBytes(name)) == Shapes.Key.Other)
            {
                // A block under a name the gateway does not read stays as MISP wrote it where the source is shown (docs/behaviour.md, section 4).
                allowedText.Append(property.Value.GetRawText()).Append('\n');
            }
            else if (name.Contains("uuid", StringComparison.OrdinalIgnoreCase) || Removable.Contains(name))
            {
                // What such a name holds may have to go with a removed item: it is no text the requester is known to receive.
                if (hide)
                {
                    Sources(property.Value, forbidden);
                }
            }
            else if (name == "Attribute")
            {
                foreach (var attribute in Elements(property.Value))
                {
                    var own = attribute.ValueKind == JsonValueKind.Object ? Marking(attribute) : default;
                    var attributeLevel = own.HasLevel || own.Unknown ? Max(level, own.Effective(defaultLevel)) : level;
                    if (!EntitlementPolicy.MayReceive(attributeLevel, null, requester))
                    {
                        AddUuids(attribute, forbidden);
                        Sources(attribute, forbidden);
                    }
                    else
                    {
                        AllowUuids(attribute, allowedText);
                        Walk(attribute, attributeLevel, hide, defaultLevel, requester, forbidden, allowedText);
                    }
                }
            }
            else
            {
                Walk(property.Value, level, hide, defaultLevel, requester, forbidden, allowedText);
            }
        }
    }

    private static TlpLevel Max(TlpLevel a, TlpLevel b) => a > b ? a : b;

    // An organisation under whatever name: an object of an organisation's fields, with a UUID.
    private static bool IsOrganisation(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && Values(value, "uuid").Any()
        && value.EnumerateObject().All(p => p.Name is "id" or "name" or "uuid" or "local" or "type" or "nationality" or "sector");

    // An item the requester may receive: its UUID may leave, though another item with the same UUID may not (an input that repeats one).
    private static void AllowUuids(JsonElement item, StringBuilder allowedText)
    {
        foreach (var uuid in Values(item, "uuid").Where(u => u.ValueKind == JsonValueKind.String))
        {
            allowedText.Append(uuid.GetString()).Append('\n');
        }
    }

    private static void AllowSource(JsonElement source, StringBuilder allowedText)
    {
        if (source.ValueKind == JsonValueKind.Object)
        {
            AllowUuids(source, allowedText);
        }
        else if (source.ValueKind == JsonValueKind.String)
        {
            allowedText.Append(source.GetString()).Append('\n');
        }
    }

    /// <summary>The TLP marking of every tag in every <c>Tag</c> list of the item; a tag the oracle cannot read counts as unknown.</summary>
    private static TlpMarking Marking(JsonElement item)
    {
        var marking = default(TlpMarking);
        foreach (var tags in Values(item, "Tag"))
        {
            foreach (var tag in Elements(tags))
            {
                var named = false;
                foreach (var name in Values(tag, "name"))
                {
                    named = true;
                    marking.Add(name.ValueKind == JsonValueKind.String ? name.GetString()! : "tlp:unreadable");
                }

                if (!named && tag.ValueKind != JsonValueKind.Null)
                {
                    marking.Add("tlp:unreadable");
                }
            }
        }

        return marking;
    }

    // The rows of an /attributes/restSearch answer: {"response": {"Attribute": [row, ...]}}.
    private static IEnumerable<JsonElement> AttributeRows(JsonElement root) =>
        Values(root, "response").SelectMany(response => Values(response, "Attribute")).SelectMany(Elements).Where(row => row.ValueKind == JsonValueKind.Object).ToList();

    // PHP's truthiness of a flag: false, 0, "0", "" and null are false.
    private static bool Truthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => value.GetRawText() is not ("0" or "0.0" or "-0"),
        JsonValueKind.String => value.GetString() is not ("" or "0"),
        JsonValueKind.Array or JsonValueKind.Object => value.GetRawText().Trim() is not ("[]" or "{}"),
        _ => false,
    };

    // The records of an answer: restSearch's response list (or object-list), a bare list, or one record.
    private static IEnumerable<JsonElement> Records(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root.EnumerateArray().ToList();
        }

        var response = Values(root, "response").ToList();
        return response.Count == 0 ? [root] : response.Where(r => !Values(r, "Attribute").Any()).SelectMany(Elements).ToList();
    }

    private static IEnumerable<JsonElement> Values(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object ? item.EnumerateObject().Where(p => p.Name == name).Select(p => p.Value).ToList() : [];

    // A list as PHP writes one: an array, or an object of its elements.
    private static IEnumerable<JsonElement> Elements(JsonElement list) => list.ValueKind switch
    {
        JsonValueKind.Array => list.EnumerateArray().ToList(),
        JsonValueKind.Object => list.EnumerateObject().Select(p => p.Value).ToList(),
        _ => [],
    };

    private static void AddUuids(JsonElement item, HashSet<string> into)
    {
        foreach (var uuid in Values(item, "uuid"))
        {
            AddString(uuid, into);
        }
    }

    // Only what has about a UUID's length: a much shorter value (a UUID cut by a mutation) may stand inside another item's UUID.
    private static void AddString(JsonElement value, HashSet<string> into)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: >= 32 } text)
        {
            into.Add(text);
        }
    }

    // The source organisations named anywhere in a subtree.
    private static void Sources(JsonElement item, HashSet<string> into)
    {
        switch (item.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var element in item.EnumerateArray())
                {
                    Sources(element, into);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in item.EnumerateObject())
                {
                    if (SourceObjects.Contains(property.Name) || IsOrganisation(property.Value))
                    {
                        AddUuids(property.Value, into);
                    }
                    else if (SourceUuids.Contains(property.Name))
                    {
                        AddString(property.Value, into);
                    }

                    Sources(property.Value, into);
                }

                break;
        }
    }
}
