using System.IO.Hashing;
using System.Text.Encodings.Web;
using System.Text.Json;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Members;
using TlpGateway.Provenance;

namespace TlpGateway.Preview;

/// <summary>
/// One member's decision on one event, as the preview reports it: the live decision's outcome,
/// who is shown in place of a hidden source, and a hash of the event as sent (so a diff sees a
/// change in what is sent that no outcome field names).
/// </summary>
internal readonly record struct Verdict(UnitOutcome Outcome, OrganisationRef? ShownAs, UInt128 Sent)
{
    /// <param name="outcome">The live decision.</param>
    /// <param name="released">The event as sent, hashed into <see cref="Sent"/> when given (for a diff).</param>
    /// <param name="requester">Who it was decided for.</param>
    /// <param name="community">The community settings it was decided under.</param>
    public static Verdict Of(in UnitOutcome outcome, ReadOnlySpan<byte> released, Requester requester, CommunitySettings community)
    {
        ArgumentNullException.ThrowIfNull(requester);
        return new(outcome, outcome.HidesSource ? SourcePolicy.ShownAs(requester.Member, community) : null, released.IsEmpty ? default : XxHash128.HashToUInt128(released));
    }

    public bool Released => Outcome.Released;
}

/// <summary>
/// The <c>--json</c> report (SPEC section 11): one array, an element per member and event, with
/// exactly the fields the spec names; <c>event</c> is the event's bytes as the gateway would send it.
/// </summary>
internal static class VerdictJson
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"member", "email", "sync", "eventUuid", "released", "reason", "sourceHidden", "shownAs", "addedTags", "removed", "event"}</c>.</summary>
    public static void Write(Utf8JsonWriter writer, Requester requester, in Verdict verdict, ReadOnlySpan<byte> released)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(requester);
        writer.WriteStartObject();
        WriteWho(writer, requester.Member.Id, requester.Email, requester.IsSyncIdentity, verdict.Outcome.EventUuid);
        WriteDecision(writer, verdict);
        writer.WritePropertyName("event");
        if (verdict.Released)
        {
            // Checked as it is copied: what the filter released is valid JSON, and a preview that says otherwise must not print it.
            writer.WriteRawValue(released, skipInputValidation: false);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    /// <summary>A change under <c>--diff</c>: who, which event, and the decision <c>before</c> and <c>after</c> (null where the member is not in that file).</summary>
    public static void WriteChange(Utf8JsonWriter writer, string member, string email, bool sync, string? eventUuid, Verdict? before, Verdict? after)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteWho(writer, member, email, sync, eventUuid);
        foreach (var (name, side) in new[] { ("before", before), ("after", after) })
        {
            writer.WritePropertyName(name);
            if (side is { } verdict)
            {
                writer.WriteStartObject();
                WriteDecision(writer, verdict);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteWho(Utf8JsonWriter writer, string member, string email, bool sync, string? eventUuid)
    {
        writer.WriteString("member", member);
        if (email.Length > 0)
        {
            writer.WriteString("email", email);
        }
        else
        {
            writer.WriteNull("email");
        }

        writer.WriteBoolean("sync", sync);
        writer.WriteString("eventUuid", eventUuid);
    }

    private static void WriteDecision(Utf8JsonWriter writer, in Verdict verdict)
    {
        var outcome = verdict.Outcome;
        writer.WriteBoolean("released", outcome.Released);
        writer.WriteString("reason", outcome.Released ? null : outcome.Reason);
        writer.WriteBoolean("sourceHidden", outcome.HidesSource);
        if (verdict.ShownAs is { } shownAs)
        {
            writer.WriteStartObject("shownAs");
            writer.WriteString("name", shownAs.Name);
            writer.WriteString("uuid", shownAs.Uuid);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("shownAs");
        }

        writer.WriteStartArray("addedTags");
        foreach (var tag in outcome.AddedTags)
        {
            writer.WriteStringValue(tag);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("removed");
        foreach (var removal in outcome.Removals)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", removal.Kind);
            writer.WriteString("uuid", removal.Uuid);
            writer.WriteString("reason", removal.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
