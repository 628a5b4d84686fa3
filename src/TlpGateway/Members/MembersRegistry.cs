using System.Collections.Frozen;
using System.Net;
using TlpGateway.Tlp;

using TlpGateway.Rules;

namespace TlpGateway.Members;

/// <summary>Whether a member sits inside the community or outside it (every event it receives is forwarded).</summary>
internal enum MemberRelation
{
    Member,
    ThirdParty,
}

/// <summary>When the Chatham House Rule applies (docs/behaviour.md, section 2).</summary>
internal enum ChathamHouseMode
{
    /// <summary>CHR applies to every event.</summary>
    Always,

    /// <summary>CHR applies to events tagged <c>tlp:ex:chr</c> and to events whose TLP is defaulted or unknown.</summary>
    Tagged,
}

/// <summary>An organisation as the gateway shows it in place of a hidden source.</summary>
/// <param name="Name">Organisation name.</param>
/// <param name="Uuid">Organisation UUID, lowercase.</param>
internal sealed record OrganisationRef(string Name, string Uuid);

/// <summary>The <c>community</c> block of the members file.</summary>
internal sealed record CommunitySettings(
    string Name,
    OrganisationRef Forwarder,
    TlpLevel DefaultTlp,
    ChathamHouseMode ChathamHouse,
    bool RequireAcceptedTerms);

/// <summary>One entry of the members file, validated and normalised.</summary>
internal sealed record MemberEntry
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>MISP organisation UUID, lowercase.</summary>
    public required string OrgUuid { get; init; }

    public required IReadOnlyList<IPNetwork> Networks { get; init; }

    public required MemberRelation Relation { get; init; }

    /// <summary>The most restrictive marking this member may receive on other organisations' events.</summary>
    public required TlpLevel MaxTlp { get; init; }

    /// <summary>E-mail addresses (case-insensitive) of users who may receive other organisations' TLP:RED events.</summary>
    public FrozenSet<string> RedRecipients { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Shown as source to this member when sources are hidden; null means the community's forwarder.</summary>
    public OrganisationRef? ForwardAs { get; init; }

    public DateTimeOffset? SuspendedUntil { get; init; }

    public bool Revoked { get; init; }

    /// <summary>The member's rules on top of TLP (optional fields of its entry).</summary>
    public MemberRules Rules { get; init; } = MemberRules.None;

    /// <summary>Why the member is refused at <paramref name="now"/> (<c>revoked</c>, <c>suspended</c>), or null when it is active.</summary>
    public string? RefusalAt(DateTimeOffset now) => Revoked ? "revoked" : SuspendedUntil is { } until && until > now ? "suspended" : null;

    /// <summary>Whether <paramref name="address"/> lies in one of this member's networks.</summary>
    public bool Owns(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var normalised = Normalise(address);
        foreach (var network in Networks)
        {
            if (network.Contains(normalised))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>IPv4-mapped IPv6 addresses (<c>::ffff:198.51.100.7</c>) are matched as the IPv4 address they carry.</summary>
    internal static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>An immutable, validated view of the members file. A reload replaces it whole.</summary>
internal sealed class MembersRegistry
{
    private readonly FrozenDictionary<string, MemberEntry> _byOrgUuid;

    public MembersRegistry(CommunitySettings community, IReadOnlyList<MemberEntry> members)
    {
        ArgumentNullException.ThrowIfNull(community);
        ArgumentNullException.ThrowIfNull(members);
        Community = community;
        Members = members;
        _byOrgUuid = members.ToFrozenDictionary(m => m.OrgUuid, StringComparer.OrdinalIgnoreCase);
    }

    public CommunitySettings Community { get; }

    public IReadOnlyList<MemberEntry> Members { get; }

    /// <summary>The member registered for a MISP organisation UUID, if any.</summary>
    public MemberEntry? FindByOrgUuid(string orgUuid) => _byOrgUuid.GetValueOrDefault(orgUuid);

    /// <summary>Whether any member's networks contain <paramref name="address"/> (the network gate).</summary>
    public bool IsKnownAddress(IPAddress address)
    {
        foreach (var member in Members)
        {
            if (member.Owns(address))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Gives the registry in force; a reload swaps it atomically.</summary>
internal interface IMembersRegistryProvider
{
    MembersRegistry Current { get; }
}
