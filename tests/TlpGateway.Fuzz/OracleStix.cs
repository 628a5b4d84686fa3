using System.Text.Json;
using System.Text.RegularExpressions;
using TlpGateway.Admission;
using TlpGateway.Tlp;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>
/// The STIX 2.1 export held to the OASIS schemas (<c>/work/shared/stix2-schemas</c>, written again
/// here: the common properties and each type's required ones, <c>type--uuid</c> identifiers,
/// timestamps) and to the filtered JSON answer: a bundle of <c>identity</c>, <c>indicator</c>,
/// <c>report</c> and TLP 2.0 <c>marking-definition</c> objects, no name given twice in an object,
/// every reference to an object of the bundle, every marking one of the five TLP 2.0 definitions
/// and no less restrictive than the oracle's own reading of the item's tags; each indicator an
/// attribute the filtered JSON releases (in its order, its type, its values in the pattern), each
/// report a released event holding its indicators, each identity an organisation the filtered JSON
/// shows, the forwarder or the requester.
/// </summary>
internal static partial class OracleStix
{
    private const string Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    // The official TLP 2.0 marking definitions (OASIS cti-stix-common-objects, extension-definition-specifications/tlp-2.0).
    private static readonly Dictionary<string, (TlpLevel Level, string Name)> Tlp = new(StringComparer.Ordinal)
    {
        ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"] = (TlpLevel.Clear, "clear"),
        ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"] = (TlpLevel.Green, "green"),
        ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"] = (TlpLevel.Amber, "amber"),
        ["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"] = (TlpLevel.AmberStrict, "amber+strict"),
        ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"] = (TlpLevel.Red, "red"),
    };

