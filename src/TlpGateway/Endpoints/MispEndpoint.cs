using TlpGateway.Requests;

namespace TlpGateway.Endpoints;

/// <summary>What an endpoint's answer holds, which tells the egress filter how to judge it.</summary>
internal enum AnswerKind
{
    /// <summary>MISP data (events, attributes, items, rows): filtered by what it contains.</summary>
    Data,

    /// <summary>No MISP data (versions, type lists, the requester's own account): must contain none.</summary>
    Metadata,
}

/// <summary>
/// One route the gateway serves: MISP's controller and action (compared as MISP's dispatcher finds
/// them: case-insensitive, underscores ignored), the methods it accepts, what it answers, and for a
/// write what it writes (<see cref="WriteDescription"/>).
/// </summary>
/// <param name="Controller">MISP's spelling of the controller, as forwarded (<c>event_reports</c>).</param>
/// <param name="Action">MISP's spelling of the action, as forwarded (<c>restSearch</c>).</param>
/// <param name="Methods">The HTTP methods served (HEAD is served wherever GET is).</param>
/// <param name="Answer">What the answer holds.</param>
internal sealed record MispEndpoint(string Controller, string Action, IReadOnlyList<string> Methods, AnswerKind Answer)
{
    /// <summary>A MISP server of a member with <c>restrictSyncEndpoints</c> may use it (MISP's ServerSyncTool does).</summary>
    public bool Sync { get; init; }

    /// <summary>The restSearch scope whose parameters (ordered URL parameters included) the action reads.</summary>
    public RestSearchScope? Search { get; init; }

    /// <summary>What a request with a body or a write method changes; null for reads.</summary>
    public WriteDescription? Write { get; init; }

    /// <summary>The one first passed parameter served (<c>/users/view/me</c>: the requester's own account only).</summary>
    public string? OnlyPassed { get; init; }

    /// <summary>The parameters the action reads from the path, the body and the <c>request</c> wrapper that the gateway controls.</summary>
    public EndpointParameters Parameters { get; init; } = EndpointParameters.None;

    /// <summary>The named URL parameters forwarded on an endpoint that is no search (a search forwards its scope's <c>paramArray</c>).</summary>
    public NamedParameters Named { get; init; } = NamedParameters.None;

    /// <summary>
    /// The body keys forwarded on a read that is no search, and on a write whose body carries no content the rules judge
    /// (<see cref="WriteContent.None"/>); null where the body is a search's or a write's content (judged on the way in).
    /// </summary>
    public BodyKeys? Body { get; init; }

    /// <summary>
    /// How many passed parameters the action reads on a REST request (its PHP arguments, less those only its HTML view reads):
    /// those beyond are not forwarded. Null on a search, which forwards its ordered parameters as the named ones they stand for.
    /// </summary>
    public int? PassedRead { get; init; }

    /// <summary>The answer's records are sightings written flat, without their <c>Sighting</c> wrapper (<c>Sighting::attachToEvent</c>).</summary>
    public bool FlatSightings { get; init; }

    /// <summary>Lists the sightings of the attributes or events it names, which are judged before MISP is asked (<c>SightingListTargets</c>).</summary>
    public bool ListsSightings { get; init; }

    public bool Allows(string method) =>
        Methods.Contains(method, StringComparer.OrdinalIgnoreCase) || (HttpMethods.IsHead(method) && Methods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase));

    public override string ToString() => $"/{Controller}/{Action}";
}

/// <summary>Which of the parameters the egress filter relies on an endpoint reads (MISP's own defaults differ per action).</summary>
[Flags]
internal enum EndpointParameters
{
    None = 0,

    /// <summary><c>excludeLocalTags</c> reaches <c>Event::fetchEvent</c>: the client's removed, forwarded as <c>0</c> where MISP would default it to 1.</summary>
    LocalTags = 1,

    /// <summary><c>includeEventTags</c> (attribute rows): forwarded as <c>1</c>.</summary>
    EventTags = 2,

    /// <summary><c>minimal</c> (the events index): removed, the filter answers in the minimal shape itself.</summary>
    MinimalIndex = 4,

    /// <summary>The action renders <c>returnFormat</c> exports.</summary>
    ReturnFormat = 8,

    /// <summary><c>minimal</c> (the galaxy cluster search): removed, the filter answers each released cluster as its <c>uuid</c> and <c>version</c>.</summary>
    MinimalClusters = 16,

    /// <summary><c>limit</c> and <c>page</c>: removed, MISP asked for every record, the page released by the gateway (<see cref="Paging.ReleasePage"/>).</summary>
    Paged = 32,
}
