using System.Globalization;
using System.Text.Json;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Members;

namespace TlpGateway.Preview;

/// <summary>ANSI colour for the human report, only when standard output is a terminal.</summary>
internal readonly struct Paint(bool on)
{
    public string Released(string text) => Colour("32", text);

    public string Withheld(string text) => Colour("31", text);

    public string Removed(string text) => Colour("33", text);

    public string Heading(string text) => Colour("1", text);

    private string Colour(string code, string text) => on ? $"\u001b[{code}m{text}\u001b[0m" : text;
}

/// <summary>
/// The human report: per member a heading, then per event what it receives and why, in the words
/// of <see cref="ReasonText"/>; under <c>--diff</c>, only what changes.
/// </summary>
internal static class VerdictText
{
    /// <summary><c>acme (ACME Telecom): relation member, maxTlp amber; as a user not in redRecipients</c>, with its state when it is not active.</summary>
    public static string Member(Requester requester, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var member = requester.Member;
        return $"{member.Id} ({member.Name}): {ReasonText.Entitlement(member)}; {ReasonText.Audience(requester)}{State(member, timeProvider)}";
    }

    /// <summary>What one event does for a member: released or withheld and why, the source shown, the tags added, every part removed.</summary>
    public static void Event(TextWriter writer, Requester requester, CommunitySettings community, in Verdict verdict, Paint paint)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var outcome = verdict.Outcome;
        writer.Write("  " + Name(outcome) + ": ");
        if (!outcome.Released)
        {
            writer.WriteLine(paint.Withheld("withheld") + Because(outcome, requester));
            return;
        }

