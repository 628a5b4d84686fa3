using System.Buffers;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Shapes;

namespace TlpGateway.Preview;

/// <summary>Told each event's decision; <paramref name="released"/> is the event as the gateway would send it (empty when withheld).</summary>
internal delegate void EventDecided(in UnitOutcome outcome, ReadOnlySpan<byte> released);

/// <summary>
/// One requester's view of the input: the live filter (<see cref="MispResponseFilter"/>) run for it
/// over the chunks as they come, so no rule is decided twice and no answer is held whole. Nothing is
/// looked up (<see cref="FilterContext.KnownEvents"/> is null): correlations are judged as if no
/// related event were confirmed, as SPEC section 11 asks.
/// </summary>
internal sealed class PreviewLane : IRecordSink
{
    /// <summary>The gateway's own bound on one event (<c>Gateway:Filter:MaxEventBytes</c>' default): an event the gateway fails on fails here too.</summary>
    public static readonly int MaxEventBytes = new FilterOptions().MaxEventBytes;

    private readonly MispResponseFilter _filter;
    private readonly EventDecided _onEvent;

    // The envelope ({"response": [ ... ]}) the filter copies out: not part of any event, dropped.
    private readonly ArrayBufferWriter<byte> _envelope = new(256);

    public PreviewLane(Requester requester, CommunitySettings community, EventDecided onEvent)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(community);
        ArgumentNullException.ThrowIfNull(onEvent);
        Requester = requester;
        Community = community;
        _onEvent = onEvent;
        var context = new FilterContext { Requester = requester, Community = community, DescribeEvents = true };
        _filter = new MispResponseFilter(context, MaxEventBytes, OnUnit, this);
    }

    public Requester Requester { get; }

    public CommunitySettings Community { get; }

    /// <summary>How many events have been decided.</summary>
    public int Events { get; private set; }

    /// <summary>How many of them were released.</summary>
    public int Released { get; private set; }

    /// <summary>The requester a member is judged as: one of its users (with that e-mail, for <c>redRecipients</c>), or its MISP server.</summary>
    public static Requester RequesterFor(MemberEntry member, CommunitySettings community, string? email, bool sync)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new Requester { Member = member, Community = community, OrgUuid = member.OrgUuid, Email = email ?? string.Empty, IsSyncIdentity = sync };
    }

    public void Write(ReadOnlySpan<byte> chunk)
    {
        try
        {
            _filter.Write(chunk, _envelope);
        }
        catch (FilterException ex)
        {
            throw Failure(ex.Reason);
        }

        Continue();
    }

    public void Complete()
    {
        try
        {
            _filter.Complete(_envelope);
        }
        catch (FilterException ex)
        {
            throw Failure(ex.Reason);
        }

        Continue();
    }

    void IRecordSink.Write(in UnitOutcome outcome, ReadOnlySpan<byte> record)
    {
        Events++;
        Released++;
        _onEvent(outcome, record);
    }

    private void OnUnit(UnitOutcome outcome)
    {
        if (outcome.Record != RecordKind.Event)
        {
            var what = outcome.Record == RecordKind.NoData ? "it holds no event" : $"it is {Article(outcome.Kind)} {outcome.Kind}, not an event";
            throw Failure(what + ": explain reads an /events/view answer ({\"Event\": ...}) or an /events/restSearch answer ({\"response\": [...]})");
        }

        // A released event comes to the sink with its bytes.
        if (!outcome.Released)
        {
            Events++;
            _onEvent(outcome, default);
        }
    }

    private void Continue()
    {
        _envelope.ResetWrittenCount();

        // Without known events nothing is looked up; a look-up asked for anyway would stall the filter and lose the rest.
        if (_filter.PendingLookups is not null)
        {
            throw new InvalidOperationException("The filter asked for a look-up the preview cannot make.");
        }
    }

    private static string Article(string kind) => "aeiou".Contains(kind[0], StringComparison.Ordinal) ? "an" : "a";

    private PreviewInputException Failure(string reason) => new(reason, _filter.Position.Offset, _filter.Position.InRecord, Events);
}

/// <summary>The input cannot be judged: where the failure was found, after how many events.</summary>
/// <param name="reason">What is wrong, as the filter says it.</param>
/// <param name="position">The byte offset: of the record it is in, or where the input stopped making sense.</param>
/// <param name="inRecord">Whether <paramref name="position"/> is the start of the record the failure is in.</param>
/// <param name="eventsBefore">How many events were decided before it.</param>
internal sealed class PreviewInputException(string reason, long position, bool inRecord, int eventsBefore) : Exception(reason)
{
    public long Position { get; } = position;

    public bool InRecord { get; } = inRecord;

    public int EventsBefore { get; } = eventsBefore;
}
