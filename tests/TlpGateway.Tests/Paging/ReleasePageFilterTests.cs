using System.Text.Json;
using TlpGateway.Paging;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tests.Shared;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Paging;

/// <summary>The filter releases the page a client asked for, counted over the records it releases, never over what it withholds.</summary>
public sealed class ReleasePageFilterTests
{
    public static TheoryData<string, int> Answers() => new()
    {
        { "events_restSearch_json__admin.json", 1 },
        { "events_restSearch_json__admin.json", 2 },
        { "events_restSearch_json__admin.json", 5 },
        { "events_index__admin.json", 1 },
        { "events_index__admin.json", 3 },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Filter_EveryPage_IsThatSliceOfTheRecordsReleasedWithoutPaging(string capture, int limit)
    {
        var input = FilterHarness.Capture(capture);
        var requester = FilterHarness.Requester(maxTlp: TlpLevel.Green);
        var whole = ReleasedEvents.Uuids(FilterHarness.Run(input, FilterHarness.Context(requester)).Output);
        Assert.InRange(whole.Count, 2, int.MaxValue);

        // Through the last page and one past it, at odd chunk sizes: pages join up to the whole, none is short but the last.
        var joined = new List<string>();
        for (var page = 1; page <= (whole.Count / limit) + 2; page++)
        {
            var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(requester, page: new ReleasePage((page - 1L) * limit, limit)), chunk: 97);
            var released = ReleasedEvents.Uuids(output);

            Assert.Equal(whole.Skip((page - 1) * limit).Take(limit), released);
            Assert.Equal(released.Count, outcomes.Count(o => o.Released));
            joined.AddRange(released);
        }

        Assert.Equal(whole, joined);
    }

    [Fact]
    public void Filter_PageFull_RecordsAfterItNotJudged()
    {
        var input = FilterHarness.Capture("events_restSearch_json__admin.json");

        var (_, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpLevel.Green), page: new ReleasePage(0, 1)));

        // Up to the first released one: the withheld before it are judged (and audited), nothing after.
        Assert.Single(outcomes, o => o.Released);
        Assert.True(outcomes[^1].Released);
    }

    [Fact]
    public void Filter_PagePastTheEnd_AnEmptyListInTheAnswersShape()
    {
        var input = FilterHarness.Capture("events_restSearch_json__admin.json");

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester(), page: new ReleasePage(1000, 10)));

        using var json = JsonDocument.Parse(output);
        Assert.Equal(0, json.RootElement.GetProperty("response").GetArrayLength());
    }
}
