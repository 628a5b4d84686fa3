using System.Text.Json.Nodes;
using TlpGateway.Admission;
using TlpGateway.Curation;
using TlpGateway.Defaults;
using TlpGateway.Endpoints;
using TlpGateway.Members;
using TlpGateway.Provenance;
using TlpGateway.Requests;
using TlpGateway.Rules;

namespace TlpGateway.Ingress;

/// <summary>
/// The outcome of the content rules: a refusal (reason, the rule's name, message), or the body to
/// forward: the rewritten one, the one read (null), or the bytes as sent (<see cref="Untouched"/>: a signed event).
/// </summary>
internal readonly record struct ContentVerdict(string? Reason, string? Rule, string? Message, JsonNode? Body)
{
    public static ContentVerdict Untouched { get; } = new(null, null, null, null) { KeepBytes = true };

    /// <summary>The bytes as sent are forwarded (a signature covers them).</summary>
    public bool KeepBytes { get; init; }

    public static ContentVerdict Pass(JsonNode? body = null) => new(null, null, null, body);

    public static ContentVerdict Refuse(string reason, string rule, string message) => new(reason, rule, message, null);

    public bool Refused => Reason is not null;
}

/// <summary>
/// Which rules of SPEC sections 5 and 6 a write's body meets, by what it carries
/// (<see cref="WriteContent"/>), on the body as MISP reads it for that action: the marking and the
/// default tags (<c>Defaults/</c>), signed events, curation (<c>Curation/</c>), the member's rules
/// (<c>Rules/</c>) and the source (<c>Provenance/</c>). Pure code: the owner look-ups are made before.
/// </summary>
/// <exception cref="ShapeException">The body holds a shape MISP would read differently or not at all.</exception>
internal static class WrittenContent
{
    public static ContentVerdict Judge(MispRequest request, Requester requester, CommunitySettings community, int looseLimit)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(community);
        var rules = requester.Member.Rules;
        var body = request.Body.Root;
        return request.Endpoint.Write?.Content switch
        {
            WriteContent.Event => Event(request, requester, community, looseLimit),
            WriteContent.Attributes => Attributes(request, rules, looseLimit),
            WriteContent.Object => Object(body, rules),
            WriteContent.FreeText => FreeText(request, rules, looseLimit),
            WriteContent.ResolvedFreeText => ResolvedFreeText(body, rules, looseLimit),
            WriteContent.Report => Item(Unwrapped(body, "EventReport"), rules),
            WriteContent.Tag => Tag(request, rules),
            WriteContent.Proposals => Proposals(request, requester),
            WriteContent.AnalystData => AnalystData(request, rules),
            WriteContent.Clusters => Clusters(body, rules),
            WriteContent.Sightings => Sightings(request),
            WriteContent.SightingList => SightingList(body),
            _ => ContentVerdict.Pass(),
        };
    }

    /// <summary>An event added, pushed, edited or populated (SPEC sections 5 and 6).</summary>
    private static ContentVerdict Event(MispRequest request, Requester requester, CommunitySettings community, int looseLimit)
    {
        var action = MispRequestAction(request);
        var evt = action switch
        {
            "add" => WrittenEvent.ForAdd(request.Body.Root),
            "populate" => WrittenEvent.ForPopulate(request.Body.Root),
            _ => WrittenEvent.ForEdit(request.Body.Root),
        };
        var merged = action == "populate";
        var marking = evt.Marking;
        if (evt.Protected && !marking.HasLevel)
        {
            return ContentVerdict.Refuse("protected-without-tlp", "TLP", "A signed (protected) event must carry a TLP tag: tag it before signing.");
        }

        if (LooseValues.OverLimit(LooseValues.OfEvent(evt.Attributes, evt.Objects), looseLimit) is { } loose)
        {
            return ContentVerdict.Refuse("curation", "Curation", LooseValues.Message(loose, looseLimit));
        }

        // What populate merges keeps the event's marking; anything added, pushed or edited without a level gets the default.
        var added = merged ? [] : DefaultMarking.TagsToAdd(marking, community);
        var stored = evt.TagObjects.Select(WrittenShapes.Name).Concat(added).ToList();
        if (WrittenRules.Event(evt.Event, stored, evt.Attributes, evt.Objects, evt.Reports, evt.Proposals, requester.Member.Rules) is { } rule)
        {
            return ContentVerdict.Refuse("rule-" + rule, rule, $"The event breaks this member's sharing rule '{rule}'.");
        }

        var claimsSource = !merged && WrittenSource.ClaimsAnotherSource(evt.Event, requester);
        var respelled = evt.RespellMarkings();
        if (evt.Protected)
        {
            // The signature covers the bytes as sent: a signed event MISP would store as judged is forwarded untouched.
            if (respelled)
            {
                return ContentVerdict.Refuse("protected-would-change", "Signature", "A signed (protected) event's TLP tags must be spelled as MISP's taxonomy spells them (tlp:red, tlp:ex:chr, ...), with no unknown tlp: value beside a lower level: MISP would store another spelling as a tag of its own, or drop it.");
            }

            return claimsSource
                ? ContentVerdict.Refuse("protected-would-change", "Signature", "A signed (protected) event naming another organisation as its source would have to change: sign it as your own organisation.")
                : ContentVerdict.Untouched;
        }

        foreach (var name in added)
        {
            evt.Tags.Add(DefaultMarking.TagObject(name));
        }

        if (!merged)
        {
            WrittenSource.MakeRequesterTheSource(evt.Event, requester);
        }

        return ContentVerdict.Pass(evt.ToBody());
    }

    /// <summary>
    /// <c>/attributes/add</c> (a list, one attribute, <c>{"Attribute": ...}</c>, a list <c>value</c>, or
    /// <c>batch_import</c> lines) and <c>/attributes/edit</c> (one attribute): curation and member rules,
    /// forwarded as the list (or the one attribute) judged.
    /// </summary>
    private static ContentVerdict Attributes(MispRequest request, MemberRules rules, int looseLimit)
    {
        var root = request.Body.Root;
        var data = root is JsonObject obj && obj.ContainsKey("Attribute") ? obj["Attribute"] : root;
        var edit = MispRequestAction(request) == "edit";
        List<JsonObject> attributes;
        if (data is JsonObject single && !single.ContainsKey("0"))
        {
            attributes = edit ? [single] : Expanded(single);
        }
        else if (edit)
        {
            throw new ShapeException("An attribute edit carries one attribute.");
        }
        else
        {
            attributes = WrittenShapes.ForeachList(data, "Attribute");
        }

        var canonical = attributes.Select(WrittenEvent.CanonicalAttribute).ToList();
        canonical.ForEach(a => WrittenEvent.RespellMarkings(a));
        if (LooseValues.OverLimit(canonical.Select(LooseValues.TypeOf), looseLimit) is { } loose)
        {
            return ContentVerdict.Refuse("curation", "Curation", LooseValues.Message(loose, looseLimit));
        }

        foreach (var attribute in canonical)
        {
            if (WrittenRules.Attribute(attribute, rules, null) is { } rule)
            {
                return ContentVerdict.Refuse("rule-" + rule, rule, $"The attribute breaks this member's sharing rule '{rule}'.");
            }
        }

        return ContentVerdict.Pass(new JsonObject { ["Attribute"] = edit ? canonical[0] : new JsonArray([.. canonical]) });
    }

    /// <summary>
    /// One attribute of <c>/attributes/add</c>, or the many it stands for: a list <c>value</c> (a JSON object too, which
    /// PHP decodes to the array whose values MISP's <c>foreach</c> takes), or <c>batch_import</c> lines.
    /// </summary>
    private static List<JsonObject> Expanded(JsonObject attribute)
    {
        var value = attribute["value"];
        string[] values;
        if (value is JsonArray or JsonObject)
        {
            var items = value is JsonArray list ? list : value.AsObject().Select(p => p.Value);
            values = [.. items.Select(v => PhpValue.Text(v) ?? throw new ShapeException("Each value of a list 'value' must be a string."))];
        }
        else if (PhpValue.IsTruthy(attribute["batch_import"]))
        {
            values = (PhpValue.Text(value) ?? throw new ShapeException("'value' must be a string.")).TrimEnd('\n').Split('\n');
        }
        else
        {
            return [attribute];
        }

        return [.. values.Select(v =>
        {
            var copy = attribute.DeepClone().AsObject();
            copy.Remove("batch_import");
            copy["value"] = v;
            return copy;
        })];
    }

    /// <summary><c>/objects/add|edit</c>: <c>request</c> unwrapped, <c>Object</c> or the body, its attributes beside it or inside.</summary>
    private static ContentVerdict Object(JsonNode? body, MemberRules rules)
    {
        var data = Unwrapped(body, "request") is JsonObject unwrapped ? unwrapped : throw new ShapeException("The body must hold one object.");
        var obj = data["Object"] as JsonObject ?? data;
        if (obj.ContainsKey("data"))
        {
            throw new ShapeException("The 'data' form of an object (a string of JSON) is not read by the gateway: send the object as JSON.");
        }

        var withAttributes = obj.DeepClone().AsObject();
        if (data.ContainsKey("Object") && data["Attribute"] is { } beside)
        {
            withAttributes["Attribute"] = beside.DeepClone();
        }

        var canonical = WrittenEvent.CanonicalObject(withAttributes);
        (canonical["Attribute"] as JsonArray ?? []).OfType<JsonObject>().ToList().ForEach(a => WrittenEvent.RespellMarkings(a));
        return WrittenRules.Object(canonical, rules, null) is { } rule
            ? ContentVerdict.Refuse("rule-" + rule, rule, $"The object breaks this member's sharing rule '{rule}'.")
            : ContentVerdict.Pass(new JsonObject { ["Object"] = canonical });
    }

    /// <summary>
    /// <c>/events/freeTextImport</c>: the text MISP parses into attributes (<c>Attribute.value</c>, <c>value</c>, or the
    /// body's text), counted for curation. Unless MISP only answers what it would create (<c>returnMetaAttributes</c>,
    /// the path's or the body's), it saves them at <c>Attribute.distribution</c>, with the types and categories its
    /// parser gives: a member whose rules name types or categories cannot be held to them there.
    /// </summary>
    private static ContentVerdict FreeText(MispRequest request, MemberRules rules, int looseLimit)
    {
        var body = request.Body.Root;
        var data = body is JsonObject obj && obj["Attribute"] is { } attribute ? attribute : body;
        var holder = data is JsonObject fields && fields["value"] is not null ? fields : null;
        var text = PhpValue.Text(holder?["value"] ?? data) ?? throw new ShapeException("The free text must be a string.");
        if (LooseValues.OverLimit(LooseValues.OfFreeText(text), looseLimit) is { } loose)
        {
            return ContentVerdict.Refuse("curation", "Curation", LooseValues.Message(loose, looseLimit));
        }

        var parsedOnly = PhpValue.IsTruthy(request.Route.Passed.ElementAtOrDefault(2)) || PhpValue.IsTruthy(holder?["returnMetaAttributes"]);
        var typed = rules.BlockedAttributeTypes.Count > 0 ? RuleNames.BlockedAttributeTypes : rules.BlockedAttributeCategories.Count > 0 ? RuleNames.BlockedAttributeCategories : null;
        if (!parsedOnly && typed is not null)
        {
            return ContentVerdict.Refuse("rule-" + typed, typed, $"MISP types free text itself, so it cannot be held to this member's sharing rule '{typed}': add the attributes with their type and category (/attributes/add).");
        }

        return !parsedOnly && holder is not null && WrittenRules.Item(holder, rules, null) is { } rule
            ? ContentVerdict.Refuse("rule-" + rule, rule, $"The attributes break this member's sharing rule '{rule}'.")
            : ContentVerdict.Pass();
    }

    /// <summary>
    /// <c>/events/saveFreeText</c>: the resolved attributes in <c>MispAttribute.JsonObject</c> (a string of JSON),
    /// each with its tags as a comma-separated <c>tags</c> text. MISP 2.5.1 copies <c>MispAttribute</c> over
    /// <c>Attribute</c> before it reads them, so an <c>Attribute</c> of the body is never what it saves.
    /// </summary>
    private static ContentVerdict ResolvedFreeText(JsonNode? body, MemberRules rules, int looseLimit)
    {
        var json = PhpValue.Text((body as JsonObject)?["MispAttribute"] is JsonObject attribute ? attribute["JsonObject"] : null) ?? throw new ShapeException("saveFreeText carries the resolved attributes in MispAttribute.JsonObject.");
        var attributes = WrittenShapes.ForeachList(WrittenShapes.ParseList(json, "resolved attributes"), "MispAttribute.JsonObject");
        if (LooseValues.OverLimit(attributes.Select(LooseValues.TypeOf), looseLimit) is { } loose)
        {
            return ContentVerdict.Refuse("curation", "Curation", LooseValues.Message(loose, looseLimit));
        }

        var broken = attributes.Select(a => WrittenRules.Attribute(a, rules, null) ?? FreeTextTags(a).Select(t => WrittenRules.Tag(t, rules)).FirstOrDefault(r => r is not null)).FirstOrDefault(r => r is not null);
        return broken is null ? ContentVerdict.Pass() : ContentVerdict.Refuse("rule-" + broken, broken, $"An attribute breaks this member's sharing rule '{broken}'.");
    }

    /// <summary>The tags <c>Event::processFreeTextData</c> attaches to a resolved attribute: its <c>tags</c> text split at commas, trimmed.</summary>
    private static IEnumerable<string> FreeTextTags(JsonObject attribute)
    {
        if (attribute["tags"] is not { } tags || !PhpValue.IsTruthy(tags))
        {
            return [];
        }

        var text = tags is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? value.GetValue<string>()
            : throw new ShapeException("The tags of a resolved attribute must be a comma-separated text.");
        return text.Split(',').Select(t => t.Trim()).Where(t => t.Length > 0);
    }

    /// <summary>
    /// <c>/sightings/add</c>, as <c>request</c>, then <c>Sighting</c>, unwrapped: never a STIX document, and never
    /// <c>filters</c>, with which <c>Sighting::saveSightings</c> leaves the named attribute aside and sights by value.
    /// </summary>
    private static ContentVerdict Sightings(MispRequest request)
    {
        if (request.Route.Passed.FirstOrDefault() is "stix")
        {
            return ContentVerdict.Refuse("sightings-stix", "Sightings", "STIX sightings documents are not read by the gateway: send sightings as JSON.");
        }

        var data = Unwrapped(Unwrapped(request.Body.Root, "request"), "Sighting");
        return data is JsonObject sighting && PhpValue.IsTruthy(sighting["filters"])
            ? ContentVerdict.Refuse("sightings-by-value", "Sightings", "Sightings with filters are matched by value across events and are not served through the gateway: name the attribute by id or uuid.")
            : ContentVerdict.Pass();
    }

    /// <summary>A tag added by name (the passed parameter or the body's <c>tag</c>, a name, an id or a JSON list of them).</summary>
    private static ContentVerdict Tag(MispRequest request, MemberRules rules)
    {
        var values = new List<JsonNode>();
        if (request.Route.Passed.Count > 1)
        {
            values.Add(JsonValue.Create(request.Route.Passed[1]));
        }

        values.AddRange(WriteTargets.BodyValues(request.Body.Root, ["tag", "tag_id", "Event.tag", "Event.tag_id", "Attribute.tag", "Attribute.tag_id"]));

        // /tags/attachTagToObject finds its tag by SQL LIKE, and reads a text as one name (a JSON list in it too);
        // events and attributes look theirs up by exact name, and decode a text that is a JSON list.
        var byPattern = request.Endpoint.Controller == "tags";
        foreach (var name in values.SelectMany(value => TagNames(value, decodeLists: !byPattern)))
        {
            if ((byPattern ? WrittenRules.TagPattern(name, rules) : WrittenRules.Tag(name, rules)) is { } rule)
            {
                return ContentVerdict.Refuse("rule-" + rule, rule, $"The tag breaks this member's sharing rule '{rule}'.");
            }
        }

        return ContentVerdict.Pass();
    }

    /// <summary>The tag names a value gives (ids and tag collections name no tag the gateway can read).</summary>
    private static IEnumerable<string> TagNames(JsonNode value, bool decodeLists)
    {
        var items = value is JsonArray list ? list.ToList() : [value];
        foreach (var item in items)
        {
            var text = PhpValue.Text(item)?.Trim() ?? throw new ShapeException("A tag must be a name or an id.");
            if (decodeLists && text.StartsWith('['))
            {
                foreach (var inner in TagNames(WrittenShapes.ParseList(text, "tags"), decodeLists))
                {
                    yield return inner;
                }
            }
            else if (!PhpValue.IsNumericString(text) && !text.StartsWith("collection_", StringComparison.OrdinalIgnoreCase))
            {
                yield return text;
            }
        }
    }

    /// <summary>
    /// Proposals as each action reads them: <c>/shadow_attributes/add</c> unwraps <c>request</c>, then takes
    /// <c>ShadowAttribute</c>, else <c>Attribute</c>, else <c>Proposal</c>, else the body; <c>edit</c> unwraps
    /// <c>request</c>, then takes <c>ShadowAttribute</c>, else the body as it stands (its <c>Attribute</c> is not
    /// read); <c>/events/pushProposals</c> saves every value of the body, list or object, as it stands.
    /// </summary>
    /// <remarks>The add and edit actions save a proposal in the writer's name; a pushed one names its proposer, which becomes the requester.</remarks>
    private static ContentVerdict Proposals(MispRequest request, Requester requester)
    {
        var data = Unwrapped(request.Body.Root, "request");
        var action = MispRequestAction(request);
        List<JsonObject> proposals = action switch
        {
            "pushproposals" => WrittenShapes.ForeachList(request.Body.Root, "ShadowAttribute"),
            "edit" => [OneProposal(Unwrapped(data, "ShadowAttribute"))],
            _ => [OneProposal(data is JsonObject obj ? obj["ShadowAttribute"] ?? obj["Attribute"] ?? obj["Proposal"] ?? obj : data)],
        };
        var broken = proposals.Select(p => WrittenRules.Attribute(p, requester.Member.Rules, null)).FirstOrDefault(r => r is not null);
        if (broken is not null)
        {
            return ContentVerdict.Refuse("rule-" + broken, broken, $"The proposal breaks this member's sharing rule '{broken}'.");
        }

        var renamed = action == "pushproposals" && proposals.Aggregate(false, (changed, p) => WrittenSource.MakeRequesterTheProposer(p, requester) | changed);
        return ContentVerdict.Pass(renamed ? request.Body.Root : null);
    }

    private static JsonObject OneProposal(JsonNode? proposal) => proposal as JsonObject ?? throw new ShapeException("The body must hold one proposal.");

    /// <summary>The analyst data items a write saves (<see cref="WriteTargets.AnalystDataItems"/>): judged by their distribution.</summary>
    private static ContentVerdict AnalystData(MispRequest request, MemberRules rules)
    {
        var items = WriteTargets.AnalystDataItems(request);
        var broken = items.Select(item => WrittenRules.Item(item, rules, null)).FirstOrDefault(r => r is not null);
        if (broken is not null)
        {
            return ContentVerdict.Refuse("rule-" + broken, broken, $"The item breaks this member's sharing rule '{broken}'.");
        }

        // Each item, nested ones too (captureAnalystData saves each), is saved with a creator of its own.
        var renamed = items.Concat(WriteTargets.WrittenAnalystItems(request.Body.Root)).Aggregate(false, (changed, item) => WrittenSource.MakeWriterTheCreator(item, "Orgc", "orgc_uuid") | changed);
        return ContentVerdict.Pass(renamed ? request.Body.Root : null);
    }

    /// <summary><c>/galaxies/pushCluster</c>: every value of the body, list or object, saved from its <c>GalaxyCluster</c> (<c>Galaxy::importGalaxyAndClusters</c>).</summary>
    private static ContentVerdict Clusters(JsonNode? body, MemberRules rules)
    {
        var clusters = WrittenShapes.ForeachList(body, "GalaxyCluster");
        var broken = clusters.Select(c => WrittenRules.Item(c["GalaxyCluster"] as JsonObject ?? c, rules, null)).FirstOrDefault(r => r is not null);
        if (broken is not null)
        {
            return ContentVerdict.Refuse("rule-" + broken, broken, $"The item breaks this member's sharing rule '{broken}'.");
        }

        // captureCluster reads the creator beside the cluster (Orgc) and in it (Orgc, orgc_id).
        var renamed = clusters.Aggregate(false, (changed, c) =>
            WrittenSource.MakeWriterTheCreator(c, "Orgc") | WrittenSource.MakeWriterTheCreator(c["GalaxyCluster"] as JsonObject ?? c, "Orgc", "orgc_id") | changed);
        return ContentVerdict.Pass(renamed ? body : null);
    }

    /// <summary><c>/sightings/bulkSaveSightings</c>: <c>Sighting</c> when set, else the body; every value of it a sighting, saved in its writer's name.</summary>
    private static ContentVerdict SightingList(JsonNode? body)
    {
        var data = body is JsonObject obj && PhpValue.IsTruthy(obj["Sighting"]) ? obj["Sighting"] : body;
        var renamed = WrittenShapes.ForeachList(data, "Sighting").Aggregate(false, (changed, s) => WrittenSource.MakeWriterTheSighter(s) | changed);
        return ContentVerdict.Pass(renamed ? body : null);
    }

    private static ContentVerdict Item(JsonNode? item, MemberRules rules) =>
        item is not JsonObject obj
            ? throw new ShapeException("The body must hold one item.")
            : WrittenRules.Item(obj, rules, null) is { } rule
                ? ContentVerdict.Refuse("rule-" + rule, rule, $"The item breaks this member's sharing rule '{rule}'.")
                : ContentVerdict.Pass();

    private static JsonNode? Unwrapped(JsonNode? body, string wrapper) => body is JsonObject obj && obj[wrapper] is { } inner ? inner : body;

    private static string MispRequestAction(MispRequest request) => request.Endpoint.Action.ToLowerInvariant();
}
