using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Tlp;
using TlpGateway.Upstream;

namespace TlpGateway.Tests.Filtering;

/// <summary>The events of a round of look-ups are asked in one restSearch, judged one by one, and cached each.</summary>
public sealed class EventAccessLookupTests
{
    // Events 4, 5 and 6 of the captures, as ORG_C sees them in MISP.
    private const string Event4 = "1bfc1897-b375-497c-9f02-b164e32bc94a";
    private const string Event5 = "4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa";
    private const string Event6 = "93609343-d094-4903-bb82-4fba52a1838f";
    private const string Missing = "00000000-1111-4222-8333-444444444444";

    private static readonly Requester OrgC = FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3");

    // ORG_D with max green: parts of ORG_C's events are removed for it.
    private static readonly Requester OrgD = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green);

    private readonly IDistributedCache _cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));

    [Fact]
    public async Task GetMany_RoundOfRelatedEvents_OneSearchWithTheGatewaysParameters()
    {
        var misp = FakeMisp.Answering(CaptureSearch);

        var found = await Lookup(misp).GetManyAsync([Event4, Event5, Event6], OrgC, FilterHarness.Community, CancellationToken.None);

        var call = Assert.Single(misp.Calls);
        Assert.Equal("/events/restSearch", call.Path);
        var body = JsonNode.Parse(call.Body!)!;
        Assert.Equal([Event4, Event5, Event6], body["uuid"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("0", (string?)body["excludeLocalTags"]);
        Assert.Equal("json", (string?)body["returnFormat"]);
        Assert.All(found, access => Assert.True(access.Receivable));
        Assert.Equal(["4", "5", "6"], found.Select(a => a.EventId));
    }

    [Fact]
    public async Task GetMany_EventsFoundBySearch_JudgedAsTheirOwnViewsAre()
    {
        var searched = await Lookup(FakeMisp.Answering(CaptureSearch)).GetManyAsync([Event4, Event5], OrgD, FilterHarness.Community, CancellationToken.None);

        var views = FakeMisp.Answering((path, _) => path switch
        {
            "/events/view/" + Event4 => Ok(FilterHarness.Capture("events_view_rich__orgC.json")),
            "/events/view/" + Event5 => Ok(FilterHarness.Capture("events_view_objects_report__orgC.json")),
            _ => new MispLookupResponse(HttpStatusCode.NotFound, []),
        });
        var viewLookup = new EventAccessLookup(views, new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), Options.Create(new FilterOptions()));
        EventAccess[] viewed = [await viewLookup.GetAsync(Event4, OrgD, FilterHarness.Community, CancellationToken.None), await viewLookup.GetAsync(Event5, OrgD, FilterHarness.Community, CancellationToken.None)];

        Assert.Equal(viewed.Select(Describe), searched.Select(Describe));
        Assert.NotEmpty(searched[0].RemovedUuids);
    }

    [Fact]
    public async Task GetMany_UuidAbsentFromTheAnswer_WithheldAndCached()
    {
        var misp = FakeMisp.Answering(CaptureSearch);
        var lookup = Lookup(misp);

        var first = await lookup.GetManyAsync([Event4, Missing], OrgC, FilterHarness.Community, CancellationToken.None);
        var again = await lookup.GetManyAsync([Missing], OrgC, FilterHarness.Community, CancellationToken.None);

        Assert.True(first[0].Receivable);
        Assert.Same(EventAccess.Withheld, first[1]);
        Assert.False(again[0].Receivable);
        Assert.Single(misp.Calls);
    }

    [Fact]
    public async Task GetMany_CachedEvents_OnlyTheOthersSearched()
    {
        var misp = FakeMisp.Answering(CaptureSearch);
        var lookup = Lookup(misp);

        await lookup.GetManyAsync([Event4, Event5], OrgC, FilterHarness.Community, CancellationToken.None);
        var found = await lookup.GetManyAsync([Event4, Event5, Event6], OrgC, FilterHarness.Community, CancellationToken.None);
        var cachedOnly = await lookup.GetManyAsync([Event5, Event4], OrgC, FilterHarness.Community, CancellationToken.None);

        Assert.Equal(2, misp.Calls.Count);
        Assert.Equal([Event6], JsonNode.Parse(misp.Calls[1].Body!)!["uuid"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["4", "5", "6"], found.Select(a => a.EventId));
        Assert.Equal(["5", "4"], cachedOnly.Select(a => a.EventId));
    }

    [Fact]
    public async Task GetMany_MispUnavailable_AllWithheldAndNotCached()
    {
        var failing = true;
        var misp = FakeMisp.Answering((path, body) => failing ? throw new MispUnavailableException("down") : CaptureSearch(path, body));
        var lookup = Lookup(misp);

        var failed = await lookup.GetManyAsync([Event4, Event5], OrgC, FilterHarness.Community, CancellationToken.None);
        failing = false;
        var later = await lookup.GetManyAsync([Event4, Event5], OrgC, FilterHarness.Community, CancellationToken.None);

        Assert.All(failed, access => Assert.Same(EventAccess.Withheld, access));
        Assert.All(later, access => Assert.True(access.Receivable));
        Assert.Equal(2, misp.Calls.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "{\"name\":\"Authentication failed.\",\"message\":\"Authentication failed.\"}")]
    [InlineData(HttpStatusCode.OK, "{\"response\": [{\"Event\": ")]
    [InlineData(HttpStatusCode.OK, "{\"name\":\"Not a search answer\",\"message\":\"x\"}")]
    public async Task GetMany_SearchAnswerNotJudgeable_AllWithheldAndNotCached(HttpStatusCode status, string answer)
    {
        var broken = true;
        var misp = FakeMisp.Answering((path, body) => broken ? new MispLookupResponse(status, Encoding.UTF8.GetBytes(answer)) : CaptureSearch(path, body));
        var lookup = Lookup(misp);

        var failed = await lookup.GetManyAsync([Event4, Event5], OrgC, FilterHarness.Community, CancellationToken.None);
        broken = false;
        var later = await lookup.GetManyAsync([Event4, Event5], OrgC, FilterHarness.Community, CancellationToken.None);

        Assert.All(failed, access => Assert.Same(EventAccess.Withheld, access));
        Assert.All(later, access => Assert.True(access.Receivable));
    }

    [Fact]
    public async Task GetMany_EventNamedTwiceInTheAnswer_Withheld()
    {
        var misp = FakeMisp.Answering((path, body) =>
        {
            var answer = JsonNode.Parse(CaptureSearch(path, body).Body)!;
            answer["response"]!.AsArray().Add(answer["response"]![0]!.DeepClone());
            return Ok(Encoding.UTF8.GetBytes(answer.ToJsonString()));
        });

        var found = await Lookup(misp).GetManyAsync([Event4], OrgC, FilterHarness.Community, CancellationToken.None);

        Assert.Same(EventAccess.Withheld, found[0]);
    }

    [Fact]
    public async Task GetMany_EventIds_SearchedByEventId()
    {
        var misp = FakeMisp.Answering(CaptureSearch);

        var found = await Lookup(misp).GetManyAsync(["4", "6"], OrgC, FilterHarness.Community, CancellationToken.None);

        var call = Assert.Single(misp.Calls);
        Assert.Equal(["4", "6"], JsonNode.Parse(call.Body!)!["eventid"]!.AsArray().Select(v => (string?)v));
        Assert.Equal([Event4, Event6], found.Select(a => a.EventUuid));
    }

    [Fact]
    public async Task GetMany_ItemReference_LookedUpThroughItsOwnView()
    {
        var misp = FakeMisp.Answering((path, body) => body is null ? new MispLookupResponse(HttpStatusCode.NotFound, []) : CaptureSearch(path, body));

        var found = await Lookup(misp).GetManyAsync(["attribute/bce90176-e5d7-4cb4-b433-e6dc2785e6e8", Event4], OrgC, FilterHarness.Community, CancellationToken.None);

        Assert.Equal(2, misp.Calls.Count);
        Assert.Contains(misp.Calls, c => c is { Path: "/attributes/view/bce90176-e5d7-4cb4-b433-e6dc2785e6e8", Body: null });
        Assert.Contains(misp.Calls, c => c is { Path: "/events/restSearch" });
        Assert.False(found[0].Receivable);
        Assert.True(found[1].Receivable);
    }

    [Fact]
    public async Task Resolve_EventsAfterThePausedOneListRelatedEvents_OneSearchAndTheSameAnswer()
    {
        var misp = FakeMisp.Answering(CaptureSearch);
        var without = FakeMisp.Answering(CaptureSearch);

        var answer = await FilterRestSearchAsync(Lookup(misp), new CorrelationLookAhead(100, 25));
        var answerWithout = await FilterRestSearchAsync(new EventAccessLookup(without, new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), Options.Create(new FilterOptions())), null);

        // Without the look-ahead, events 4, 6 and 11 pause one after another.
        Assert.Single(misp.Calls);
        Assert.Equal(3, without.Calls.Count);
        Assert.Equal(answerWithout, answer);
    }

    [Fact]
    public async Task Resolve_SearchWithWhatWasFoundAheadFails_HeldEventsOwnAskedAloneAndTheOthersWhenTheyPause()
    {
        // A search asking more than the paused event's own (event 4: its four related events and itself) fails.
        var misp = FakeMisp.Answering((path, body) => JsonNode.Parse(body!)!["uuid"]!.AsArray().Count > 5 ? throw new MispUnavailableException("too large") : CaptureSearch(path, body));
        var without = FakeMisp.Answering(CaptureSearch);
        var lookAhead = new CorrelationLookAhead(100, 25);

        var answer = await FilterRestSearchAsync(Lookup(misp), lookAhead);
        var answerWithout = await FilterRestSearchAsync(new EventAccessLookup(without, new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), Options.Create(new FilterOptions())), null);

        Assert.True(lookAhead.Failed);
        Assert.Equal(without.Calls.Count + 1, misp.Calls.Count);
        Assert.Equal(answerWithout, answer);
    }

    /// <summary>ORG_C's captured restSearch through the filter, with its look-ups.</summary>
    private static async Task<string> FilterRestSearchAsync(EventAccessLookup lookup, CorrelationLookAhead? lookAhead)
    {
        var context = new FilterContext { Requester = OrgC, Community = FilterHarness.Community, KnownEvents = new(StringComparer.OrdinalIgnoreCase), MaxCorrelationLookups = 25 };
        var filter = new MispResponseFilter(context, int.MaxValue, _ => { });
        var output = new ArrayBufferWriter<byte>();
        filter.Write(FilterHarness.Capture("events_restSearch_json__orgC.json"), output);
        await lookup.ResolveAsync(filter, context, output, lookAhead, CancellationToken.None);
        filter.Complete(output);
        await lookup.ResolveAsync(filter, context, output, lookAhead, CancellationToken.None);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private EventAccessLookup Lookup(FakeMisp misp) => new(misp, _cache, Options.Create(new FilterOptions()));

    private static MispLookupResponse Ok(byte[] body) => new(HttpStatusCode.OK, body);

    /// <summary>Answers a search as MISP would for ORG_C: the captured events the search's uuid or eventid list names.</summary>
    private static MispLookupResponse CaptureSearch(string path, string? body)
    {
        Assert.Equal("/events/restSearch", path);
        var filters = JsonNode.Parse(body!)!.AsObject();
        var (name, field) = filters.ContainsKey("uuid") ? ("uuid", "uuid") : ("eventid", "id");
        var wanted = filters[name]!.AsArray().Select(v => (string?)v).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var all = JsonNode.Parse(FilterHarness.Capture("events_restSearch_json__orgC.json"))!["response"]!.AsArray();
        var response = new JsonArray([.. all.Where(e => wanted.Contains((string?)e!["Event"]![field])).Select(e => e!.DeepClone())]);
        return Ok(Encoding.UTF8.GetBytes(new JsonObject { ["response"] = response }.ToJsonString()));
    }

    private static string Describe(EventAccess access) => JsonSerializer.Serialize(access);

    /// <summary>MISP as the look-ups see it: every call recorded, answered by a function of its path and body (null for a GET).</summary>
    private sealed class FakeMisp(Func<string, string?, MispLookupResponse> answer) : IMispLookupClient
    {
        public List<(string Path, string? Body)> Calls { get; } = [];

        public static FakeMisp Answering(Func<string, string?, MispLookupResponse> answer) => new(answer);

        public Task<MispLookupResponse> GetAsync(string pathAndQuery, string apiKey, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add((pathAndQuery, null));
            }

            return Task.FromResult(answer(pathAndQuery, null));
        }

        public Task<MispLookupResponse> SearchAsync(string path, byte[] body, string apiKey, CancellationToken cancellationToken)
        {
            var text = Encoding.UTF8.GetString(body);
            lock (Calls)
            {
                Calls.Add((path, text));
            }

            return Task.FromResult(answer(path, text));
        }
    }
}
