namespace TlpGateway.Members;

/// <summary>A member's state as published by the maintainers' command, on top of the members file.</summary>
/// <param name="Revoked">Revoked by a published command.</param>
/// <param name="SuspendedUntil">Suspended by a published command until then.</param>
internal sealed record PublishedMemberState(bool Revoked, DateTimeOffset? SuspendedUntil);

/// <summary>
/// Suspensions and revocations published to every replica (through Redis) before each replica has
/// reloaded its members file. They only ever restrict: a published state never grants more than
/// the file in force.
/// </summary>
internal interface IMemberStateOverlay
{
    MemberEntry Apply(MemberEntry member);
}

/// <summary>A single instance: the members file alone decides.</summary>
internal sealed class NoMemberStateOverlay : IMemberStateOverlay
{
    public MemberEntry Apply(MemberEntry member) => member;
}

internal static class PublishedMemberStates
{
    /// <summary>The more restrictive of the file's entry and the published state.</summary>
    public static MemberEntry Restrict(MemberEntry member, PublishedMemberState? published)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (published is null)
        {
            return member;
        }

        var until = member.SuspendedUntil is { } fileUntil && published.SuspendedUntil is { } publishedUntil
            ? (fileUntil > publishedUntil ? fileUntil : publishedUntil)
            : member.SuspendedUntil ?? published.SuspendedUntil;
        return member with { Revoked = member.Revoked || published.Revoked, SuspendedUntil = until };
    }
}
