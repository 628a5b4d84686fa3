using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Exports;

/// <summary>
/// A STIX 2.1 bundle of the released data. Per event: an <c>identity</c> for the source shown (the
/// filtered <c>Orgc</c>: the forwarder where the source is hidden), once per bundle and only where
/// an object it created is written; an <c>indicator--{attribute uuid}</c> for each released attribute
/// whose type has a pattern (<see cref="StixPattern"/>), marked with the TLP the filter judged it at;
/// then a <c>report--{event uuid}</c>
/// listing them, marked with the event's TLP. Attribute
/// rows give indicators only. The TLP 2.0 marking definitions used are included, once each.
/// </summary>
/// <remarks>
/// Everything is taken from the records as the gateway releases them, so the bundle names no source
/// a JSON client would not see. A bundle without any object has no <c>objects</c> (STIX wants at
/// least one where the list is present). An event none of whose attributes gives an indicator has no
/// report (a report lists at least one object).
/// </remarks>
internal sealed class Stix2ExportWriter : ExportWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly FilterContext _context;
    private readonly string _bundleId;
    private readonly string _now;
    private readonly Utf8JsonWriter _json;
    private readonly HashSet<string> _identities = new(StringComparer.Ordinal);
    private readonly HashSet<TlpLevel> _markings = [];
    private readonly List<string> _refs = [];
    private bool _opened;

    public Stix2ExportWriter(IBufferWriter<byte> output, FilterContext context, TimeProvider timeProvider)
        : base(output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _context = context;
        _bundleId = "bundle--" + Guid.NewGuid().ToString("D");
        _now = Timestamp(timeProvider.GetUtcNow());
        _json = new Utf8JsonWriter(output, Options);
    }

    /// <summary>How many indicators were written.</summary>
    public int Indicators { get; private set; }

    public override void End()
    {
        if (!_opened)
        {
            _json.WriteStartObject();
            WriteBundleHead();
        }
        else
        {
            _json.WriteEndArray();
        }

        _json.WriteEndObject();
        _json.Flush();
    }

    protected override void WriteEvent(JsonElement evt, in UnitOutcome outcome)
    {
        var eventTlp = outcome.Tlp ?? throw new FilterException("a released event without a judged TLP");
        var created = Timestamp(evt, "timestamp") ?? _now;
        var source = Source(evt.TryGetProperty("Orgc", out var orgc) ? orgc : default, outcome, created);
        _refs.Clear();

        // Each attribute is marked with the level the filter judged it at: the tags that decided it may not
        // have left with it (a local tag the client asked MISP to leave out).
        var levels = outcome.AttributeLevels ?? throw new FilterException("a released event without its attributes' judged TLP");
        var index = 0;
        foreach (var (attribute, _) in Attributes(evt))
        {
            var tlp = index < levels.Count ? levels[index++] : throw new FilterException("a released event lists more attributes than were judged");
            if (WriteIndicator(attribute, tlp, source) is { } id)
            {
                _refs.Add(id);
            }
        }

        if (index != levels.Count)
        {
            throw new FilterException("a released event lists fewer attributes than were judged");
        }

        if (_refs.Count == 0 || Text(evt, "uuid") is not { } uuid)
        {
            _json.Flush();
            return;
        }

        var marking = Marking(eventTlp);
        var published = IsTrue(evt, "published") ? Timestamp(evt, "publish_timestamp") : null;
        BeginObject("report", StixIds.For("report", uuid), CreatedBy(source), created);
        _json.WriteString("name", Text(evt, "info") ?? string.Empty);

        // A report must say when it was published: an unpublished event says when it last changed, and a label says it is unpublished.
        _json.WriteString("published", published ?? created);
        _json.WriteStartArray("report_types");
        _json.WriteStringValue("threat-report");
        _json.WriteEndArray();
        if (published is null)
        {
            _json.WriteStartArray("labels");
            _json.WriteStringValue("misp:published=\"False\"");
            _json.WriteEndArray();
        }

        _json.WriteStartArray("object_refs");
        foreach (var id in _refs)
        {
            _json.WriteStringValue(id);
        }

        _json.WriteEndArray();
        WriteMarkingRef(marking);
        _json.WriteEndObject();
        _json.Flush();
    }

    protected override void WriteAttributeRow(JsonElement row, in UnitOutcome outcome)
    {
        var tlp = outcome.Tlp ?? throw new FilterException("a released attribute row without a judged TLP");
        var stub = row.TryGetProperty("Event", out var evt) && evt.ValueKind == JsonValueKind.Object && evt.TryGetProperty("Orgc", out var orgc) ? orgc : default;
        var source = Source(stub, outcome, Timestamp(row, "timestamp") ?? _now);
        WriteIndicator(row, tlp, source);
        _json.Flush();
    }

    /// <summary>
    /// The identity of the source shown: the record's (filtered) <c>Orgc</c>; where a row names none,
    /// the forwarder when the source is hidden, the requester's own organisation when it is its own,
    /// and otherwise none (a row names its source only by MISP's local id). Written only once an
    /// object it created is (<see cref="CreatedBy"/>): a record none of whose attributes is in the
    /// bundle names no source (MISP chose the event by an IDS attribute the filter removed).
    /// </summary>
    private Creator? Source(JsonElement orgc, in UnitOutcome outcome, string created)
    {
        string? uuid = Text(orgc, "uuid"), name = Text(orgc, "name");
        if (uuid is null && outcome.HidesSource)
        {
            (uuid, name) = (_context.Forwarder.Uuid, _context.Forwarder.Name);
        }
        else if (uuid is null && _context.Requester.IsOwner(outcome.OrgcUuid))
        {
            (uuid, name) = (_context.Requester.OrgUuid, _context.Requester.Member.Name);
        }

        if (uuid is not { Length: > 0 } || name is not { Length: > 0 })
        {
            return null;
        }

        return new Creator(StixIds.For("identity", uuid), name, created);
    }

    /// <summary>
    /// The <c>created_by_ref</c> of an object <paramref name="source"/> created (null without one): its
    /// identity is written the first time the bundle needs it, before the object that names it.
    /// </summary>
    private string? CreatedBy(Creator? source)
    {
        if (source is not { } creator)
        {
            return null;
        }

        if (_identities.Add(creator.Id))
        {
            BeginObject("identity", creator.Id, createdBy: null, creator.Created);
            _json.WriteString("name", creator.Name);
            _json.WriteString("identity_class", "organization");
            _json.WriteEndObject();
        }

        return creator.Id;
    }

    /// <summary>The source shown for a record's objects: its identity's identifier and name, and when the record was created.</summary>
    private readonly record struct Creator(string Id, string Name, string Created);

    /// <summary>Writes the indicator of one attribute; its identifier, or null when its type or value has no pattern.</summary>
    private string? WriteIndicator(JsonElement attribute, TlpLevel tlp, Creator? source)
    {
        if (Text(attribute, "uuid") is not { } uuid || Text(attribute, "type") is not { } type || Text(attribute, "value") is not { } value
            || StixPattern.For(type, value) is not { } pattern)
        {
            return null;
        }

        var marking = Marking(tlp);
        // One indicator for each attribute: its timestamp is formatted in place, not made a string.
        Span<char> stamp = stackalloc char[TimestampLength];
        var created = TryTimestamp(attribute, "timestamp", stamp) ? stamp : _now.AsSpan();
        var id = StixIds.For("indicator", uuid);
        BeginObject("indicator", id, CreatedBy(source), created);
        if (Text(attribute, "comment") is { Length: > 0 } comment)
        {
            _json.WriteString("description", comment);
        }

        _json.WriteString("pattern", pattern);
        _json.WriteString("pattern_type", "stix");
        _json.WriteString("pattern_version", "2.1");
        _json.WriteString("valid_from", created);
        var category = Text(attribute, "category");
        if (category is { Length: > 0 })
        {
            _json.WriteStartArray("kill_chain_phases");
            _json.WriteStartObject();
            _json.WriteString("kill_chain_name", "misp-category");
            _json.WriteString("phase_name", category);
            _json.WriteEndObject();
            _json.WriteEndArray();
        }

        _json.WriteStartArray("labels");
        WriteLabel("misp:type=", type);
        if (category is { Length: > 0 })
        {
            WriteLabel("misp:category=", category);
        }

        _json.WriteStringValue(IsTrue(attribute, "to_ids") ? "misp:to_ids=\"True\""u8 : "misp:to_ids=\"False\""u8);
        _json.WriteEndArray();
        WriteMarkingRef(marking);
        _json.WriteEndObject();
        Indicators++;
        return id;
    }

    /// <summary>A label <c>name="value"</c>, written without making its text (one for each of an answer's indicators).</summary>
    private void WriteLabel(string name, string value)
    {
        var length = name.Length + value.Length + 2;
        var rented = length > 256 ? System.Buffers.ArrayPool<char>.Shared.Rent(length) : null;
        var text = rented is null ? stackalloc char[length] : rented.AsSpan(0, length);
        name.CopyTo(text);
        text[name.Length] = '"';
        value.CopyTo(text[(name.Length + 1)..]);
        text[^1] = '"';
        _json.WriteStringValue(text);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>The marking definition of <paramref name="level"/>, written the first time it is used.</summary>
    private TlpLevel Marking(TlpLevel level)
    {
        if (_markings.Add(level))
        {
            Open();
            TlpMarkingDefinitions.Write(_json, level);
        }

        return level;
    }

    private void WriteMarkingRef(TlpLevel level)
    {
        _json.WriteStartArray("object_marking_refs");
        _json.WriteStringValue(TlpMarkingDefinitions.Id(level));
        _json.WriteEndArray();
    }

    private void BeginObject(string type, string id, string? createdBy, ReadOnlySpan<char> created)
    {
        Open();
        _json.WriteStartObject();
        _json.WriteString("type", type);
        _json.WriteString("spec_version", "2.1");
        _json.WriteString("id", id);
        if (createdBy is not null)
        {
            _json.WriteString("created_by_ref", createdBy);
        }

        _json.WriteString("created", created);
        _json.WriteString("modified", created);
    }

    /// <summary>Starts the bundle and its objects at the first object.</summary>
    private void Open()
    {
        if (_opened)
        {
            return;
        }

        _opened = true;
        _json.WriteStartObject();
        WriteBundleHead();
        _json.WriteStartArray("objects");
    }

    private void WriteBundleHead()
    {
        _json.WriteString("type", "bundle");
        _json.WriteString("id", _bundleId);
    }

    private static bool IsTrue(JsonElement holder, string name) =>
        holder.TryGetProperty(name, out var value) && (value.ValueKind == JsonValueKind.True
            || (value.ValueKind == JsonValueKind.String && value.ValueEquals("1"u8))
            || (value.ValueKind == JsonValueKind.Number && value.GetRawText() == "1"));

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private const int TimestampLength = 24;

    /// <summary>
    /// A MISP timestamp (Unix seconds, as text: a string, a number, <c>true</c> as 1) as a STIX timestamp,
    /// formatted into <paramref name="destination"/>; false when it is none.
    /// </summary>
    private static bool TryTimestamp(JsonElement holder, string name, Span<char> destination)
    {
        if (holder.ValueKind != JsonValueKind.Object || !holder.TryGetProperty(name, out var value))
        {
            return false;
        }

        // A plain string (every one MISP writes) is read as written, without making a string of it; anything else as its text.
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value);
        var parsed = value.ValueKind == JsonValueKind.String && raw.IndexOf((byte)'\\') < 0
            ? long.TryParse(raw[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            : long.TryParse(Text(value), NumberStyles.None, CultureInfo.InvariantCulture, out seconds);
        return parsed && seconds > 0 && seconds < 253402300800
            && DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.TryFormat(destination, out var written, TimestampFormat, CultureInfo.InvariantCulture)
            && written == TimestampLength;
    }

    /// <summary>A MISP timestamp as a STIX timestamp (<see cref="TryTimestamp"/>); null when it is none.</summary>
    private static string? Timestamp(JsonElement holder, string name)
    {
        Span<char> stamp = stackalloc char[TimestampLength];
        return TryTimestamp(holder, name, stamp) ? new string(stamp) : null;
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);
}
