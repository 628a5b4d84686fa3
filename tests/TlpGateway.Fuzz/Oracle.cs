using System.Text;
using System.Text.Json;
using TlpGateway.Admission;
using TlpGateway.Members;
using TlpGateway.Tlp;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>
/// What a requester may not be told, read from one of MISP's answers by SPEC sections 3 and 4 alone,
/// with code of its own (<see cref="OracleMarking"/>, <see cref="OracleEntitlement"/>), never the
/// filter's: the UUIDs of every item the requester may not receive, and the UUIDs and names of the
/// sources hidden from it (every source for a third party; for a member, those of events under CHR,
/// with the community's <c>chathamHouse: tagged</c>).
/// </summary>
/// <remarks>
/// <para>Items: events (<c>Tag</c> and <c>EventTag</c> links), index rows (by their <c>EventTag</c>;
/// a row without one is looked up), attribute rows, attributes (their own <c>Tag</c> and
/// <c>AttributeTag</c> with their event's), objects, reports, proposals, analyst data, galaxy clusters
/// (in a galaxy, or outside one in an index row) and their relations by their own TLP tags with what
/// holds them, objects left with no attribute, galaxies left with none of the clusters they held,
/// object references to a removed item, reports naming a removed attribute (its UUID, or its value of 4 characters or
/// more), proposals and sightings on removed attributes (nested, or at the event's level naming it
/// by UUID or id), what a withheld item holds (proposals, sightings, analyst data, galaxies,
/// references), correlations and feed or server hits (every related event is withheld by the
/// harness, but those whose <c>Event.uuid</c> holds <see cref="ConfirmedMark"/>), and items answered on
/// their own (proposals, sightings, analyst data and its index, attributes, objects, reports, attribute
/// rows carrying none of their event's tags: looked up, withheld by the harness unless the reference it
/// is asked about holds the mark, <see cref="OracleConfirmed"/>, when only their hidden sources and
/// their own tags are judged).</para>
/// <para>Sources hidden: <c>Orgc</c>, <c>Org</c>, <c>Organisation</c> and any organisation-shaped
/// object (UUID and name), the flat <c>orgc_uuid</c>, <c>org_uuid</c>, <c>orgc_name</c>,
/// <c>org_name</c>, <c>event_creator_email</c>, a proposal's <c>email</c>, a sighting's
/// <c>source</c>, <c>extends_uuid</c>, the <c>SharingGroup</c> and <c>CryptographicKey</c> blocks.</para>
/// <para>Conservative: a string the input also holds in text the requester may receive (a comment,
/// an item released, a block under a name the gateway does not read where the source is shown, a
/// record of no data) is not checked, so that an answer is never faulted for free text MISP lets
/// through (SPEC section 4). A name of 5 characters or more with a letter is checked anywhere; a shorter
/// one (<c>BSI</c>), or one without a letter, only as a whole string value (<see cref="OracleValues"/>),
/// which free text holding it is not, and digits alone not at all (the filter writes numbers of its own).</para>
/// </remarks>
internal sealed partial class Oracle
{
    private static readonly string[] SourceObjects = ["Orgc", "Org", "Organisation"];
    private static readonly string[] SourceUuids = ["orgc_uuid", "org_uuid", "organisation_uuid"];
    private static readonly string[] SourceNames = ["orgc", "org", "orgc_name", "org_name", "event_creator_email", "email"];
    private static readonly string[] HiddenBlocks = ["SharingGroup", "CryptographicKey"];
    private static readonly string[] Correlations = ["RelatedEvent", "RelatedAttribute", "Feed", "Server"];
    private static readonly string[] OwnTagged = ["Object", "EventReport", "ShadowAttribute", "Note", "Opinion", "Relationship", "GalaxyCluster", "GalaxyClusterRelation"];
    // The names of items: what they hold is an item, however few its fields (an organisation has the same few).
    private static readonly string[] ItemNames = ["Event", "Attribute", "Object", "EventReport", "ShadowAttribute", "Sighting", "Note", "Opinion", "Relationship", "Galaxy", "GalaxyCluster", "GalaxyClusterRelation", "ObjectReference", "Tag", "RelatedEvent"];
    private static readonly string[] StandaloneItems = ["ShadowAttribute", "Sighting", "Note", "Opinion", "Relationship", "Attribute", "Object", "EventReport"];
    private const string Forwarder = "00000000-0000-4000-8000-000000000001";

    // What the filter writes of its own: the default marking's tags, the forwarder.
    private const string Written = "tlp:amber\ntlp:ex:chr\n#FFC000\nHub\nFuzz\n" + Forwarder + "\n";

