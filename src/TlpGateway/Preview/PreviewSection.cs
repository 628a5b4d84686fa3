using System.Text.Json;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Members;

namespace TlpGateway.Preview;

/// <summary>
/// One member's part of the report: its lanes judge the input as it streams past, and what they
/// decide is written to its <see cref="ReportSpool"/>, to be printed once every member's part is done.
/// </summary>
internal abstract class PreviewSection : IDisposable
{
    private readonly Utf8JsonWriter? _json;

    protected PreviewSection(bool json, Paint paint)
    {
        Paint = paint;
        _json = json ? new Utf8JsonWriter(Spool.Stream, VerdictJson.Options) : null;
    }

    /// <summary>How many entries the section holds: JSON elements, or events reported in words.</summary>
    public int Entries { get; private set; }

    /// <summary>How many events were decided so far.</summary>
    public abstract int Events { get; }

    protected ReportSpool Spool { get; } = new();

    protected Paint Paint { get; }

    protected bool IsJson => _json is not null;

    public abstract void Write(ReadOnlySpan<byte> chunk);

    public abstract void Complete();

    /// <summary>Whether the human report shows the section (a diff shows only members something changes for).</summary>
    public virtual bool Reported => true;

    /// <summary>The section's heading in the human report: the member, and what it comes to.</summary>
    public abstract string Heading(TimeProvider timeProvider);

    /// <summary>Writes what the section holds (its JSON elements, separated by commas, or its lines).</summary>
    public void CopyTo(TextWriter output) => Spool.CopyTo(output);

    public void Dispose()
    {
        _json?.Dispose();
        Spool.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A JSON writer for the next element, after the comma that separates it from the one before.</summary>
    protected Utf8JsonWriter BeginElement()
    {
        if (Entries++ > 0)
        {
            Spool.Stream.Write(",\n"u8);
        }

        _json!.Reset();
        return _json;
    }

    protected void EndElement() => _json!.Flush();

    protected TextWriter BeginText()
    {
        Entries++;
        return Spool.Text;
    }
}

/// <summary><c>explain</c>: every event's decision for one member.</summary>
internal sealed class ExplainSection : PreviewSection
{
    private readonly PreviewLane _lane;

    public ExplainSection(Requester requester, CommunitySettings community, bool json, Paint paint)
        : base(json, paint)
    {
        _lane = new PreviewLane(requester, community, OnEvent);
    }

    public override int Events => _lane.Events;

    public override void Write(ReadOnlySpan<byte> chunk) => _lane.Write(chunk);

    public override void Complete() => _lane.Complete();

    public override string Heading(TimeProvider timeProvider) =>
        $"{VerdictText.Member(_lane.Requester, timeProvider)}: {_lane.Released} of {VerdictText.Count(_lane.Events, "event")} released";

    private void OnEvent(in UnitOutcome outcome, ReadOnlySpan<byte> released)
    {
        var verdict = Verdict.Of(outcome, default, _lane.Requester, _lane.Community);
        if (IsJson)
        {
            VerdictJson.Write(BeginElement(), _lane.Requester, verdict, released);
            EndElement();
        }
        else
        {
            VerdictText.Event(BeginText(), _lane.Requester, _lane.Community, verdict, Paint);
        }
    }
}

/// <summary>
/// <c>explain --diff</c>: one member under two members files, judged side by side over the same
/// input; only what changes is kept. A member in one file only receives nothing under the other.
/// </summary>
internal sealed class DiffSection : PreviewSection
{
    private readonly Side? _before;
    private readonly Side? _after;
    private readonly string _otherName;
    private int _released;

