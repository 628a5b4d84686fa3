namespace TlpGateway.Requests;

/// <summary>What the egress filter must know of the request whose answer it filters.</summary>
internal sealed record ResponseExpectation
{
    /// <summary>Data or Metadata.</summary>
    public required Endpoints.AnswerKind Answer { get; init; }

    /// <summary>The client asked MISP to leave local tags out (any spelling MISP reads).</summary>
    public bool ClientExcludesLocalTags { get; init; }

    /// <summary>The gateway added includeEventTags on its own account.</summary>
    public bool StripInheritedTags { get; init; }

    /// <summary>The client asked /events/index for the minimal shape.</summary>
    public bool MinimalIndex { get; init; }

    /// <summary>The client asked the galaxy cluster search for the minimal shape.</summary>
    public bool MinimalClusters { get; init; }

    /// <summary>The request selects or orders by source (<see cref="Provenance.SourceSelection"/>): what hides its source is withheld.</summary>
    public bool SelectsBySource { get; init; }

    /// <summary>An event search chooses by what attributes hold (<see cref="ContentSelection"/>): an event with attributes removed is withheld.</summary>
    public bool SelectsByContent { get; init; }

    /// <summary>The page of released records the client asked for; null: every one.</summary>
    public Paging.ReleasePage? Page { get; init; }

    /// <summary>The client sent HEAD; forwarded as GET.</summary>
    public bool HeadOnly { get; init; }

    /// <summary>csv/text/stix2 asked on a restSearch: rendered by the gateway from the filtered JSON.</summary>
    public Exports.ExportRequest? Export { get; init; }
}
