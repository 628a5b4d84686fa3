using System.Text.Json.Nodes;
using TlpGateway.Defaults;
using TlpGateway.Requests;
using TlpGateway.Tlp;

namespace TlpGateway.Ingress;

/// <summary>
/// The event of an add, edit, push or populate, as MISP's <c>EventsController</c> and <c>Event::_add</c>
/// / <c>_edit</c> read it, in the gateway's canonical form: one <c>Event</c>; <c>Attribute</c>,
/// <c>Object</c> (with their <c>Attribute</c>), <c>ShadowAttribute</c> and <c>EventReport</c> as lists;
/// every tag (<c>Tag</c> in any shape, <c>EventTag[].Tag</c>, <c>AttributeTag[].Tag</c>) in one
/// <c>Tag</c> list. What the rules judge is what is forwarded.
/// </summary>
internal sealed class WrittenEvent
{
    private WrittenEvent(JsonObject evt)
    {
        Event = evt;
        foreach (var tag in TagObjects)
        {
            _marking.Add(WrittenShapes.Name(tag));
        }
    }

    private readonly TlpMarking _marking;

    /// <summary>The canonical event (mutable: the rules add tags and set the source on it).</summary>
    public JsonObject Event { get; }

    /// <summary>The event's own tags, local ones included (they count for its marking, SPEC section 3).</summary>
    public JsonArray Tags => Event["Tag"]!.AsArray();

    public IEnumerable<JsonObject> TagObjects => Tags.OfType<JsonObject>();

    /// <summary>The marking of the tags as written (before any default is added).</summary>
    public TlpMarking Marking => _marking;

    /// <summary>MISP's <c>!empty($event['protected'])</c>: <c>"yes"</c> and <c>2</c> are protected too.</summary>
    public bool Protected => PhpValue.IsTruthy(Event["protected"]);

    public List<JsonObject> Attributes => Event["Attribute"]!.AsArray().OfType<JsonObject>().ToList();

    public List<JsonObject> Objects => Event["Object"]!.AsArray().OfType<JsonObject>().ToList();

    public List<JsonObject> Reports => Event["EventReport"]!.AsArray().OfType<JsonObject>().ToList();

    public List<JsonObject> Proposals => Event["ShadowAttribute"]!.AsArray().OfType<JsonObject>().ToList();

    /// <summary>
    /// The event <c>EventsController::add</c> reads from a body: <c>response</c> unwrapped, then
    /// <c>request</c>, then <c>Event</c> (or the body itself as the event).
    /// </summary>
    public static WrittenEvent ForAdd(JsonNode? body) => Read(Unwrap(Unwrap(body, "response"), "request"));

    /// <summary>The event <c>EventsController::edit</c> reads: <c>response</c> unwrapped (not <c>request</c>), then <c>Event</c>.</summary>
    public static WrittenEvent ForEdit(JsonNode? body) => Read(Unwrap(body, "response"));

    /// <summary>
    /// What <c>EventsController::populate</c> merges into an event: <c>Event</c> unwrapped, twice. Its
    /// <c>json</c> form (a string of JSON) is the web interface's; the gateway refuses it.
    /// </summary>
    public static WrittenEvent ForPopulate(JsonNode? body)
    {
        var inner = Unwrap(body, "Event");
        if (inner is JsonObject obj && obj.ContainsKey("json"))
        {
            throw new ShapeException("The 'json' form of populate is not read by the gateway: send the event as JSON.");
        }

        return Read(inner);
    }

    /// <summary>
    /// Writes every TLP tag of the event, its attributes and its objects' attributes as MISP finds it
    /// (<see cref="TlpMarking.StoredName"/>), so MISP stores the marking the gateway judged; true when one was spelled otherwise.
    /// </summary>
    public bool RespellMarkings()
    {
        var respelled = RespellMarkings(Event);

        // An unknown value brings CHR to the event it marks: stored as the tag, should MISP drop the value.
        var marking = MarkingOf(Event);
        if (marking.Unknown && marking.HasLevel && !marking.ChathamHouse)
        {
            Tags.Add(DefaultMarking.TagObject(DefaultMarking.ChathamHouseTag));
            respelled = true;
        }

        foreach (var attribute in Attributes.Concat(Objects.SelectMany(o => o["Attribute"]!.AsArray().OfType<JsonObject>())))
        {
            respelled |= RespellMarkings(attribute);
        }

        return respelled;
    }