    /// <param name="before">The member under the members file, or null when it is only in the other.</param>
    /// <param name="after">The member under the other file (<c>--diff</c>), or null when it is not in it.</param>
    /// <param name="otherName">How the other file is named in headings.</param>
    public DiffSection(Requester? before, Requester? after, CommunitySettings beforeCommunity, CommunitySettings afterCommunity, string otherName, bool json, Paint paint)
        : base(json, paint)
    {
        _before = before is null ? null : new Side(before, beforeCommunity);
        _after = after is null ? null : new Side(after, afterCommunity);
        _otherName = otherName;
        if (_before is null && _after is null)
        {
            throw new ArgumentException("A member compared must be in at least one of the files.");
        }
    }

    public override int Events => (_after ?? _before)!.Lane.Events;

    public override bool Reported => _before is null || _after is null ? _released > 0 : Entries > 0;

    private Requester Requester => (_after ?? _before)!.Lane.Requester;

    public override void Write(ReadOnlySpan<byte> chunk)
    {
        _before?.Lane.Write(chunk);
        _after?.Lane.Write(chunk);
        Pair();
    }

    public override void Complete()
    {
        _before?.Lane.Complete();
        _after?.Lane.Complete();
        Pair();
        if (_before?.Decided.Count > 0 || _after?.Decided.Count > 0)
        {
            throw new InvalidOperationException("The two members files were judged over different numbers of events.");
        }
    }

    public override string Heading(TimeProvider timeProvider)
    {
        var member = Requester.Member;
        var events = VerdictText.Count(Events, "event");
        return (_before, _after) switch
        {
            (null, _) => $"{VerdictText.Member(Requester, timeProvider)}: only in {_otherName}: would receive {_released} of {events}",
            (_, null) => $"{VerdictText.Member(Requester, timeProvider)}: not in {_otherName}: received {_released} of {events}",
            _ => $"{member.Id} ({member.Name}): {ReasonText.Entitlement(_before.Lane.Requester.Member, member)}; {ReasonText.Audience(Requester)}: {Entries} of {events} change",
        };
    }

    /// <summary>Compares the decisions both lanes have made; the lanes decide an event at the same byte, so they keep pace.</summary>
    private void Pair()
    {
        if (_before is not null && _after is not null)
        {
            while (_before.Decided.Count > 0 && _after.Decided.Count > 0)
            {
                Compare(_before.Decided.Dequeue(), _after.Decided.Dequeue());
            }

            return;
        }

        // A member in one file only: what it receives there is the whole change.
        var side = (_before ?? _after)!;
        while (side.Decided.TryDequeue(out var verdict))
        {
            if (!verdict.Released)
            {
                continue;
            }

            _released++;
            if (IsJson)
            {
                VerdictJson.WriteChange(BeginElement(), side.Lane.Requester.Member.Id, side.Lane.Requester.Email, side.Lane.Requester.IsSyncIdentity, verdict.Outcome.EventUuid,
                    _before is null ? null : verdict, _after is null ? null : verdict);
                EndElement();
            }
        }
    }

    private void Compare(Verdict was, Verdict now)
    {
        var (before, after) = (_before!.Lane.Requester, _after!.Lane.Requester);
        var lines = VerdictText.Changes(before, after, _after.Lane.Community, was, now, Paint);
        if (lines.Count == 0)
        {
            return;
        }

        if (IsJson)
        {
            VerdictJson.WriteChange(BeginElement(), after.Member.Id, after.Email, after.IsSyncIdentity, now.Outcome.EventUuid, was, now);
            EndElement();
            return;
        }

        var text = BeginText();
        foreach (var line in lines)
        {
            text.WriteLine(line);
        }
    }

    /// <summary>One file's lane for the member, and the decisions not yet compared.</summary>
    private sealed class Side
    {
        public Side(Requester requester, CommunitySettings community)
        {
            Lane = new PreviewLane(requester, community, (in UnitOutcome outcome, ReadOnlySpan<byte> released) =>
                Decided.Enqueue(Verdict.Of(outcome, released, requester, community)));
        }

        public PreviewLane Lane { get; }

        public Queue<Verdict> Decided { get; } = new();
    }
}
