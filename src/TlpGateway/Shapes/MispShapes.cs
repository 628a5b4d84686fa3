namespace TlpGateway.Shapes;

/// <summary>
/// The MISP shapes the gateway releases, as MISP 2.5 writes them (<c>JSONConverterTool</c>,
/// <c>Event::fetchEvent</c>, the item controllers; <c>misp-samples/real-2.5.1</c>). A property
/// not described here is part of its item: a scalar is released with it, a container only when it
/// holds no MISP data at any depth (<see cref="DataKeys"/>); where the source is hidden, what is not
/// understood goes (<see cref="Records.GoesWhereSourceIsHidden"/>).
/// </summary>
internal static class MispShapes
{
    /// <summary>
    /// Names that mark MISP data or a source's identity: found in a container the shapes do not
    /// describe, they end the answer (an event under a misspelt key, an attribute list beside a
    /// known one), because nothing undescribed can be judged. MISP's SQL log (<c>sql_dump</c>, debug
    /// mode) counts: its queries name what MISP fetched.
    /// </summary>
    public static readonly KeySet DataKeys = KeySet.Of(
        Key.Event, Key.Attribute, Key.Object, Key.EventReport, Key.ShadowAttribute, Key.Sighting, Key.RelatedEvent,
        Key.RelatedAttribute, Key.RelatedTags, Key.GalaxyCluster, Key.Note, Key.Opinion, Key.Relationship, Key.RelationshipInbound,
        Key.RelatedObject, Key.ObjectReference, Key.CryptographicKey, Key.Tag, Key.EventTag, Key.AttributeTag,
        Key.EventReportTag, Key.Orgc, Key.Org, Key.Organisation, Key.SharingGroup, Key.OrgcUuid, Key.OrgUuid, Key.EventUuid,
        Key.AttributeUuid, Key.EventCreatorEmail, Key.Email, Key.Info, Key.SqlDump);

    /// <summary>
    /// Names that say who a source is (its UUID, name, local id, its people and their e-mail, the event
    /// its event extends). Where an item's shape describes one, the shape says how it is hidden; written
    /// as a scalar where the shape describes none (a tag's <c>org_uuid</c>, a report's <c>orgc_uuid</c>,
    /// an <c>extends_uuid</c> beside a correlation), nothing would hide it, so it goes where the source
    /// is hidden (SPEC section 4: for the event and everything inside it).
    /// </summary>
    public static readonly KeySet SourceKeys = KeySet.Of(
        Key.Orgc, Key.Org, Key.Organisation, Key.OrgcUuid, Key.OrgUuid, Key.OrganisationUuid, Key.OrgcName, Key.OrgName,
        Key.OrgcId, Key.OrgId, Key.EventOrgId, Key.EventCreatorEmail, Key.Email, Key.UserId, Key.Authors, Key.ExtendsUuid);

    /// <summary>The containers MISP 2.5 writes under names the shapes do not describe, which hold no MISP data: they stay where the source is hidden.</summary>
    public static readonly KeySet KeptContainers = KeySet.Of(Key.Meta, Key.DecayScore, Key.SharingGroupServer);

    public static readonly ItemShape Tag = new ItemShape(ItemKind.Tag, "tag")
        .Scalars(Key.Name, Key.Local, Key.Inherited, Key.Id)
        .Hidden(Hiding.Zero, Key.OrgId, Key.UserId);

    public static readonly ItemShape TagLink = new ItemShape(ItemKind.TagLink, "tag")
        .With(Key.Tag, Role.Item, ItemKind.Tag)
        .Scalars(Key.Local, Key.Id, Key.EventId)
        .Hidden(Hiding.Zero, Key.OrgId, Key.UserId);

    public static readonly ItemShape Organisation = new ItemShape(ItemKind.Organisation, "organisation")
        .Scalars(Key.Id, Key.Name, Key.Uuid, Key.Local);

    public static readonly ItemShape SharingGroupOrg = new ItemShape(ItemKind.SharingGroupOrg, "sharing-group-organisation")
        .With(Key.Organisation, Role.Item, ItemKind.Organisation)
        .Scalars(Key.OrgId, Key.Id);

