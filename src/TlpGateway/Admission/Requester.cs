using TlpGateway.Members;

namespace TlpGateway.Admission;

/// <summary>Who is asking, as admission established it (SPEC section 1).</summary>
/// <remarks>A class rather than a record, so no generated <c>ToString</c> can ever print the key.</remarks>
internal sealed class Requester
{
    /// <summary>The member entry of the requester's organisation.</summary>
    public required MemberEntry Member { get; init; }

    /// <summary>
    /// The community settings of the registry <see cref="Member"/> came from: a reload between
    /// admission and the rules must not judge the request by one file's member and the other's
    /// community (an old maxTlp amber with a new defaultTlp amber releases untagged events that an
    /// old defaultTlp red and a new maxTlp clear would each withhold).
    /// </summary>
    public required CommunitySettings Community { get; init; }

    /// <summary>The requester's MISP organisation UUID, lowercase.</summary>
    public required string OrgUuid { get; init; }

    /// <summary>The organisation's local numeric id on the hub's MISP (attribute rows name their event's creator only by it).</summary>
    public string OrgId { get; init; } = string.Empty;

    /// <summary>The MISP user's e-mail address.</summary>
    public required string Email { get; init; }

    /// <summary>Another MISP server: a sync role without site admin, or a <c>MISP x.y</c> user agent.</summary>
    public required bool IsSyncIdentity { get; init; }

    public bool IsSiteAdmin { get; init; }

    /// <summary>The judged key, for look-ups made on the requester's behalf (MISP's own access control then applies). Never log it.</summary>
    public string ApiKey { get; init; } = string.Empty;

    /// <summary>Whether this requester's organisation created an event with the given <c>Orgc</c> UUID.</summary>
    public bool IsOwner(string? orgcUuid) => orgcUuid is not null && string.Equals(orgcUuid, OrgUuid, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Carries the admitted <see cref="Requester"/> through the request pipeline.</summary>
internal sealed class RequesterFeature(Requester requester)
{
    public Requester Requester { get; } = requester;

    /// <summary>
    /// The admitted requester, for the rules after admission; without one (admission did not run)
    /// nothing may reach MISP or leave it, so the request is refused here.
    /// </summary>
    public static async ValueTask<Requester?> RequireAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<RequesterFeature>()?.Requester is { } requester)
        {
            return requester;
        }

        await Errors.MispError.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "The request was not admitted.");
        return null;
    }
}
