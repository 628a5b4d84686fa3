using System.Globalization;
using System.Text.Json.Nodes;

namespace TlpGateway.Members;

/// <summary>An edit the maintainer asked for that cannot be made as asked; the file is left untouched.</summary>
internal sealed class MemberEditException(string message) : Exception(message);

/// <summary>
/// The edits of the maintainers' command, each on the file's text (<see cref="MembersFileText"/>) so
/// only what changes is rewritten. Each returns the line the command prints once the edit is written.
/// Whether the result is a valid file is decided afterwards, whole, by the gateway's own parser.
/// </summary>
internal static class MemberEdit
{
    public static string Add(MembersFileText text, string id, string orgUuid, string relation, string maxTlp, string? name, IReadOnlyList<string> networks)
    {
        if (text.Member(id) is not null)
        {
            throw new MemberEditException($"member '{id}' already exists");
        }

        text.AddMember(new JsonObject
        {
            ["id"] = id,
            ["name"] = name ?? id,
            ["orgUuid"] = orgUuid,
            ["networks"] = new JsonArray([.. networks.Select(n => (JsonNode?)n)]),
            ["relation"] = relation,
            ["maxTlp"] = maxTlp,
        });
        return $"added member '{id}'";
    }

    public static string Remove(MembersFileText text, string id)
    {
        Require(text, id);
        text.RemoveMember(id);
        return $"removed member '{id}'";
    }

    public static string Allow(MembersFileText text, string id, IReadOnlyList<string> cidrs)
    {
        var networks = Networks(text, id);
        foreach (var cidr in cidrs)
        {
            if (networks.Any(n => Same(n, cidr)))
            {
                throw new MemberEditException($"member '{id}' already has {cidr}");
            }

            networks.Add(cidr);
        }

        text.SetMemberField(id, "networks", networks);
        return $"member '{id}': allowed {string.Join(", ", cidrs)}";
    }

    public static string Disallow(MembersFileText text, string id, IReadOnlyList<string> cidrs)
    {
        var networks = Networks(text, id);
        foreach (var cidr in cidrs)
        {
            var existing = networks.FirstOrDefault(n => Same(n, cidr)) ?? throw new MemberEditException($"member '{id}' has no network {cidr}");
            networks.Remove(existing);
        }

        text.SetMemberField(id, "networks", networks);
        return $"member '{id}': disallowed {string.Join(", ", cidrs)}";
    }

