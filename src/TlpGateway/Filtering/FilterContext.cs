using TlpGateway.Admission;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Filtering;

/// <summary>What one response is filtered for: the requester, the community, and what the client asked for.</summary>
internal sealed class FilterContext
{
    public required Requester Requester { get; init; }

    public required CommunitySettings Community { get; init; }

    /// <summary>The client asked MISP to leave local tags out; the gateway judged with them and strips them itself.</summary>
    public bool ExcludeLocalTags { get; init; }

    /// <summary>The gateway asked for <c>includeEventTags</c> on its own account: inherited tags are stripped again.</summary>
    public bool StripInheritedTags { get; init; }

    /// <summary>The client asked for the minimal index; the gateway asked for full rows and answers in the minimal shape.</summary>
    public bool MinimalIndex { get; init; }

    /// <summary>
    /// What look-ups found about the events that rows (proposals, sightings) concern and that events'
    /// correlations name, filled as the filter asks (<see cref="MispResponseFilter.PendingLookups"/>); null where no look-up is possible.
    /// </summary>
    public Dictionary<string, EventAccess>? KnownEvents { get; init; }

    /// <summary>How many related events of one event the filter may look up to confirm its correlations; 0 removes every correlation.</summary>
    public int MaxCorrelationLookups { get; init; }

    /// <summary>The caller needs the UUIDs of what was removed from a released event (<see cref="UnitOutcome.RemovedItems"/>).</summary>
    public bool ListRemovedItems { get; init; }

    /// <summary>The organisation shown in place of a hidden source.</summary>
    public OrganisationRef Forwarder => Requester.Member.ForwardAs ?? Community.Forwarder;

    public TlpLevel DefaultTlp => Community.DefaultTlp;
}

/// <summary>What became of one event, row or item of a response.</summary>
/// <param name="EventUuid">
/// The event a withheld unit, a proposal or sighting, or a pending look-up concerns (for the audit
/// trail and the look-up); a released event is not named, as it is in the output itself.
/// </param>
internal readonly record struct UnitOutcome(bool Released, string Kind, string? Reason, string? EventUuid, TlpLevel? Tlp, int AttributesRemoved, bool Rewritten)
{
    public static UnitOutcome PassedThrough => new(true, "other", null, null, null, 0, false);

    /// <summary>The event's source organisation, where the unit named one.</summary>
    public string? OrgcUuid { get; init; }

    /// <summary>Whether the event's source was hidden from the requester.</summary>
    public bool HidesSource { get; init; }

    /// <summary>UUIDs of the attributes and objects removed from a released event, where <see cref="FilterContext.ListRemovedItems"/> asked for them.</summary>
    public IReadOnlyCollection<string>? RemovedItems { get; init; }

    /// <summary>The events the filter must look up before it can decide the unit: the event a row concerns, or an event's related events.</summary>
    public IReadOnlyList<string>? Lookups { get; init; }
}
