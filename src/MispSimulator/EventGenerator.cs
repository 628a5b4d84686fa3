using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MispSimulator;

/// <summary>
/// Generates MISP-shaped events (key order as MISP writes them, <c>Tag</c> last) for benchmarks,
/// load tests and property tests: deterministic for a seed, with a mix of TLP levels and sources.
/// </summary>
public static class EventGenerator
{
    /// <summary>Event-level TLP tags in rotation; null is an untagged event.</summary>
    public static readonly string?[] EventTlps = ["tlp:clear", "tlp:green", "tlp:amber", "tlp:amber+strict", "tlp:red", null, "tlp:green", "tlp:clear"];

    public static readonly (string Id, string Name, string Uuid)[] Orgs =
    [
        ("1", "ORG_A", SimulatorOrgs.OrgA),
        ("2", "ORG_B", SimulatorOrgs.OrgB),
        ("3", "ORG_C", SimulatorOrgs.OrgC),
        ("4", "ORG_D", SimulatorOrgs.OrgD),
    ];

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Writes <c>{"response": [{"Event":...},...]}</c> of about <see cref="GeneratedRestSearch.TargetBytes"/> bytes, one event at a time.</summary>
    public static async Task WriteRestSearchAsync(Stream output, GeneratedRestSearch request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(request);
        var random = new Random(request.Seed);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        long written = 0;
        await output.WriteAsync("{\"response\": ["u8.ToArray(), cancellationToken);
        for (var index = 0; written < request.TargetBytes; index++)
        {
            buffer.ResetWrittenCount();
            if (index > 0)
            {
                buffer.Write(","u8);
            }

            WriteEvent(buffer, random, index, wrapped: true);
            written += buffer.WrittenCount;
            await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
        }

        await output.WriteAsync("]}\n"u8.ToArray(), cancellationToken);
    }

    /// <summary>The whole generated answer in memory (for benchmarks that measure the filter alone).</summary>
    public static byte[] RestSearch(int seed, long targetBytes)
    {
        using var stream = new MemoryStream();
        WriteRestSearchAsync(stream, new GeneratedRestSearch(seed, targetBytes), CancellationToken.None).GetAwaiter().GetResult();
        return stream.ToArray();
    }

