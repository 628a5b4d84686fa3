using System.Collections.Frozen;
using System.Net;
using System.Text.Json;
using TlpGateway.Rules;
using TlpGateway.Tlp;

namespace TlpGateway.Members;

/// <summary>The members file did not validate; <see cref="Errors"/> says which member, which field, what is wrong.</summary>
internal sealed class MembersFileException(IReadOnlyList<string> errors, string? path = null)
    : Exception($"members file {path ?? string.Empty}{(path is null ? string.Empty : " ")}is invalid: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>One error or warning about the members file; <see cref="Member"/> is the index of the entry it concerns, if one.</summary>
internal sealed record MembersFileProblem(int? Member, string Message);

/// <summary>What the parser found: the registry when the file is valid, and every error and warning either way.</summary>
internal sealed class MembersFileReport(MembersRegistry? registry, IReadOnlyList<MembersFileProblem> errors, IReadOnlyList<MembersFileProblem> warnings)
{
    /// <summary>The registry, or null when <see cref="Errors"/> is not empty.</summary>
    public MembersRegistry? Registry { get; } = registry;

    public IReadOnlyList<MembersFileProblem> Errors { get; } = errors;

    /// <summary>Valid but probably unintended (a network open to everyone, a member nobody can connect as).</summary>
    public IReadOnlyList<MembersFileProblem> Warnings { get; } = warnings;
}

/// <summary>
/// Reads and validates the members file (docs/behaviour.md, section 2). Strict by design: an unknown field, a
/// duplicate key, id or organisation, a bad CIDR or an unknown value is an error, because a typo
/// must never weaken a rule silently. Every error is collected, not just the first.
/// </summary>
internal static partial class MembersFileParser
{
    private const string NotAUuid = "is not a UUID as MISP writes one (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)";

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false, CommentHandling = JsonCommentHandling.Disallow };

    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    /// <summary>The first duplicate key of <paramref name="json"/> as an error naming it and its line (which JsonDocument's exception does not give); null when there is none.</summary>
    internal static string? DuplicateKey(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var objects = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    objects.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.EndObject:
                    objects.Pop();
                    break;
                case JsonTokenType.PropertyName when reader.GetString() is { } name && !objects.Peek().Add(name):
                    return $"not valid JSON (line {json[..(int)reader.TokenStartIndex].Count((byte)'\n') + 1}): duplicate key '{name}' in one object";
            }
        }

        return null;
    }

    /// <summary>The registry the file describes; throws <see cref="MembersFileException"/> listing every error.</summary>
    public static MembersRegistry Parse(ReadOnlySpan<byte> json)
    {
        var report = Check(json);
        return report.Registry ?? throw new MembersFileException([.. report.Errors.Select(e => e.Message)]);
    }

    /// <summary>Every error and warning of the file, and its registry when it has no error.</summary>
    public static MembersFileReport Check(ReadOnlySpan<byte> json)
    {
        var errors = new ProblemList();
        var warnings = new ProblemList();

        // Editors on some systems write a UTF-8 byte order mark; it is not part of the JSON.
        if (json.StartsWith(ByteOrderMark))
        {
            json = json[3..];
        }

        JsonDocument document;
        try
        {
            Requests.StrictJson.ThrowIfNotUtf8(json);
            Requests.StrictJson.ThrowIfUnreadable(json, DocumentOptions.MaxDepth);
            document = JsonDocument.Parse(json.ToArray(), DocumentOptions);
        }
        catch (JsonException ex)
        {
            errors.Add(ex.LineNumber is { } line ? $"not valid JSON (line {line + 1}): {ex.Message}" : DuplicateKey(json) ?? $"not valid JSON: {ex.Message}");
            return new MembersFileReport(null, errors.Items, warnings.Items);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add("the file must hold a JSON object with 'community' and 'members'");
                return new MembersFileReport(null, errors.Items, warnings.Items);
            }

            CheckFields(root, ["community", "members"], "file", errors);
            var community = root.TryGetProperty("community", out var c) ? ParseCommunity(c, errors) : Missing<CommunitySettings>("community", errors);
            var members = new List<(int Index, MemberEntry Entry)>();
            if (!root.TryGetProperty("members", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                errors.Add("'members' is required and must be a list");
            }
            else
            {
                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    errors.Member = warnings.Member = index;
                    if (ParseMember(item, index, errors) is { } member)
                    {
                        members.Add((index, member));
                        foreach (var warning in NetworkDiagnosis.Warnings(member.Networks))
                        {
                            warnings.Add($"member '{member.Id}': {warning}");
                        }
                    }

                    index++;
                }

                errors.Member = warnings.Member = null;
            }

            foreach (var (member, warning) in NetworkDiagnosis.Overlaps([.. members.Select(m => (m.Index, m.Entry.Id, m.Entry.Networks))]))
            {
                warnings.Member = member;
                warnings.Add($"member '{members.Single(m => m.Index == member).Entry.Id}': {warning}");
            }

            foreach (var (index, entry) in members)
            {
                // The forwarding organisation may be a member (the hub's host), but not shown to that member itself.
                if ((entry.ForwardAs ?? community?.Forwarder) is { } shown && string.Equals(shown.Uuid, entry.OrgUuid, StringComparison.OrdinalIgnoreCase))
                {
                    warnings.Member = index;
                    warnings.Add($"member '{entry.Id}': other organisations' events with hidden sources are shown to it as its own ({(entry.ForwardAs is null ? "community.forwarder" : "forwardAs")} has its orgUuid): its MISP would take them for events it created");
                }
            }

            warnings.Member = null;
            CheckUnique(members, m => m.Id, "id", errors);
            CheckUnique(members, m => m.OrgUuid, "orgUuid", errors);
            var valid = errors.Count == 0 && community is not null;
            return new MembersFileReport(valid ? new MembersRegistry(community!, [.. members.Select(m => m.Entry)]) : null, errors.Items, warnings.Items);
        }
    }

    private static CommunitySettings? ParseCommunity(JsonElement element, ProblemList errors)
    {
        const string Where = "community";
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'community' must be an object");
            return null;
        }

        CheckFields(element, MembersFileSchema.CommunityFields, Where, errors);
        var name = RequiredString(element, "name", Where, errors);
        if (name is not null && NameProblem(name) is { } nameProblem)
        {
            errors.Add($"{Where}: 'name' {nameProblem}");
            name = null;
        }

        var forwarder = element.TryGetProperty("forwarder", out var f) ? ParseOrganisation(f, $"{Where}.forwarder", errors) : Missing<OrganisationRef>($"{Where}: 'forwarder'", errors);
        var defaultTlp = element.TryGetProperty("defaultTlp", out var d) ? ParseTlp(d, $"{Where}: 'defaultTlp'", allowRed: true, errors) : TlpLevel.Amber;
        ChathamHouseMode? chr = null;
        switch (RequiredString(element, "chathamHouse", Where, errors))
        {
            case "always":
                chr = ChathamHouseMode.Always;
                break;
            case "tagged":
                chr = ChathamHouseMode.Tagged;
                break;
            case { } other:
                errors.Add($"{Where}: 'chathamHouse' is '{other}', expected 'always' or 'tagged'");
                break;
        }

        var terms = OptionalBool(element, "requireAcceptedTerms", Where, errors);
        return name is null || forwarder is null || defaultTlp is null || chr is null
            ? null
            : new CommunitySettings(name, forwarder, defaultTlp.Value, chr.Value, terms);
    }

    private static MemberEntry? ParseMember(JsonElement element, int index, ProblemList errors)
    {
        var where = $"members[{index}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where} must be an object");
            return null;
        }

        if (element.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String && Unprintable(idElement.GetString()!) is null)
        {
            where = $"member '{idElement.GetString()}'";
        }

        var before = errors.Count;
        CheckFields(element, MembersFileSchema.MemberFields, where, errors);
        var id = RequiredString(element, "id", where, errors);
        if (id is not null && string.IsNullOrWhiteSpace(id))
        {
            errors.Add($"{where}: 'id' must not be empty");
        }
        else if (id is not null && Unprintable(id) is { } problem)
        {
            // The id is what maintainers type (suspend ID), what replicas key published states by, and what logs and metrics name.
            errors.Add($"{where}: 'id' {JsonSerializer.Serialize(id)} {problem}");
        }

        var name = OptionalName(element, "name", where, errors);

        var orgUuid = RequiredString(element, "orgUuid", where, errors);
        if (orgUuid is not null && !IsUuid(orgUuid))
        {
            errors.Add($"{where}: 'orgUuid' '{orgUuid}' {NotAUuid}");
        }

        var networks = ParseNetworks(element, where, errors);
        MemberRelation? relation = RequiredString(element, "relation", where, errors) switch
        {
            null => null,
            "member" => MemberRelation.Member,
            "third-party" => MemberRelation.ThirdParty,
            var other => Invalid<MemberRelation>($"{where}: 'relation' is '{other}', expected 'member' or 'third-party'", errors),
        };
        var maxTlp = element.TryGetProperty("maxTlp", out var m) ? ParseTlp(m, $"{where}: 'maxTlp'", allowRed: false, errors) : Invalid<TlpLevel>($"{where}: 'maxTlp' is required", errors);
        var redRecipients = ParseStrings(element, "redRecipients", where, errors);
        foreach (var email in redRecipients)
        {
            // MISP's e-mail addresses hold no space or control character: such an entry would never match anyone, silently.
            if (!email.Contains('@', StringComparison.Ordinal) || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                errors.Add($"{where}: 'redRecipients' entry {JsonSerializer.Serialize(email)} is not an e-mail address");
            }
        }

        OrganisationRef? forwardAs = null;
        if (element.TryGetProperty("forwardAs", out var fa) && fa.ValueKind != JsonValueKind.Null)
        {
            forwardAs = ParseOrganisation(fa, $"{where}.forwardAs", errors);
        }

        DateTimeOffset? suspendedUntil = null;
        if (element.TryGetProperty("suspendedUntil", out var su) && su.ValueKind != JsonValueKind.Null)
        {
            suspendedUntil = ParseTime(su, $"{where}: 'suspendedUntil'", errors);
        }

        var revoked = OptionalBool(element, "revoked", where, errors);
        var rules = ParseRules(element, where, errors);
        if (errors.Count > before || id is null || orgUuid is null || networks is null || relation is null || maxTlp is null)
        {
            return null;
        }

        return new MemberEntry
        {
            Id = id,
            Name = name ?? id,
            OrgUuid = orgUuid.ToLowerInvariant(),
            Networks = networks,
            Relation = relation.Value,
            MaxTlp = maxTlp.Value,
            RedRecipients = redRecipients.ToFrozenSet(StringComparer.OrdinalIgnoreCase),
            ForwardAs = forwardAs,
            SuspendedUntil = suspendedUntil,
            Revoked = revoked,
            Rules = rules,
        };
    }

    private static MemberRules ParseRules(JsonElement element, string where, ProblemList errors)
    {
        static FrozenSet<string> Set(List<string> values) => values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

        var levels = new List<int>();
        if (element.TryGetProperty("blockedDistributionLevels", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            foreach (var entry in list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [])
            {
                if (entry.ValueKind == JsonValueKind.Number && entry.TryGetInt32(out var level) && level is >= 0 and <= 5)
                {
                    levels.Add(level);
                }
                else
                {
                    errors.Add($"{where}: 'blockedDistributionLevels' entry {entry.GetRawText()} is not a distribution level 0 to 5");
                }
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{where}: 'blockedDistributionLevels' must be a list of numbers 0 to 5");
            }
        }

        var groups = ParseStrings(element, "blockedSharingGroups", where, errors);
        foreach (var group in groups.Where(g => !IsUuid(g)))
        {
            errors.Add($"{where}: 'blockedSharingGroups' entry '{group}' {NotAUuid}");
        }

        var allowed = new Dictionary<string, FrozenSet<string>>(StringComparer.OrdinalIgnoreCase);
        if (element.TryGetProperty("allowedTags", out var map) && map.ValueKind != JsonValueKind.Null)
        {
            if (map.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{where}: 'allowedTags' must be an object from taxonomy to a list of tags");
            }
            else
            {
                foreach (var taxonomy in map.EnumerateObject())
                {
                    var tags = ParseStrings(map, taxonomy.Name, $"{where} allowedTags", errors);
                    foreach (var tag in tags.Where(t => !string.Equals(MemberRules.Taxonomy(t), taxonomy.Name, StringComparison.OrdinalIgnoreCase)))
                    {
                        errors.Add($"{where}: 'allowedTags.{taxonomy.Name}' entry '{tag}' is not a tag of taxonomy '{taxonomy.Name}'");
                    }

                    // "tlp" and "TLP" are one taxonomy: the second list would silently replace the first.
                    if (!allowed.TryAdd(TagName.Canonical(taxonomy.Name), tags.Select(TagName.Canonical).ToFrozenSet(StringComparer.Ordinal)))
                    {
                        errors.Add($"{where}: 'allowedTags' names taxonomy '{taxonomy.Name}' twice (taxonomies compare as tags do, ignoring case): give it one list");
                    }
                }
            }
        }

        return new MemberRules
        {
            BlockedTags = ParseStrings(element, "blockedTags", where, errors).Select(TagName.Canonical).ToFrozenSet(StringComparer.Ordinal),
            RequiredTaxonomies = [.. ParseStrings(element, "requiredTaxonomies", where, errors).Select(TagName.Canonical)],
            AllowedTags = allowed.ToFrozenDictionary(StringComparer.Ordinal),
            BlockedDistributionLevels = levels.ToFrozenSet(),
            BlockedSharingGroups = Set(groups),
            BlockedAttributeTypes = Set(ParseStrings(element, "blockedAttributeTypes", where, errors)),
            BlockedAttributeCategories = Set(ParseStrings(element, "blockedAttributeCategories", where, errors)),
            BlockedObjectTypes = Set(ParseStrings(element, "blockedObjectTypes", where, errors)),
            RestrictSyncEndpoints = !element.TryGetProperty("restrictSyncEndpoints", out _) || OptionalBool(element, "restrictSyncEndpoints", where, errors),
        };
    }

    private static List<IPNetwork>? ParseNetworks(JsonElement element, string where, ProblemList errors)
    {
        if (!element.TryGetProperty("networks", out var list))
        {
            errors.Add($"{where}: 'networks' is required (an empty list lets nobody in)");
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{where}: 'networks' must be a list of CIDRs or addresses");
            return null;
        }

        var networks = new List<IPNetwork>();
        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.String)
            {
                errors.Add($"{where}: 'networks' entry {entry.GetRawText()} is not a string (a CIDR or an address)");
            }
            else if (NetworkDiagnosis.Parse(entry.GetString()!, out var problem) is { } network)
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{where}: 'networks' entry '{entry.GetString()}': {problem}");
            }
        }

        return networks;
    }

    private static OrganisationRef? ParseOrganisation(JsonElement element, string where, ProblemList errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where} must be an object with 'name' and 'uuid'");
            return null;
        }

        CheckFields(element, MembersFileSchema.OrganisationFields, where, errors);
        var name = RequiredString(element, "name", where, errors);
        if (name is not null && NameProblem(name) is { } problem)
        {
            // Shown in place of a hidden source: an empty name would show a source with no name at all.
            errors.Add($"{where}: 'name' {problem}");
            name = null;
        }

        var uuid = RequiredString(element, "uuid", where, errors);
        if (uuid is not null && !IsUuid(uuid))
        {
            errors.Add($"{where}: 'uuid' '{uuid}' {NotAUuid}");
            return null;
        }

        return name is null || uuid is null ? null : new OrganisationRef(name, uuid.ToLowerInvariant());
    }
}