    public static string Suspend(MembersFileText text, string id, string? until, TimeSpan? span, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        string written;
        if (span is { } duration)
        {
            written = now.Add(duration).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
        else
        {
            written = until!;
            CheckFuture(until!, now);
        }

        Require(text, id);
        text.SetMemberField(id, "suspendedUntil", written);
        return $"member '{id}': suspended until {written}";
    }

    public static string Revoke(MembersFileText text, string id)
    {
        Require(text, id);
        text.SetMemberField(id, "revoked", true);
        return $"member '{id}': revoked";
    }

    /// <summary>Clears suspension and revocation where the entry has them; adds nothing.</summary>
    public static string Reinstate(MembersFileText text, string id)
    {
        var member = Require(text, id);
        if (member.ContainsKey("revoked"))
        {
            text.SetMemberField(id, "revoked", false);
        }

        if (member.ContainsKey("suspendedUntil"))
        {
            text.SetMemberField(id, "suspendedUntil", null);
        }

        return $"member '{id}': reinstated";
    }

    public static string SetMember(MembersFileText text, string id, string field, IReadOnlyList<string> words, TimeProvider timeProvider)
    {
        var member = Require(text, id);
        var spec = Spec(MembersFileSchema.Member, field, "member");
        if (field == "suspendedUntil" && words.Count == 1)
        {
            CheckFuture(words[0], timeProvider.GetUtcNow());
        }

        text.SetMemberField(id, field, Value(spec, words, member[field]));
        return $"member '{id}': {field} set";
    }

    public static string UnsetMember(MembersFileText text, string id, string field, string? key)
    {
        var member = Require(text, id);
        var spec = Spec(MembersFileSchema.Member, field, "member");
        if (key is not null)
        {
            if (spec.Kind != FieldKind.TagMap || member[field] is not JsonObject map || !map.ContainsKey(key))
            {
                throw new MemberEditException($"member '{id}' has no {field} entry '{key}'");
            }

            map.Remove(key);
            text.SetMemberField(id, field, map.DeepClone());
            return $"member '{id}': {field}.{key} removed";
        }

        return text.RemoveMemberField(id, field) ? $"member '{id}': {field} removed" : throw new MemberEditException($"member '{id}' has no field '{field}'");
    }

    public static string SetCommunity(MembersFileText text, string field, IReadOnlyList<string> words)
    {
        var community = text.Community() ?? throw new MemberEditException("the file has no 'community' object");
        text.SetCommunityField(field, Value(Spec(MembersFileSchema.Community, field, "community"), words, community[field]));
        return $"community: {field} set";
    }

    public static string UnsetCommunity(MembersFileText text, string field)
    {
        _ = Spec(MembersFileSchema.Community, field, "community");
        return text.RemoveCommunityField(field) ? $"community: {field} removed" : throw new MemberEditException($"the community has no field '{field}'");
    }

    /// <summary>How the words after a field name become its JSON value; the parser then judges the value like any other.</summary>
    private static JsonNode? Value(FieldSpec spec, IReadOnlyList<string> words, JsonNode? current)
    {
        string One() => words.Count == 1 ? words[0] : throw new MemberEditException($"'{spec.Name}' takes one value, got {words.Count}");
        switch (spec.Kind)
        {
            case FieldKind.Text:
                return One();
            case FieldKind.Flag:
                return One() switch { "true" => true, "false" => false, var other => other };
            case FieldKind.TextList:
                return new JsonArray([.. words.Select(w => (JsonNode?)w)]);
            case FieldKind.NumberList:
                return new JsonArray([.. words.Select(w => int.TryParse(w, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? (JsonNode?)n : w)]);
            case FieldKind.Organisation:
                return words.Count == 2
                    ? new JsonObject { ["name"] = words[0], ["uuid"] = words[1] }
                    : throw new MemberEditException($"'{spec.Name}' takes a name and a UUID, e.g. set ... {spec.Name} \"Example hub\" 00000000-0000-4000-8000-000000000001");
            default:
                if (words.Count < 1)
                {
                    throw new MemberEditException($"'{spec.Name}' takes a taxonomy and its allowed tags, e.g. set ... {spec.Name} tlp tlp:clear tlp:green");
                }

                var map = current is JsonObject existing ? (JsonObject)existing.DeepClone() : [];
                map[words[0]] = new JsonArray([.. words.Skip(1).Select(w => (JsonNode?)w)]);
                return map;
        }
    }

    private static FieldSpec Spec(FieldSpec[] fields, string field, string what) =>
        fields.FirstOrDefault(f => f.Name == field)
        ?? throw new MemberEditException($"'{field}' is not a {what} field (known: {string.Join(", ", fields.Select(f => f.Name))})");

    private static void CheckFuture(string until, DateTimeOffset now)
    {
        if (MembersFileParser.TryParseTime(until, out var time) && time <= now)
        {
            throw new MemberEditException($"{until} is already past (now {now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}): a suspension must end in the future; use revoke to refuse a member until reinstated");
        }
    }

    private static JsonObject Require(MembersFileText text, string id) => text.Member(id) ?? throw new MemberEditException($"no member '{id}'");

    private static JsonArray Networks(MembersFileText text, string id) =>
        Require(text, id)["networks"] is JsonArray networks ? (JsonArray)networks.DeepClone() : [];

    /// <summary>The same network however written (<c>2001:DB8::/32</c> and <c>2001:db8::/32</c>); an entry that is no string (an error the validator reports) is none.</summary>
    private static bool Same(JsonNode? entry, string asked) =>
        entry is JsonValue value && value.TryGetValue<string>(out var written)
        && (written == asked || (Admission.NetworkList.ParseOne(written) is { } a && Admission.NetworkList.ParseOne(asked) is { } b && a.Equals(b)));
}