    // Each type's required properties beside the common ones (sdos/*.json, common/marking-definition.json).
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["identity"] = ["name"],
        ["indicator"] = ["pattern", "pattern_type", "valid_from"],
        ["report"] = ["name", "published", "object_refs"],
        ["marking-definition"] = [],
    };

    // common/identifier.json.
    [GeneratedRegex("^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")]
    private static partial Regex Identifier();

    // common/timestamp.json; core.json's created and modified have milliseconds at least.
    [GeneratedRegex(@"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"T\d{2}:\d{2}:\d{2}\.\d{3,}Z$")]
    private static partial Regex Milliseconds();

    public static void Check(byte[] export, OracleReleased released, OracleLevels levels, Requester requester, string forwarderName, string forwarderUuid)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(export);
        }
        catch (JsonException ex)
        {
            throw new FuzzFinding("the stix2 export is not JSON: " + ex.Message);
        }

        using var owned = document;
        var bundle = document.RootElement;
        Unique(bundle);
        if (Scalar(bundle, "type") != "bundle" || Scalar(bundle, "id") is not { } bundleId || !bundleId.StartsWith("bundle--", StringComparison.Ordinal) || !Identifier().IsMatch(bundleId))
        {
            throw new FuzzFinding("the STIX export is no bundle with an identifier");
        }

        var objects = bundle.TryGetProperty("objects", out var list) ? list : default;
        if (objects.ValueKind != JsonValueKind.Undefined && (objects.ValueKind != JsonValueKind.Array || objects.GetArrayLength() == 0))
        {
            throw new FuzzFinding("the bundle's objects are no list of at least one object");
        }

        var all = objects.ValueKind == JsonValueKind.Array ? objects.EnumerateArray().ToList() : [];
        var byId = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var obj in all)
        {
            Common(obj);
            byId.TryAdd(obj.GetProperty("id").GetString()!, obj);
        }

        var organisations = new HashSet<(string, string)>(released.Organisations)
        {
            (forwarderUuid.ToLowerInvariant(), forwarderName),
            (requester.OrgUuid.ToLowerInvariant(), requester.Member.Name),
        };
        var paired = new Dictionary<string, ReleasedAttribute>(StringComparer.Ordinal);
        var next = 0;
        foreach (var obj in all)
        {
            var type = obj.GetProperty("type").GetString()!;
            var id = obj.GetProperty("id").GetString()!;
            References(obj, byId);
            switch (type)
            {
                case "marking-definition":
                    Marking(obj, id);
                    break;
                case "identity":
                    if (Scalar(obj, "name") is not { } name || !(organisations.Contains((Uuid(id), name)) || organisations.Any(o => o.Item2 == name && !Accepted(o.Item1))))
                    {
                        throw new FuzzFinding("the bundle names an organisation the filtered JSON does not show: " + id + " " + Scalar(obj, "name"));
                    }

                    break;
                case "indicator":
                    var attribute = Indicator(obj, id, released, ref next);
                    paired[id] = attribute;
                    Marked(obj, Scalar(attribute.Attribute, "uuid") is { } uuid ? levels.Attribute(uuid) : null, id);
                    if (Property(attribute.Event, "Orgc") is { ValueKind: JsonValueKind.Object } orgc && Scalar(orgc, "uuid") is { } source && Accepted(source) && Scalar(orgc, "name") is { Length: > 0 }
                        && (Scalar(obj, "created_by_ref") is not { } creator || Uuid(creator) != source.ToLowerInvariant()))
                    {
                        throw new FuzzFinding($"{id} is not created by its event's source as the filtered JSON shows it ({source})");
                    }

                    break;
                case "report":
                    Report(obj, id, released, paired, levels);
                    break;
                default:
                    throw new FuzzFinding("the bundle holds an object of a type the export does not write: " + type);
            }
        }
    }

    /// <summary>What every object has (core.json; marking-definition.json has no <c>modified</c>), and its type's required properties.</summary>
    private static void Common(JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object || Scalar(obj, "type") is not { } type || !Required.TryGetValue(type, out var required))
        {
            throw new FuzzFinding("the bundle holds an object of no type the export writes");
        }

        if (Scalar(obj, "spec_version") != "2.1" || Scalar(obj, "id") is not { } id || !id.StartsWith(type + "--", StringComparison.Ordinal) || !Identifier().IsMatch(id))
        {
            throw new FuzzFinding($"a {type} has no STIX 2.1 identifier {type}--uuid: {Scalar(obj, "id")}");
        }

        foreach (var name in type == "marking-definition" ? ["created"] : (string[])["created", "modified"])
        {
            if (Scalar(obj, name) is not { } stamp || !Timestamp().IsMatch(stamp) || !Milliseconds().IsMatch(stamp))
            {
                throw new FuzzFinding($"{id} has no {name} timestamp with milliseconds: {Scalar(obj, name)}");
            }
        }

        foreach (var name in required)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0))
            {
                throw new FuzzFinding($"{id} lacks its required {name}");
            }
        }

        foreach (var name in (string[])["valid_from", "published"])
        {
            if (obj.TryGetProperty(name, out var value) && (value.ValueKind != JsonValueKind.String || !Timestamp().IsMatch(value.GetString()!)))
            {
                throw new FuzzFinding($"{id}'s {name} is no timestamp");
            }
        }
    }

    /// <summary><c>created_by_ref</c>, <c>object_marking_refs</c> and <c>object_refs</c> name objects of the bundle, of the right types.</summary>
    private static void References(JsonElement obj, Dictionary<string, JsonElement> byId)
    {
        var id = Scalar(obj, "id");
        if (obj.TryGetProperty("created_by_ref", out var creator) && (Scalar(creator) is not { } creatorId || !creatorId.StartsWith("identity--", StringComparison.Ordinal) || !byId.ContainsKey(creatorId)))
        {
            throw new FuzzFinding($"{id} is created by no identity of the bundle: {creator.GetRawText()}");
        }

        var markings = obj.TryGetProperty("object_marking_refs", out var m) ? m : default;
        if (Scalar(obj, "type") is "indicator" or "report" && (markings.ValueKind != JsonValueKind.Array || markings.GetArrayLength() != 1))
        {
            throw new FuzzFinding($"{id} is not marked with one TLP marking definition");
        }

        foreach (var marking in markings.ValueKind == JsonValueKind.Array ? markings.EnumerateArray() : default)
        {
            if (Scalar(marking) is not { } markingId || !Tlp.ContainsKey(markingId) || !byId.ContainsKey(markingId))
            {
                throw new FuzzFinding($"{id} is marked with no TLP 2.0 marking definition of the bundle: {marking.GetRawText()}");
            }
        }

        foreach (var reference in obj.TryGetProperty("object_refs", out var refs) && refs.ValueKind == JsonValueKind.Array ? refs.EnumerateArray() : default)
        {
            if (Scalar(reference) is not { } referenced || !byId.ContainsKey(referenced))
            {
                throw new FuzzFinding($"{id} lists an object the bundle does not hold: {reference.GetRawText()}");
            }
        }
    }

    private static void Marking(JsonElement obj, string id)
    {
        var tlp = Tlp.TryGetValue(id, out var known) ? known : throw new FuzzFinding("a marking definition that is no TLP 2.0 one: " + id);
        var extension = Property(Property(obj, "extensions"), Extension);
        if (Scalar(extension, "extension_type") != "property-extension" || Scalar(extension, "tlp_2_0") != tlp.Name || Scalar(obj, "name") != "TLP:" + tlp.Name.ToUpperInvariant())
        {
            throw new FuzzFinding(id + " is not the TLP 2.0 marking definition of " + tlp.Name);
        }
    }

    /// <summary>The item's marking is no less restrictive than the oracle reads its tags (when it can tell).</summary>
    private static void Marked(JsonElement obj, TlpLevel? level, string id)
    {
        var marked = Tlp[Scalar(obj.GetProperty("object_marking_refs")[0])!].Level;
        if (level is { } least && marked < least)
        {
            throw new FuzzFinding($"{id} is marked {marked}, its tags say {least}");
        }
    }

    /// <summary>The released attribute an indicator stands for: the next one, in the answer's order, of its type, UUID and values.</summary>
    private static ReleasedAttribute Indicator(JsonElement obj, string id, OracleReleased released, ref int next)
    {
        var type = Labels(obj).FirstOrDefault(l => l.StartsWith("misp:type=\"", StringComparison.Ordinal) && l.EndsWith('"'));
        var literals = Literals(Scalar(obj, "pattern") ?? string.Empty, id);
        type = type?["misp:type=\"".Length..^1];
        for (var i = next; i < released.Attributes.Count; i++)
        {
            var attribute = released.Attributes[i].Attribute;
            var uuid = Scalar(attribute, "uuid");
            var value = Scalar(attribute, "value");
            if (uuid is null || value is null || Scalar(attribute, "type") != type || (Accepted(uuid) && uuid.ToLowerInvariant() != Uuid(id)))
            {
                continue;
            }

            var bar = value.IndexOf('|', StringComparison.Ordinal);
            string[] parts = bar < 0 ? [value] : [value, value[..bar], value[(bar + 1)..]];
            if (literals.All(parts.Contains))
            {
                next = i + 1;
                return released.Attributes[i];
            }
        }

        throw new FuzzFinding($"{id} stands for no attribute the filtered JSON releases (after the one before it)");
    }

    private static IEnumerable<string> Labels(JsonElement obj) =>
        obj.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array ? labels.EnumerateArray().Select(Scalar).OfType<string>() : [];

    private static void Report(JsonElement obj, string id, OracleReleased released, Dictionary<string, ReleasedAttribute> paired, OracleLevels levels)
    {
        // The released events it may stand for (an input may repeat an event's UUID).
        var name = Scalar(obj, "name");
        var records = Enumerable.Range(0, released.Events.Count)
            .Where(r => Scalar(released.Events[r], "uuid") is { } uuid && (Accepted(uuid) ? uuid.ToLowerInvariant() == Uuid(id) : (Scalar(released.Events[r], "info") ?? string.Empty) == name))
            .ToList();
        if (records.Count == 0)
        {
            throw new FuzzFinding(id + " stands for no event the filtered JSON releases");
        }

        foreach (var reference in obj.GetProperty("object_refs").EnumerateArray())
        {
            if (!paired.TryGetValue(Scalar(reference) ?? string.Empty, out var attribute) || !records.Contains(attribute.Record))
            {
                throw new FuzzFinding($"{id} lists {reference.GetRawText()}, no indicator of its event");
            }
        }

        Marked(obj, levels.Event(Scalar(released.Events[records[0]], "uuid")!), id);
    }

    /// <summary>
    /// The values a STIX pattern compares with (the string literals after <c>=</c>, but a <c>.type</c>'s
    /// own), unescaped; a pattern that is not one bracketed comparison list of well-formed literals is a finding.
    /// </summary>
    internal static List<string> Literals(string pattern, string id)
    {
        if (!pattern.StartsWith('[') || !pattern.EndsWith(']'))
        {
            throw new FuzzFinding(id + "'s pattern is not one observation expression: " + pattern);
        }

        var values = new List<string>();
        var outside = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '\'')
            {
                outside.Append(pattern[i]);
                continue;
            }

            var literal = new System.Text.StringBuilder();
            for (i++; ; i++)
            {
                if (i >= pattern.Length)
                {
                    throw new FuzzFinding(id + "'s pattern has a string literal not closed: " + pattern);
                }

                if (pattern[i] == '\\')
                {
                    if (i + 1 >= pattern.Length || pattern[i + 1] is not ('\\' or '\''))
                    {
                        throw new FuzzFinding(id + "'s pattern escapes what STIX does not: " + pattern);
                    }

                    literal.Append(pattern[++i]);
                }
                else if (pattern[i] == '\'')
                {
                    break;
                }
                else
                {
                    literal.Append(pattern[i]);
                }
            }

            var before = outside.ToString().TrimEnd();
            if (before.EndsWith('=') && !before[..^1].TrimEnd().EndsWith(".type", StringComparison.Ordinal))
            {
                values.Add(literal.ToString());
            }
            else if (!before.EndsWith('.') && !before.EndsWith('='))
            {
                throw new FuzzFinding(id + "'s pattern has a string literal outside a comparison: " + pattern);
            }

            outside.Append("''");
        }

        // Outside its literals a pattern holds only object paths, operators and brackets.
        if (outside.ToString().Any(c => !(char.IsAsciiLetterOrDigit(c) || c is ' ' or '[' or ']' or '_' or ':' or '.' or '-' or '*' or '=' or '\'')))
        {
            throw new FuzzFinding(id + "'s pattern holds text outside its string literals: " + pattern);
        }

        return values;
    }

    /// <summary>No object of the export gives a name twice (a reader would keep one of them).</summary>
    private static void Unique(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in value.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new FuzzFinding("the STIX export gives " + property.Name + " twice in one object");
                }

                Unique(property.Value);
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in value.EnumerateArray())
            {
                Unique(element);
            }
        }
    }

    private static string? Scalar(JsonElement holder, string name) => OracleReleased.Scalar(holder, name);

    private static string? Scalar(JsonElement value) => value.ValueKind == JsonValueKind.String ? Text(value) : null;

    private static JsonElement Property(JsonElement holder, string name) =>
        holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(name, out var value) ? value : default;

    private static string Uuid(string id) => id[(id.IndexOf("--", StringComparison.Ordinal) + 2)..].ToLowerInvariant();

    /// <summary>Whether STIX's identifier pattern takes the UUID as it is (else the export derives one).</summary>
    private static bool Accepted(string uuid) => Identifier().IsMatch("x-x--" + uuid);
}
