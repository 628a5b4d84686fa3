using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Members;
using TlpGateway.Provenance;
using TlpGateway.Tlp;

namespace TlpGateway.Filtering;

/// <summary>What one response is filtered for: the requester, the community, and what the client asked for.</summary>
internal sealed class FilterContext
{
    public required Requester Requester { get; init; }

    public required CommunitySettings Community { get; init; }

    /// <summary>
    /// Whether the requester is still admitted (its member neither revoked, suspended nor removed
    /// since admission), asked before each part of the answer is judged; null (the preview) never ends it.
    /// </summary>
    public Func<bool>? StillAdmitted { get; init; }

    /// <summary>The client asked MISP to leave local tags out; the gateway judged with them and strips them itself.</summary>
    public bool ExcludeLocalTags { get; init; }

    /// <summary>
    /// MISP left the hub's local tags out of this answer and cannot be asked otherwise: the event an
    /// add or edit answers for a sync user (Event::fetchEvent excludes them by default). The event is
    /// withheld; its owner's push still gets its <c>id</c> and <c>uuid</c>.
    /// </summary>
    public bool LocalTagsUnseen { get; init; }

    /// <summary>The gateway asked for <c>includeEventTags</c> on its own account: inherited tags are stripped again.</summary>
    public bool StripInheritedTags { get; init; }

    /// <summary>The client asked for the minimal index; the gateway asked for full rows and answers in the minimal shape.</summary>
    public bool MinimalIndex { get; init; }

    /// <summary>
    /// The client asked the galaxy cluster search for the minimal shape (<c>uuid</c>, <c>version</c>),
    /// which holds nothing to judge by: the gateway asked for whole clusters and answers that shape itself.
    /// </summary>
    public bool MinimalClusters { get; init; }

    /// <summary>
    /// The request selects or orders by source (an <c>org</c> filter, an index sorted by <c>orgc_id</c>...):
    /// its answer names the source of all it holds, so what hides its source from the requester is withheld.
    /// </summary>
    public bool SelectsBySource { get; init; }

    /// <summary>
    /// An event search chooses by what attributes hold (a value, a tag): MISP answers an event whole when any
    /// attribute matches, so an event from which the filter removes attributes is withheld (the match may be one).
    /// </summary>
    public bool SelectsByContent { get; init; }

    /// <summary>
    /// What look-ups found about the events that rows and items concern and that events' correlations
    /// name, filled as the filter asks (<see cref="MispResponseFilter.PendingLookups"/>); null where no
    /// look-up is possible (then what needs one is withheld).
    /// </summary>
    public Dictionary<string, EventAccess>? KnownEvents { get; init; }

    // The versions (timestamps) the answer gives the events it asked look-ups for (a correlation's stub,
    // an index row): look-ups are keyed by event UUID and timestamp (SPEC section 3), so an access cached
    // for an older version is not used (NamedVersion).
    private Dictionary<string, long>? _namedVersions;

    /// <summary>
    /// What a look-up confirmed of the event <paramref name="uuid"/>, as of the version
    /// <paramref name="timestamp"/> names where the answer gives one; null when it is to be looked
    /// up (a version confirmed before a change, a TLP raised since, does not count).
    /// </summary>
    public EventAccess? Known(string uuid, string? timestamp)
    {
        var named = EventAccess.Version(timestamp);
        if (KnownEvents!.TryGetValue(uuid, out var access) && access.IsOfVersion(named))
        {
            return access;
        }

        if (named is not null)
        {
            _namedVersions ??= new(StringComparer.OrdinalIgnoreCase);
            _namedVersions[uuid] = Math.Max(named.Value, _namedVersions.GetValueOrDefault(uuid));
        }

        return null;
    }

    /// <summary>
    /// Makes known what a look-up found of <paramref name="reference"/>. An event confirmed as of an
    /// older version than the answer names (or of none) is not confirmed: this answer withholds what needs it.
    /// </summary>
    public void Learn(string reference, EventAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        KnownEvents![reference] = access.IsOfVersion(NamedVersion(reference)) ? access : EventAccess.Withheld;
    }

    /// <summary>The version the answer named for <paramref name="reference"/>, or null where it named none.</summary>
    public long? NamedVersion(string reference) => _namedVersions is { } named && named.TryGetValue(reference, out var version) ? version : null;

    /// <summary>How many related events of one event the filter may look up to confirm its correlations; 0 removes every correlation.</summary>
    public int MaxCorrelationLookups { get; init; }

    /// <summary>
    /// The endpoint answers with no MISP data (<c>/servers/getVersion</c>, <c>/users/view/me</c>, ...):
    /// a record holding any ends the answer rather than being judged.
    /// </summary>
    public bool MetadataOnly { get; init; }

    /// <summary>The endpoint answers sightings written flat (<c>/sightings/index</c>): a record without a <c>Sighting</c> is one.</summary>
    public bool FlatSightings { get; init; }

    /// <summary>
    /// Outcomes name every record's event (its UUID and local id), also released ones with nothing
    /// removed: for look-ups and the maintainers' preview. The live filter names only what it audits.
    /// </summary>
    public bool DescribeEvents { get; init; }

    /// <summary>The page of released records the client asked for (<c>limit</c>, <c>page</c>); null: every one.</summary>
    public Paging.ReleasePage? Page { get; init; }

    /// <summary>The organisation shown in place of a hidden source.</summary>
    public OrganisationRef Forwarder => SourcePolicy.ShownAs(Requester.Member, Community);

    public TlpLevel DefaultTlp => Community.DefaultTlp;
}