        writer.WriteLine(paint.Released("released") + Marking(outcome) + Own(outcome, requester));
        foreach (var line in Details(requester, community, verdict, paint))
        {
            writer.WriteLine(line);
        }
    }

    /// <summary>What changes for one event between two members files, a line each (the first names the event); none when nothing does.</summary>
    public static List<string> Changes(Requester before, Requester after, CommunitySettings afterCommunity, in Verdict was, in Verdict now, Paint paint)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var (old, @new) = (was.Outcome, now.Outcome);
        var head = "  " + Name(@new) + ": ";
        var lines = new List<string>();
        if (old.Released != @new.Released)
        {
            if (!@new.Released)
            {
                lines.Add(head + paint.Withheld("released -> withheld") + Because(@new, after));
                return lines;
            }

            lines.Add(head + paint.Released("withheld -> released") + Marking(@new) + Own(@new, after));
            lines.AddRange(Details(after, afterCommunity, now, paint));
            return lines;
        }

        if (!@new.Released)
        {
            if (old.Reason != @new.Reason)
            {
                lines.Add(head + "still withheld, now" + Because(@new, after) + " (was" + Because(old, before) + ")");
            }

            return lines;
        }

        var kept = Keys(old.Removals);
        var removed = Keys(@new.Removals);
        foreach (var removal in @new.Removals.Where(r => !kept.Contains(Key(r))))
        {
            lines.Add("    " + paint.Removed($"{Part(removal)} newly removed") + ": " + ReasonText.Explain(removal.Reason, after));
        }

        foreach (var removal in old.Removals.Where(r => !removed.Contains(Key(r))))
        {
            lines.Add("    " + paint.Released($"{Part(removal)} now kept") + " (was removed: " + ReasonText.Explain(removal.Reason, before) + ")");
        }

        if (old.HidesSource != @new.HidesSource)
        {
            lines.Add("    " + (@new.HidesSource ? "source newly hidden, " + ShownAs(now) + ": " + ReasonText.SourceHidden(after, afterCommunity) : "source no longer hidden"));
        }
        else if (was.ShownAs != now.ShownAs)
        {
            lines.Add($"    source shown as {Organisation(was.ShownAs)} -> {Organisation(now.ShownAs)}");
        }

        if (!old.AddedTags.SequenceEqual(@new.AddedTags))
        {
            lines.Add($"    tags added: {Tags(old.AddedTags)} -> {Tags(@new.AddedTags)}");
        }

        if (lines.Count == 0 && was.Sent != now.Sent)
        {
            lines.Add("    the event as sent changes, though no part is removed or kept that was not before");
        }

        if (lines.Count > 0)
        {
            lines.Insert(0, head + "released, with changes" + Marking(@new));
        }

        return lines;
    }

    public static string Count(int count, string what) => string.Create(CultureInfo.InvariantCulture, $"{count} {what}{(count == 1 ? string.Empty : "s")}");

    /// <summary>A released event's details: the source shown, the tags added, every part removed, a line each.</summary>
    private static IEnumerable<string> Details(Requester requester, CommunitySettings community, Verdict verdict, Paint paint)
    {
        var outcome = verdict.Outcome;
        if (outcome.HidesSource)
        {
            yield return $"    source hidden, {ShownAs(verdict)}: {ReasonText.SourceHidden(requester, community)}";
        }

        if (outcome.AddedTags.Count > 0)
        {
            yield return $"    tags added: {Tags(outcome.AddedTags)} (no TLP level on the event: community defaultTlp {Tlp.TlpMarking.Name(community.DefaultTlp)})";
        }

        foreach (var removal in outcome.Removals)
        {
            yield return "    " + paint.Removed("removed " + Part(removal)) + ": " + ReasonText.Explain(removal.Reason, requester);
        }
    }

    private static string Name(in UnitOutcome outcome) =>
        "event " + (outcome.EventUuid is { } uuid ? Identifier(uuid) : "(no uuid)") + (outcome.EventId is { } id ? $" (id {Identifier(id)})" : string.Empty);

    /// <summary>
    /// An identifier from the input as the report prints it: as it is when it holds only letters,
    /// digits and <c>-_.:</c> (MISP's UUIDs and ids), else as a JSON string, quoted, with control and
    /// non-ASCII characters escaped, so no input writes a line or a terminal sequence of its own.
    /// </summary>
    private static string Identifier(string id) =>
        id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':') ? id : JsonSerializer.Serialize(id);

    private static string Marking(in UnitOutcome outcome) => outcome.Tlp is { } level ? ", " + ReasonText.Marking(level) : string.Empty;

    /// <summary><c>: TLP:RED goes only to ...</c>; a reason that is not the marking itself names the marking first.</summary>
    private static string Because(in UnitOutcome outcome, Requester requester)
    {
        var reason = ReasonText.Explain(outcome.Reason, requester);
        return outcome.Reason is { } code && code.StartsWith("tlp-", StringComparison.Ordinal) ? ": " + reason : Marking(outcome) + ": " + reason;
    }

    /// <summary>An organisation receives the events it created whatever their marking (SPEC section 3): said where that is why.</summary>
    private static string Own(in UnitOutcome outcome, Requester requester) => requester.IsOwner(outcome.OrgcUuid) ? ", its own event" : string.Empty;

    private static string Part(in Removal removal) => removal.Kind + " " + (removal.Uuid is { } uuid ? Identifier(uuid) : "(no uuid)");

    private static (string Kind, string? Uuid) Key(Removal removal) => (removal.Kind, removal.Uuid);

    private static HashSet<(string Kind, string? Uuid)> Keys(IReadOnlyList<Removal> removals) => [.. removals.Select(Key)];

    private static string ShownAs(in Verdict verdict) => "shown as " + Organisation(verdict.ShownAs);

    private static string Organisation(OrganisationRef? organisation) => organisation is null ? "its source" : $"{organisation.Name} ({organisation.Uuid})";

    private static string Tags(IReadOnlyList<string> tags) => tags.Count == 0 ? "none" : string.Join(", ", tags);

    private static string State(MemberEntry member, TimeProvider timeProvider)
    {
        if (member.Revoked)
        {
            return " [revoked: the gateway refuses it every request; judged here as if reinstated]";
        }

        return member.SuspendedUntil is { } until && until > timeProvider.GetUtcNow()
            ? $" [suspended until {until.ToString("O", CultureInfo.InvariantCulture)}: judged here as if active]"
            : string.Empty;
    }
}
