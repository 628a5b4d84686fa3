namespace TlpGateway.Endpoints;

/// <summary>What a write does to the events it concerns (SPEC section 6).</summary>
internal enum WriteEffect
{
    /// <summary>Writes nothing (searches, negotiation): its body is read for parameters only.</summary>
    None,

    /// <summary>A new event or a push: the marking, source, curation, signature and member rules.</summary>
    Creates,

    /// <summary>A change to an existing event or its items: its owner only (others propose).</summary>
    Changes,

    /// <summary>Proposals, sightings, analyst data, negotiation about an event: any event the requester may receive.</summary>
    Contributes,
}

/// <summary>What a target reference names, and so how its event is found.</summary>
internal enum TargetKind
{
    Event,
    Attribute,
    Object,
    ObjectReference,
    EventReport,
    Proposal,

    /// <summary>
    /// The attribute an accepted proposal edits or deletes: <c>ShadowAttribute::acceptProposal</c> finds it by the
    /// proposal's <c>uuid</c>, in whatever event it is, when its <c>old_id</c> is not 0 (else it adds to the proposal's event).
    /// </summary>
    ProposedEdit,

    /// <summary>
    /// A report an event edit writes by UUID: <c>EventReport::editReport</c> updates the report with that UUID
    /// wherever it is, moving it into the edited event. One MISP does not show the requester counts as new.
    /// </summary>
    WrittenReport,

    /// <summary>
    /// An object reference an event add or edit writes by UUID: <c>ObjectReference::captureReference</c> updates the
    /// reference with that UUID wherever it is (its comment, relationship, deletion). One MISP does not show counts as new.
    /// </summary>
    WrittenReference,

    /// <summary>
    /// An analyst data item a write carries, at any depth: <c>AnalystData::captureAnalystData</c> updates the item with
    /// that UUID wherever it is, pointing it at the writer's object. One MISP does not show the requester counts as new.
    /// </summary>
    WrittenAnalystData,
    Sighting,

    /// <summary>
    /// What an object reference points at (<c>referenced_uuid</c>): an object, else an attribute, by UUID
    /// (<c>ObjectReference::getReferencedInfo</c>), in the referencing object's event or in the event that one extends,
    /// which may be another organisation's. It must be one the requester may receive; it is not changed, so no owner is asked.
    /// </summary>
    ReferencedItem,

    /// <summary>An event, else an attribute, by UUID (<c>/tags/attachTagToObject</c>).</summary>
    EventOrAttribute,

    /// <summary>Named by the passed parameter that follows (<c>/galaxies/attachCluster/{id}/{event|attribute}</c>, <c>/analyst_data/add/{type}/{uuid}/{Event|Attribute|...}</c>).</summary>
    ByTypeParameter,

    /// <summary>An analyst data item (<c>/analyst_data/edit/{type}/{id}</c>): its target is looked up.</summary>
    AnalystData,
}

/// <summary>
/// Where a write names what it concerns: a passed URL parameter and/or body paths. Body paths are
/// dotted, <c>*</c> stands for every element of a list, <c>#</c> for every value of a list or an object (PHP's
/// <c>foreach</c>), and each is read at the body's top level and
/// inside every wrapper MISP unwraps (<c>response</c>, <c>request</c>, the item's own key).
/// </summary>
/// <param name="Kind">What the reference names.</param>
/// <param name="Passed">The index of the passed URL parameter, if any.</param>
/// <param name="BodyPaths">The body paths, if any.</param>
internal sealed record TargetSource(TargetKind Kind, int? Passed = null, params string[] BodyPaths);

/// <summary>What a write's body carries, judged by the content rules of SPEC sections 5 and 6.</summary>
internal enum WriteContent
{
    /// <summary>Nothing the rules read (ids, flags): forwarded with only what the action reads (<see cref="MispEndpoint.Body"/>).</summary>
    None,

    /// <summary>A whole event: marking, protection, curation, member rules, source; rewritten canonically.</summary>
    Event,

    /// <summary>Attributes added to an event: curation and member rules; rewritten as one list.</summary>
    Attributes,

    /// <summary>An object: curation and member rules.</summary>
    Object,

    /// <summary>Free text turned into attributes (<c>freeTextImport</c>): curation.</summary>
    FreeText,

    /// <summary>Attributes resolved from free text (<c>saveFreeText</c>'s <c>Attribute.JsonObject</c>): curation and member rules.</summary>
    ResolvedFreeText,

    /// <summary>An event report: member rules on its distribution.</summary>
    Report,

    /// <summary>A tag added by name: member rules on tags.</summary>
    Tag,

    /// <summary>Proposals (one, or a list pushed by a MISP server): member rules on attributes.</summary>
    Proposals,

    /// <summary>Analyst data items: member rules on their distribution.</summary>
    AnalystData,

    /// <summary>Galaxy clusters pushed by a MISP server: member rules on their distribution.</summary>
    Clusters,

    /// <summary>Sightings: by attribute only, never by value across events.</summary>
    Sightings,

    /// <summary>Sightings pushed in bulk by a MISP server: each saved in its writer's name.</summary>
    SightingList,
}

/// <summary>
/// How a write endpoint is judged (issue "Accept only what is understood"): what it does, which
/// events it concerns and where the request names them, and what its body carries. A write whose
/// targets cannot all be found is refused; every target found is judged.
/// </summary>
/// <param name="Effect">What the write does to its events.</param>
/// <param name="Content">What the body carries.</param>
/// <param name="Targets">Where the request names its events or items.</param>
internal sealed record WriteDescription(WriteEffect Effect, WriteContent Content, IReadOnlyList<TargetSource> Targets)
{
    /// <summary>At least one target must be named (false for a new event, and for writes that may name none).</summary>
    public bool TargetRequired { get; init; } = true;

    public static WriteDescription ReadsOnly { get; } = new(WriteEffect.None, WriteContent.None, []) { TargetRequired = false };
}