    private readonly HashSet<string> _forbidden = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _forbiddenValues = new(StringComparer.OrdinalIgnoreCase);
    private readonly StringBuilder _allowed = new(Written);
    private readonly TlpLevel _defaultLevel;
    private readonly Requester _requester;

    private Oracle(TlpLevel defaultLevel, Requester requester)
    {
        _defaultLevel = defaultLevel;
        _requester = requester;
    }

    /// <summary>
    /// The harness confirms a look-up whose reference (an event's UUID, <c>attribute/UUID</c>...) holds
    /// this mark: the event or item is receivable, TLP:CLEAR, with its source hidden. Whatever names it
    /// may leave, and then with every source in it hidden.
    /// </summary>
    public const string ConfirmedMark = "cafe";

    public static bool Confirmed(string reference) => reference.Contains(ConfirmedMark, StringComparison.OrdinalIgnoreCase);

    private bool HidesEverySource => _requester.Member.Relation == MemberRelation.ThirdParty;

    /// <summary>The strings an answer to <paramref name="requester"/> must not hold anywhere (UUIDs, names of 5 characters or more with a letter).</summary>
    public static IReadOnlyList<string> Forbidden(JsonElement root, TlpLevel defaultLevel, Requester requester) => Judge(root, defaultLevel, requester).Strings;

    /// <summary>
    /// What an answer to <paramref name="requester"/> must not hold: strings anywhere, and the shorter names of
    /// hidden sources (<c>BSI</c>, <c>NCSC</c>) as whole string values (<see cref="OracleValues"/>), which free
    /// text holding them (<c>"BSI advisory"</c>) is not.
    /// </summary>
    public static OracleVerdict Judge(JsonElement root, TlpLevel defaultLevel, Requester requester)
    {
        var oracle = new Oracle(defaultLevel, requester);
        oracle.Answer(root);
        var text = oracle._allowed.ToString();
        var strings = oracle._forbidden.Where(s => !s.Equals(requester.OrgUuid, StringComparison.OrdinalIgnoreCase) && !text.Contains(s, StringComparison.OrdinalIgnoreCase)).ToList();

        // A value the requester may read whole (a comment "BSI", a released tag) is not checked: every allowed text stands on a line of its own.
        var lines = text.Split('\n').ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new(strings, oracle._forbiddenValues.Where(v => !lines.Contains(v)).ToList());
    }

    private void Answer(JsonElement root)
    {
        foreach (var row in AttributeRows(root))
        {
            AttributeRow(row);
        }

        foreach (var record in Records(root))
        {
            Record(record);
        }

        // The names of the answer's structure ("response", "Event"...) are no secret.
        AllowNames(root);
    }

    private void Record(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            Other(record);
            return;
        }

        if (StandaloneItems.Any(name => Values(record, name).Any(v => v.ValueKind is JsonValueKind.Object or JsonValueKind.Array)))
        {
            // An item answered on its own carries no tags: it is judged by what it concerns, looked up (withheld by the harness).
            // One beside an event stub with tags is left to the filter's reading of that stub.
            if (StandaloneItems.Any(name => OracleConfirmed.Item(record, name)))
            {
                // What it concerns is confirmed: it may leave, its sources hidden (the harness's look-up hides them).
                Walk(record, TlpLevel.Clear, hide: true, null);
            }
            else if (Values(record, "Event").Any(stub => Has(stub, "Tag")))
            {
                BesideTaggedStub(record);
            }
            else
            {
                Withhold(record);
                foreach (var index in StandaloneItems.SelectMany(name => Values(record, name)))
                {
                    // /analyst_data/indexMinimal: analyst data named by UUID, as a name, each looked up by it (confirmed, it may stay).
                    foreach (var entry in index.ValueKind == JsonValueKind.Object ? index.EnumerateObject() : default)
                    {
                        if (!Confirmed(entry.Name))
                        {
                            AddUuid(entry.Name);
                        }
                    }
                }
            }

            return;
        }

        var events = Values(record, "Event");
        if (events.Count > 0)
        {
            foreach (var evt in events.Where(e => e.ValueKind == JsonValueKind.Object))
            {
                Event(evt, EventMarking(evt));
            }

            if (HidesEverySource)
            {
                // What lies beside the event (whatever it is) is told no source either.
                foreach (var property in record.EnumerateObject().Where(p => p.Name != "Event"))
                {
                    Walk(property.Value, TlpLevel.Clear, hide: true, null);
                }
            }

            return;
        }