    public static readonly ItemShape SharingGroup = new ItemShape(ItemKind.SharingGroup, "sharing-group")
        .With(Key.Organisation, Role.Item, ItemKind.Organisation)
        .With(Key.SharingGroupOrg, Role.Items, ItemKind.SharingGroupOrg)
        .Scalars(Key.Uuid, Key.Id, Key.Name, Key.OrgId, Key.OrganisationUuid);

    /// <summary>
    /// What tells of other sources or other events, which the gateway cannot judge: feed and server correlations
    /// (SPEC section 3) and a SightingDB's (<c>Sightingdb</c>), inbound relationships, the tags of the events and
    /// attributes an attribute correlates with (<c>RelatedTags</c>, <c>includeRelatedTags</c>: confirmed or not). Never released.
    /// </summary>
    public static readonly ItemShape Hit = new(ItemKind.Hit, "feed-hit");

    public static readonly ItemShape CryptographicKey = new ItemShape(ItemKind.CryptographicKey, "cryptographic-key")
        .Scalars(Key.Uuid, Key.Type);

    /// <summary>
    /// The event fields MISP writes beside or inside an item (attribute rows, report and object views,
    /// correlations, what a relationship points at: there every column of the event), its source
    /// hidden as in the event itself.
    /// </summary>
    public static readonly ItemShape EventStub = new ItemShape(ItemKind.EventStub, "event")
        .With(Key.Orgc, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
        .With(Key.Org, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
        .Scalars(Key.Id, Key.Uuid, Key.Info, Key.Distribution, Key.Published, Key.Timestamp)
        .Hidden(Hiding.Zero, Key.OrgcId, Key.OrgId, Key.UserId, Key.SharingGroupId)
        .Hidden(Hiding.ForwarderUuid, Key.OrgcUuid, Key.OrgUuid)
        .Hidden(Hiding.ForwarderName, Key.OrgcName, Key.OrgName)
        .Hidden(Hiding.Remove, Key.EventCreatorEmail, Key.ExtendsUuid);

    /// <summary>
    /// An attribute row's event: a stub, or with <c>includeContext</c> the event's own fields, tags and
    /// source (<c>MispAttribute::__fetchEventsForAttributeContext</c>).
    /// </summary>
    public static readonly ItemShape RowEvent = new ItemShape(ItemKind.RowEvent, "event")
        .With(Key.Tag, Role.Tags, ItemKind.Tag)
        .WithEventFields();

    public static readonly ItemShape ObjectStub = new ItemShape(ItemKind.ObjectStub, "object")
        .Scalars(Key.Id, Key.Uuid, Key.Name, Key.Distribution)
        .Hidden(Hiding.Zero, Key.SharingGroupId);

    /// <summary>
    /// The item a relationship points at, which MISP embeds with its event's source
    /// (<c>Relationship::getRelatedElement</c>): under its kind, <c>{"Event": {every column}}</c>,
    /// <c>{"Attribute": {..., "Event", "Object", "Organisation", "orgc_uuid"}}</c> or
    /// <c>{"Object": {..., "Event", "Organisation", "orgc_uuid"}}</c>.
    /// </summary>
    public static readonly ItemShape ForeignItem = new ItemShape(ItemKind.ForeignItem, "related-object")
        .With(Key.Event, Role.Item, ItemKind.EventStub)
        .With(Key.Attribute, Role.Item, ItemKind.ForeignItem)
        .With(Key.Object, Role.Item, ItemKind.ForeignItem)
        .With(Key.Organisation, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
        .Scalars(Key.Uuid, Key.Id, Key.Value, Key.Type, Key.Category, Key.EventId, Key.Name)
        .Hidden(Hiding.Zero, Key.SharingGroupId)
        .Hidden(Hiding.ForwarderUuid, Key.OrgcUuid, Key.OrgUuid);

    /// <summary>A record read for the tag links MISP writes beside its item (<c>/attributes/add</c>: <c>AttributeTag</c>), and nothing else of it.</summary>
    public static readonly ItemShape RecordTagLinks = new ItemShape(ItemKind.TagLink, "tag")
        .With(Key.AttributeTag, Role.TagLinks, ItemKind.TagLink);

    /// <summary>Notes, opinions and relationships (MISP's analyst data), nested in what they concern or on their own.</summary>
    public static readonly ItemShape AnalystData = Analyst();

    public static readonly ItemShape Sighting = new ItemShape(ItemKind.Sighting, "sighting")
        {
            NamesUuid = KeySet.Of(Key.AttributeUuid),
            NamesAttributeId = KeySet.Of(Key.AttributeId),
        }
        .With(Key.Organisation, Role.Item, ItemKind.Organisation, Hiding.Remove)
        .With(Key.Event, Role.Item, ItemKind.EventStub)

        // Sighting::restSearch's includeAttribute: the sighted attribute's own fields, named by attribute_id too.
        .With(Key.Attribute, Role.Item, ItemKind.ObjectStub)
        .Scalars(Key.Uuid, Key.Id, Key.EventId, Key.EventUuid, Key.AttributeUuid, Key.AttributeId, Key.Value, Key.Type)
        .Hidden(Hiding.Zero, Key.OrgId)
        .Hidden(Hiding.Remove, Key.Source, Key.OrgUuid);

    public static readonly ItemShape Proposal = new ItemShape(ItemKind.Proposal, "proposal")
        {
            Judged = true,
            Rule = RuleKind.Attribute,
            RemovedWhenHidden = true,
            NamesUuid = KeySet.Of(Key.Uuid, Key.OldUuid),
            NamesAttributeId = KeySet.Of(Key.OldId),
        }
        .With(Key.Org, Role.Item, ItemKind.Organisation)
        .With(Key.Tag, Role.Tags, ItemKind.Tag)
        .With(Key.Feed, Role.Items, ItemKind.Hit)
        .With(Key.Server, Role.Items, ItemKind.Hit)
        .With(Key.FeedHit, Role.Withheld)
        .With(Key.Event, Role.Item, ItemKind.EventStub)
        .Scalars(Key.Uuid, Key.Id, Key.OldId, Key.OldUuid, Key.EventId, Key.EventUuid, Key.Type, Key.Category, Key.Value, Key.OrgId, Key.OrgUuid, Key.Email, Key.EventOrgId);

    /// <summary>
    /// A cluster's relation to another (MISP's own galaxies tag theirs <c>estimative-language</c>): its
    /// own tags can make it more restrictive, and a MISP server receives it capped like its cluster.
    /// </summary>
    public static readonly ItemShape ClusterRelation = Relation(ItemKind.ClusterRelation, "galaxy-cluster-relation");

    /// <summary>
    /// Another cluster's relation to this one (<c>TargetingClusterRelation</c>): it belongs to that
    /// cluster, which the answer does not hold. One of MISP's own (<c>default</c>) is public; one an
    /// organisation made names a cluster the gateway cannot judge, and never leaves.
    /// </summary>
    public static readonly ItemShape TargetingRelation = Relation(ItemKind.TargetingRelation, "galaxy-cluster-targeting-relation");

    /// <summary>
    /// A galaxy cluster: its own tags count wherever it is (in an event, on an attribute, in an index
    /// row), as they decide on its own whether it leaves, and as its relations' do.
    /// </summary>
    public static readonly ItemShape GalaxyCluster = new ItemShape(ItemKind.GalaxyCluster, "galaxy-cluster") { Judged = true, Rule = RuleKind.Item, CapsDistribution = true }
        .With(Key.Orgc, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
        .With(Key.Org, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
        .With(Key.SharingGroup, Role.Item, ItemKind.SharingGroup, Hiding.Remove)
        .With(Key.Tag, Role.Tags, ItemKind.Tag)
        .With(Key.Galaxy, Role.Item, ItemKind.Galaxy)
        .With(Key.GalaxyClusterRelation, Role.Items, ItemKind.ClusterRelation)
        .With(Key.TargetingClusterRelation, Role.Items, ItemKind.TargetingRelation)
        .WithAnalystData()
        .Scalars(Key.Uuid, Key.Id, Key.Distribution, Key.Default, Key.Value, Key.Type, Key.Version, Key.Local)
        .Hidden(Hiding.Zero, Key.OrgcId, Key.OrgId, Key.SharingGroupId)
        .Hidden(Hiding.ForwarderUuid, Key.OrgcUuid, Key.OrgUuid)
        .With(Key.Authors, Role.Unread, hiding: Hiding.Remove);

    /// <summary>A galaxy: in an event, holding its clusters; in a cluster (its index rows, its view), the galaxy it belongs to, made by an organisation when custom.</summary>
    public static readonly ItemShape Galaxy = new ItemShape(ItemKind.Galaxy, "galaxy")
        .With(Key.GalaxyCluster, Role.Items, ItemKind.GalaxyCluster)
        .Scalars(Key.Uuid, Key.Id, Key.Name, Key.Type)
        .Hidden(Hiding.Zero, Key.OrgcId, Key.OrgId);

    public static readonly ItemShape RelatedAttribute = new ItemShape(ItemKind.RelatedAttribute, "correlation")
        .Scalars(Key.Id, Key.Value, Key.EventId, Key.Info)
        .Hidden(Hiding.Zero, Key.OrgId);

    /// <summary>
    /// A related event. Its inbound relationships come from items anywhere in the hub, each embedded
    /// with its own source: they cannot be confirmed, so they never leave (<see cref="ItemKind.Hit"/>);
    /// nor does its own analyst data (<c>Event::find</c> attaches it to every event it finds while a view
    /// fetches analyst data), which belongs to the related event and is not judged here.
    /// </summary>
    public static readonly ItemShape Correlation = new ItemShape(ItemKind.Correlation, "correlation")
        .With(Key.Event, Role.Item, ItemKind.EventStub)
        .With(Key.RelationshipInbound, Role.Items, ItemKind.Hit)
        .With(Key.Note, Role.Items, ItemKind.Hit)
        .With(Key.Opinion, Role.Items, ItemKind.Hit)
        .With(Key.Relationship, Role.Items, ItemKind.Hit);

    public static readonly ItemShape Attribute = AttributeShape(ItemKind.Attribute, "attribute");

    /// <summary>An element of <c>/attributes/restSearch</c>: an attribute with stubs of its event and object, and its event's tags marked <c>inherited</c>.</summary>
    public static readonly ItemShape AttributeRow = AttributeShape(ItemKind.AttributeRow, "attribute")
        .With(Key.Event, Role.Item, ItemKind.RowEvent)
        .With(Key.Object, Role.Item, ItemKind.ObjectStub);

    public static readonly ItemShape ObjectReference = new ItemShape(ItemKind.ObjectReference, "object-reference")
        {
            NamesUuid = KeySet.Of(Key.ReferencedUuid),
        }
        .With(Key.Object, Role.Item, ItemKind.ObjectStub)
        .With(Key.Attribute, Role.Item, ItemKind.ObjectStub)
        .WithAnalystData()
        .Scalars(Key.Uuid, Key.Id, Key.ReferencedUuid, Key.ReferencedId, Key.ReferencedType, Key.EventId);

    public static readonly ItemShape Object = new ItemShape(ItemKind.Object, "object") { Judged = true, Rule = RuleKind.Object, CapsDistribution = true }
        .With(Key.Attribute, Role.Items, ItemKind.Attribute)
        .With(Key.Tag, Role.Tags, ItemKind.Tag)
        .With(Key.ObjectReference, Role.Items, ItemKind.ObjectReference)
        .With(Key.ShadowAttribute, Role.Items, ItemKind.Proposal)
        .WithAnalystData()
        .With(Key.SharingGroup, Role.Item, ItemKind.SharingGroup, Hiding.Remove)
        .With(Key.Event, Role.Item, ItemKind.EventStub)
        .With(Key.CryptographicKey, Role.Items, ItemKind.CryptographicKey, Hiding.Remove)
        .Scalars(Key.Uuid, Key.Id, Key.Name, Key.Distribution, Key.EventId)
        .Hidden(Hiding.Zero, Key.SharingGroupId);

    public static readonly ItemShape EventReport = new ItemShape(ItemKind.EventReport, "event-report") { Judged = true, Rule = RuleKind.Item, CapsDistribution = true }
        .With(Key.Tag, Role.Tags, ItemKind.Tag)
        .With(Key.EventReportTag, Role.TagLinks, ItemKind.TagLink)
        .With(Key.SharingGroup, Role.Item, ItemKind.SharingGroup, Hiding.Remove)
        .With(Key.Event, Role.Item, ItemKind.EventStub)
        .WithAnalystData()
        .Scalars(Key.Uuid, Key.Id, Key.Name, Key.Content, Key.Distribution, Key.EventId)
        .Hidden(Hiding.Zero, Key.SharingGroupId);

    public static readonly ItemShape Event = new ItemShape(ItemKind.Event, "event") { Judged = true, Rule = RuleKind.Event, CapsDistribution = true }
        .With(Key.Attribute, Role.Items, ItemKind.Attribute)
        .With(Key.Object, Role.Items, ItemKind.Object)
        .With(Key.ShadowAttribute, Role.Items, ItemKind.Proposal)
        .With(Key.Sighting, Role.Items, ItemKind.Sighting)
        .With(Key.EventReport, Role.Items, ItemKind.EventReport)
        .WithAnalystData()
        .With(Key.Galaxy, Role.Items, ItemKind.Galaxy)
        .With(Key.RelatedEvent, Role.Items, ItemKind.Correlation)
        .With(Key.Feed, Role.Items, ItemKind.Hit)
        .With(Key.Server, Role.Items, ItemKind.Hit)

        // Past 10,000 feed hits MISP counts them over every attribute of the event in place of listing the feeds.
        .With(Key.FeedCount, Role.Withheld)
        .With(Key.CryptographicKey, Role.Items, ItemKind.CryptographicKey, Hiding.Remove)
        .With(Key.Tag, Role.Tags, ItemKind.Tag)
        .With(Key.EventTag, Role.TagLinks, ItemKind.TagLink)
        .WithEventFields();

    /// <summary>A row of <c>/events/index</c>: an event's own fields with its tags as <c>EventTag</c> links and the clusters they name, no attributes.</summary>
    public static readonly ItemShape IndexRow = new ItemShape(ItemKind.IndexRow, "index-row") { Judged = true, Rule = RuleKind.Event, CapsDistribution = true }
        .With(Key.EventTag, Role.TagLinks, ItemKind.TagLink)
        .With(Key.GalaxyCluster, Role.Items, ItemKind.GalaxyCluster)
        .WithEventFields();

    public static ItemShape Of(ItemKind kind) => kind switch
    {
        ItemKind.Event => Event,
        ItemKind.IndexRow => IndexRow,
        ItemKind.Attribute => Attribute,
        ItemKind.AttributeRow => AttributeRow,
        ItemKind.Object => Object,
        ItemKind.ObjectReference => ObjectReference,
        ItemKind.EventReport => EventReport,
        ItemKind.Proposal => Proposal,
        ItemKind.Sighting => Sighting,
        ItemKind.AnalystData => AnalystData,
        ItemKind.Galaxy => Galaxy,
        ItemKind.GalaxyCluster => GalaxyCluster,
        ItemKind.ClusterRelation => ClusterRelation,
        ItemKind.TargetingRelation => TargetingRelation,
        ItemKind.Correlation => Correlation,
        ItemKind.RelatedAttribute => RelatedAttribute,
        ItemKind.CryptographicKey => CryptographicKey,
        ItemKind.Hit => Hit,
        ItemKind.Tag => Tag,
        ItemKind.TagLink => TagLink,
        ItemKind.Organisation => Organisation,
        ItemKind.SharingGroup => SharingGroup,
        ItemKind.SharingGroupOrg => SharingGroupOrg,
        ItemKind.EventStub => EventStub,
        ItemKind.RowEvent => RowEvent,
        ItemKind.ObjectStub => ObjectStub,
        ItemKind.ForeignItem => ForeignItem,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// MISP's analyst data on an item (<c>AnalystDataParentBehavior</c>): its own notes, opinions and
    /// relationships, judged as what they concern; and <c>RelationshipInbound</c>, the relationships of
    /// other items that point at it, each from an item anywhere in the hub that the answer does not hold:
    /// they cannot be judged, so they never leave (<see cref="ItemKind.Hit"/>).
    /// </summary>
    private static ItemShape WithAnalystData(this ItemShape shape) => shape
        .With(Key.Note, Role.Items, ItemKind.AnalystData)
        .With(Key.Opinion, Role.Items, ItemKind.AnalystData)
        .With(Key.Relationship, Role.Items, ItemKind.AnalystData)
        .With(Key.RelationshipInbound, Role.Items, ItemKind.Hit);

    /// <summary>An event's own fields, as a full event and an index row both carry them: its source, sharing group and flags.</summary>
    private static ItemShape WithEventFields(this ItemShape shape) => shape
        .With(Key.Orgc, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
        .With(Key.Org, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
        .With(Key.SharingGroup, Role.Item, ItemKind.SharingGroup, Hiding.Remove)
        .Scalars(Key.Uuid, Key.Id, Key.Info, Key.Distribution, Key.Protected, Key.AttributeCount, Key.Published, Key.Timestamp, Key.SightingTimestamp)
        .Hidden(Hiding.Zero, Key.OrgcId, Key.OrgId, Key.UserId, Key.SharingGroupId)
        .Hidden(Hiding.ForwarderUuid, Key.OrgcUuid, Key.OrgUuid)
        .Hidden(Hiding.ForwarderName, Key.OrgcName, Key.OrgName)
        .Hidden(Hiding.Remove, Key.EventCreatorEmail, Key.ExtendsUuid, Key.Locked);

    private static ItemShape AttributeShape(ItemKind kind, string name) => new ItemShape(kind, name) { Judged = true, Rule = RuleKind.Attribute, CapsDistribution = true }
        .With(Key.Tag, Role.Tags, ItemKind.Tag)
        .With(Key.AttributeTag, Role.TagLinks, ItemKind.TagLink)
        .With(Key.Galaxy, Role.Items, ItemKind.Galaxy)
        .With(Key.ShadowAttribute, Role.Items, ItemKind.Proposal)
        .With(Key.Sighting, Role.Items, ItemKind.Sighting)
        .With(Key.RelatedAttribute, Role.Items, ItemKind.RelatedAttribute)
        .With(Key.RelatedTags, Role.Items, ItemKind.Hit)
        .With(Key.Feed, Role.Items, ItemKind.Hit)
        .With(Key.Server, Role.Items, ItemKind.Hit)
        .With(Key.FeedHit, Role.Withheld)
        .With(Key.Sightingdb, Role.Items, ItemKind.Hit)
        .WithAnalystData()
        .With(Key.SharingGroup, Role.Item, ItemKind.SharingGroup, Hiding.Remove)
        .Scalars(Key.Uuid, Key.Id, Key.Type, Key.Category, Key.Value, Key.Distribution, Key.EventId, Key.Timestamp)
        .Hidden(Hiding.Zero, Key.SharingGroupId);

    private static ItemShape Relation(ItemKind kind, string name) => new ItemShape(kind, name) { Judged = true, CapsDistribution = true }
        .With(Key.Tag, Role.Tags, ItemKind.Tag)
        .With(Key.SharingGroup, Role.Item, ItemKind.SharingGroup, Hiding.Remove)
        .With(Key.Orgc, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
        .With(Key.Org, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
        .Scalars(Key.Uuid, Key.Id, Key.Distribution, Key.Default)
        .Hidden(Hiding.Zero, Key.OrgcId, Key.OrgId, Key.SharingGroupId);

    private static ItemShape Analyst()
    {
        var shape = new ItemShape(ItemKind.AnalystData, "analyst-data")
        {
            Judged = true,
            Rule = RuleKind.Item,
            CapsDistribution = true,
            NamesUuid = KeySet.Of(Key.ObjectUuid, Key.RelatedObjectUuid),
        };
        return shape
            .With(Key.Orgc, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
            .With(Key.Org, Role.Item, ItemKind.Organisation, Hiding.Forwarder)
            .With(Key.SharingGroup, Role.Item, ItemKind.SharingGroup, Hiding.Remove)
            .With(Key.Tag, Role.Tags, ItemKind.Tag)
            .WithAnalystData()
            .With(Key.RelatedObject, Role.Item, ItemKind.ForeignItem)
            .Scalars(Key.Uuid, Key.Id, Key.Distribution, Key.ObjectUuid, Key.ObjectType, Key.RelatedObjectUuid, Key.RelatedObjectType)
            .Hidden(Hiding.Zero, Key.OrgcId, Key.OrgId, Key.SharingGroupId)
            .Hidden(Hiding.ForwarderUuid, Key.OrgcUuid, Key.OrgUuid)
            .Hidden(Hiding.Remove, Key.Authors);
    }
}