    /// <summary>
    /// One event of <paramref name="attributes"/> attributes as <c>/events/view</c> answers it
    /// (<c>{"Event":{...}}</c>): the large single event a member's tools ask for.
    /// </summary>
    /// <param name="index">Which event of a generated restSearch it is, which fixes its source and its marking.</param>
    public static byte[] View(int seed, int attributes, int index = 2)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteEvent(buffer, new Random(seed), index, wrapped: true, attributes);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes one event (<c>{"Event":{...}}</c> when <paramref name="wrapped"/>), of 5 to 34 attributes unless <paramref name="attributes"/> says.</summary>
    public static void WriteEvent(IBufferWriter<byte> output, Random random, int index, bool wrapped, int? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        var org = Orgs[index % Orgs.Length];
        var tlp = EventTlps[index % EventTlps.Length];
        var id = (index + 1).ToString(CultureInfo.InvariantCulture);
        var eventUuid = Uuid(random);
        var attributeCount = attributes ?? 5 + random.Next(30);
        if (wrapped)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("Event");
        }

        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("orgc_id", org.Id);
        writer.WriteString("org_id", org.Id);
        writer.WriteString("date", "2026-11-20");
        writer.WriteString("threat_level_id", "2");
        writer.WriteString("info", $"Generated event {id} from {org.Name}");
        writer.WriteBoolean("published", true);
        writer.WriteString("uuid", eventUuid);
        writer.WriteString("attribute_count", attributeCount.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("analysis", "1");
        writer.WriteString("timestamp", "1795342533");
        writer.WriteString("distribution", "3");
        writer.WriteBoolean("proposal_email_lock", false);
        writer.WriteBoolean("locked", false);
        writer.WriteString("publish_timestamp", "1795342545");
        writer.WriteString("sharing_group_id", "0");
        writer.WriteBoolean("disable_correlation", false);
        writer.WriteString("extends_uuid", string.Empty);
        writer.WriteNull("protected");
        writer.WriteString("event_creator_email", $"user@{org.Name.ToLowerInvariant()}.test");
        WriteOrg(writer, "Org", org);
        WriteOrg(writer, "Orgc", org);
        writer.WriteStartArray("Attribute");
        var loose = attributeCount * 2 / 3;
        for (var a = 0; a < loose; a++)
        {
            WriteAttribute(writer, random, id, a);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("ShadowAttribute");
        writer.WriteEndArray();
        writer.WriteStartArray("Galaxy");
        writer.WriteEndArray();
        writer.WriteStartArray("Object");
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("name", "file");
        writer.WriteString("meta-category", "file");
        writer.WriteString("uuid", Uuid(random));
        writer.WriteString("event_id", id);
        writer.WriteString("distribution", "5");
        writer.WriteStartArray("Attribute");
        for (var a = loose; a < attributeCount; a++)
        {
            WriteAttribute(writer, random, id, a);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("ObjectReference");
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartArray("EventReport");
        writer.WriteEndArray();
        writer.WriteStartArray("CryptographicKey");
        writer.WriteEndArray();
        if (tlp is not null)
        {
            writer.WriteStartArray("Tag");
            WriteTag(writer, tlp);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        if (wrapped)
        {
            writer.WriteEndObject();
        }
    }

    private static void WriteAttribute(Utf8JsonWriter writer, Random random, string eventId, int index)
    {
        writer.WriteStartObject();
        writer.WriteString("id", (index + 1).ToString(CultureInfo.InvariantCulture));
        writer.WriteString("type", "ip-dst");
        writer.WriteString("category", "Network activity");
        writer.WriteBoolean("to_ids", true);
        writer.WriteString("uuid", Uuid(random));
        writer.WriteString("event_id", eventId);
        writer.WriteString("distribution", "5");
        writer.WriteString("timestamp", "1795342533");
        writer.WriteString("comment", "generated attribute, synthetic");
        writer.WriteString("sharing_group_id", "0");
        writer.WriteBoolean("deleted", false);
        writer.WriteBoolean("disable_correlation", false);
        writer.WriteString("object_id", "0");
        writer.WriteNull("object_relation");
        writer.WriteNull("first_seen");
        writer.WriteNull("last_seen");
        writer.WriteString("value", $"198.51.{random.Next(256)}.{random.Next(256)}");
        writer.WriteStartArray("Galaxy");
        writer.WriteEndArray();
        writer.WriteStartArray("ShadowAttribute");
        writer.WriteEndArray();
        if (random.Next(4) == 0)
        {
            writer.WriteStartArray("Tag");
            WriteTag(writer, EventTlps[random.Next(EventTlps.Length)] ?? "tlp:green");
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteOrg(Utf8JsonWriter writer, string name, (string Id, string Name, string Uuid) org)
    {
        writer.WriteStartObject(name);
        writer.WriteString("id", org.Id);
        writer.WriteString("name", org.Name);
        writer.WriteString("uuid", org.Uuid);
        writer.WriteBoolean("local", true);
        writer.WriteEndObject();
    }

    private static void WriteTag(Utf8JsonWriter writer, string name)
    {
        writer.WriteStartObject();
        writer.WriteString("id", "3");
        writer.WriteString("name", name);
        writer.WriteString("colour", "#33FF00");
        writer.WriteBoolean("exportable", true);
        writer.WriteString("user_id", "0");
        writer.WriteBoolean("hide_tag", false);
        writer.WriteNull("numerical_value");
        writer.WriteBoolean("is_galaxy", false);
        writer.WriteBoolean("is_custom_galaxy", false);
        writer.WriteBoolean("local_only", false);
        writer.WriteBoolean("local", false);
        writer.WriteNull("relationship_type");
        writer.WriteEndObject();
    }

    private static string Uuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