    /// <summary>
    /// Writes the TLP tags of a canonical item's <c>Tag</c> list as MISP finds them, and where an unknown
    /// <c>tlp:</c> value makes the item more restrictive than its levels, that level as a tag of its own:
    /// MISP drops a tag a user may not create, which would store the item less restrictive than judged
    /// (<c>tlp:green</c> with <c>tlp:unclear</c> gains <c>tlp:amber</c>). True when the tags changed.
    /// </summary>
    public static bool RespellMarkings(JsonObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var respelled = false;
        foreach (var tag in (item["Tag"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (TlpMarking.StoredName(WrittenShapes.Name(tag)) is { } stored)
            {
                tag["name"] = stored;
                respelled = true;
            }
        }

        var marking = MarkingOf(item);
        if (marking.Unknown && marking.Level is { } level && marking.Effective(level) is var effective && effective > level)
        {
            (item["Tag"] as JsonArray)!.Add(DefaultMarking.TagObject("tlp:" + TlpMarking.Name(effective)));
            respelled = true;
        }

        return respelled;
    }

    private static TlpMarking MarkingOf(JsonObject item)
    {
        var marking = default(TlpMarking);
        foreach (var tag in (item["Tag"] as JsonArray ?? []).OfType<JsonObject>())
        {
            marking.Add(WrittenShapes.Name(tag));
        }

        return marking;
    }

    /// <summary>The body MISP receives: <c>{"Event": ...}</c>.</summary>
    public JsonObject ToBody() => new() { ["Event"] = Event.DeepClone() };

    private static JsonNode? Unwrap(JsonNode? body, string wrapper) =>
        body is JsonObject obj && obj[wrapper] is { } inner ? inner : body;

    private static WrittenEvent Read(JsonNode? body)
    {
        var evt = body is JsonObject root ? (root.ContainsKey("Event") ? root["Event"] : root) : body;
        if (evt is not JsonObject source)
        {
            throw new ShapeException("The body must hold one event object.");
        }

        // A copy in canonical shape: every list a list, every tag in Tag.
        var canonical = new JsonObject();
        foreach (var (key, value) in source)
        {
            if (key is not ("Tag" or "EventTag" or "Attribute" or "Object" or "ShadowAttribute" or "EventReport"))
            {
                canonical[key] = value?.DeepClone();
            }
        }

        canonical["Tag"] = new JsonArray([.. WrittenShapes.Tags(source, "EventTag")]);
        canonical["Attribute"] = new JsonArray([.. WrittenShapes.EventList(source["Attribute"], "Attribute").Select(CanonicalAttribute)]);
        canonical["Object"] = new JsonArray([.. WrittenShapes.EventList(source["Object"], "Object").Select(CanonicalObject)]);
        canonical["ShadowAttribute"] = new JsonArray([.. WrittenShapes.EventList(source["ShadowAttribute"], "ShadowAttribute").Select(p => p.DeepClone())]);
        canonical["EventReport"] = new JsonArray([.. WrittenShapes.ForeachList(source["EventReport"], "EventReport").Select(r => r.DeepClone())]);
        return new WrittenEvent(canonical);
    }

    /// <summary>An attribute with its tags (<c>Tag</c>, <c>AttributeTag</c>) as one <c>Tag</c> list.</summary>
    public static JsonObject CanonicalAttribute(JsonObject attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        var copy = new JsonObject();
        foreach (var (key, value) in attribute)
        {
            if (key is not ("Tag" or "AttributeTag"))
            {
                copy[key] = value?.DeepClone();
            }
        }

        var tags = WrittenShapes.Tags(attribute, "AttributeTag");
        if (tags.Count > 0)
        {
            copy["Tag"] = new JsonArray([.. tags]);
        }

        return copy;
    }

    /// <summary>An object with its attributes as a list, each canonical.</summary>
    public static JsonObject CanonicalObject(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var copy = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (key != "Attribute")
            {
                copy[key] = value?.DeepClone();
            }
        }

        copy["Attribute"] = new JsonArray([.. WrittenShapes.ForeachList(obj["Attribute"], "Object.Attribute").Select(CanonicalAttribute)]);
        return copy;
    }
}