        if (Has(record, "Tag") || (Has(record, "info") && (Has(record, "Attribute") || Has(record, "Object"))))
        {
            // A bare event (old restSearch answers).
            Event(record, EventMarking(record));
        }
        else if (Has(record, "EventTag") || (Has(record, "uuid") && (Has(record, "orgc_uuid") || Has(record, "Orgc") || Has(record, "info"))))
        {
            // An index row: judged by its tags; a row without them (the minimal index) is looked up, withheld by the harness.
            if (!Has(record, "EventTag"))
            {
                Withhold(record);
            }
            else
            {
                Event(record, EventMarking(record));
            }
        }
        else if (Values(record, "GalaxyCluster") is [{ ValueKind: JsonValueKind.Object } cluster])
        {
            Cluster(record, cluster);
        }
        else
        {
            Other(record);
        }
    }

    // A record of no item the oracle judges: a third party is told no source in it; the rest is text MISP lets through.
    private void Other(JsonElement record)
    {
        if (HidesEverySource)
        {
            Walk(record, TlpLevel.Clear, hide: true, null);
        }
        else
        {
            AllowAll(record);
        }
    }

    private void Event(JsonElement evt, OracleMarking marking)
    {
        var level = marking.Effective(_defaultLevel);
        if (!OracleEntitlement.MayReceive(level, null, _requester))
        {
            Withhold(evt);
            return;
        }

        var hide = HidesEverySource || marking.BringsChathamHouse;
        var scope = EventScope.Of(evt, level, this);
        Walk(evt, level, hide, scope);
    }

    // A row of /attributes/restSearch: judged by its event's tags when MISP marked some inherited, else through its event,
    // looked up: withheld by the harness, or confirmed (TLP:CLEAR, its source hidden), when its own tags still count.
    private void AttributeRow(JsonElement row)
    {
        var eventMarking = default(OracleMarking);
        var own = default(OracleMarking);
        var inherited = false;
        foreach (var tag in Items(row, "Tag"))
        {
            var isInherited = Values(tag, "inherited").Any(Truthy);
            inherited |= isInherited;
            foreach (var name in Values(tag, "name"))
            {
                AddName(ref isInherited ? ref eventMarking : ref own, name);
            }
        }

        foreach (var name in Values(row, "Event").SelectMany(stub => Items(stub, "Tag")).SelectMany(tag => Values(tag, "name")))
        {
            AddName(ref eventMarking, name);
        }

        var level = eventMarking.Effective(_defaultLevel);
        level = own.Counts ? Max(level, own.Effective(_defaultLevel)) : level;
        if (!inherited && OracleConfirmed.Event(row))
        {
            level = own.Counts ? own.Effective(_defaultLevel) : TlpLevel.Clear;
            if (MayReceive(level))
            {
                Walk(row, level, hide: true, null);
            }
            else
            {
                Withhold(row);
            }
        }
        else if (!inherited || !OracleEntitlement.MayReceive(level, null, _requester))
        {
            Withhold(row);
        }
        else
        {
            Walk(row, level, HidesEverySource || eventMarking.BringsChathamHouse, null);
        }
    }

    /// <summary>The level of a part that carries tags of its own (an object, report, proposal, analyst data, galaxy cluster or its relation): the more restrictive of its own TLP tags and what holds it.</summary>
    internal TlpLevel OwnLevel(JsonElement part, TlpLevel level)
    {
        var own = Marking(part, "Tag", "EventReportTag");
        return own.Counts ? Max(level, own.Effective(_defaultLevel)) : level;
    }

    /// <summary>The level of an attribute: the more restrictive of its own TLP tags and what holds it.</summary>
    internal TlpLevel AttributeLevel(JsonElement attribute, TlpLevel level)
    {
        var own = Marking(attribute, "Tag", "AttributeTag");
        return own.Counts ? Max(level, own.Effective(_defaultLevel)) : level;
    }

    internal bool MayReceive(TlpLevel level) => OracleEntitlement.MayReceive(level, null, _requester);

    // An item released: its parts judged, its hidden sources noted, its text what the requester may read.
    private void Walk(JsonElement item, TlpLevel level, bool hide, EventScope? scope, bool sighting = false)
    {
        switch (item.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var element in item.EnumerateArray())
                {
                    Walk(element, level, hide, scope, sighting);
                }

                return;
            case JsonValueKind.String:
                AllowText(item);
                return;
            case JsonValueKind.Object:
                break;
            default:
                return;
        }

        AllowUuids(item);
        var isEvent = scope is not null && scope.Event.Equals(item);
        foreach (var property in item.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            _allowed.Append(name).Append('\n');
            if (SourceObjects.Contains(name) || (IsOrganisation(value) && !ItemNames.Contains(name)))
            {
                if (hide)
                {
                    // A source: hidden (it becomes the forwarder), so nothing of it is text the requester is known to receive.
                    ForbidSource(value);
                }
                else
                {
                    AllowAll(value);
                }
            }
            else if (SourceUuids.Contains(name) || SourceNames.Contains(name) || (name == "source" && sighting) || name is "extends_uuid" or "authors")
            {
                if (hide)
                {
                    // Analyst data's and a cluster's authors name people of the source (docs/behaviour.md, section 4): a string, or a list of them.
                    AddStrings(value);
                }
                else
                {
                    AllowAll(value);
                }
            }
            else if (HiddenBlocks.Contains(name) && hide)
            {
                Withhold(value);
            }
            else if (name == "RelatedEvent")
            {
                // A related event the harness confirms may stay, its source hidden; every other goes.
                foreach (var correlation in Elements(value))
                {
                    if (OracleConfirmed.Correlation(correlation))
                    {
                        Walk(correlation, level, hide: true, null);
                    }
                    else
                    {
                        Withhold(correlation);
                    }
                }
            }
            else if (Correlations.Contains(name))
            {
                // Every other correlation and hit goes.
                Withhold(value);
            }
            else if (!hide && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && Shapes.KeyNames.Find(Encoding.UTF8.GetBytes(name)) == Shapes.Key.Other)
            {
                // A block under a name the gateway does not read stays as MISP wrote it where the source is shown (docs/behaviour.md, section 4).
                AllowAll(value);
            }
            else if (name == "Galaxy" && value.ValueKind == JsonValueKind.Object && (Has(value, "uuid") || Has(value, "GalaxyCluster")))
            {
                // The galaxy a cluster belongs to (its index rows, its view): there for that cluster, not for any it holds.
                Walk(value, level, hide, scope);
            }
            else if (name == "Galaxy")
            {
                foreach (var galaxy in Elements(value))
                {
                    if (Emptied(galaxy, level))
                    {
                        Withhold(galaxy);
                    }
                    else
                    {
                        Walk(galaxy, level, hide, scope);
                    }
                }
            }
            else if (name == "Attribute")
            {
                foreach (var attribute in Parts(value))
                {
                    var attributeLevel = attribute.ValueKind == JsonValueKind.Object ? AttributeLevel(attribute, level) : level;
                    if (!MayReceive(attributeLevel))
                    {
                        Withhold(attribute);
                    }
                    else
                    {
                        Walk(attribute, attributeLevel, hide, scope);
                    }
                }
            }
            else if (OwnTagged.Contains(name) || name is "ObjectReference" or "Sighting")
            {
                foreach (var part in Parts(value))
                {
                    // A part's own TLP tags make it more restrictive than what holds it, as an attribute's do.
                    var partLevel = part.ValueKind == JsonValueKind.Object ? OwnLevel(part, level) : level;
                    var removed = !MayReceive(partLevel)
                        || (scope is not null && name is "Object" or "ObjectReference" or "EventReport" && scope.Removes(name, part))

                        // A relationship embeds what it points at: it leaves only towards the event or a part of it released.
                        || (scope is not null && name == "Relationship" && scope.RelatesToUnreleased(part))

                        // At the event's level, a proposal or sighting names the attribute it is on.
                        || (isEvent && name is "ShadowAttribute" or "Sighting" && scope!.NamesRemovedAttribute(part));
                    if (removed)
                    {
                        Withhold(part);
                    }
                    else
                    {
                        Walk(part, partLevel, hide, scope, sighting: name == "Sighting");
                    }
                }
            }
            else if (name.EndsWith("uuid", StringComparison.OrdinalIgnoreCase))
            {
                // Another item's UUID named by one released: text the requester receives unless SPEC removes it (judged above).
                AllowAll(value);
            }
            else
            {
                Walk(value, level, hide, scope);
            }
        }
    }

    private static TlpLevel Max(TlpLevel a, TlpLevel b) => a > b ? a : b;

    /// <summary>
    /// Whether a galaxy loses every cluster it holds (each withheld by its own TLP tags with what holds it): it goes
    /// with them, as MISP lists a galaxy only for the clusters it attaches (docs/behaviour.md, section 3), else it
    /// would tell that one was attached. One holding none is not emptied.
    /// </summary>
    private bool Emptied(JsonElement galaxy, TlpLevel level)
    {
        var clusters = Values(galaxy, "GalaxyCluster").SelectMany(Elements).ToList();
        return clusters.Count > 0 && clusters.All(c => c.ValueKind == JsonValueKind.Object && !MayReceive(OwnLevel(c, level)));
    }
}
