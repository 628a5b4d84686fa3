using TlpGateway.Decision;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>Look-ups are keyed by event UUID and timestamp (SPEC section 3): what an answer names of an event's version.</summary>
public sealed class FilterContextVersionTests
{
    private const string Event = "1bfc1897-b375-497c-9f02-b164e32bc94a";

    [Fact]
    public void Known_ConfirmedAtAnOlderVersion_UnknownAndThatVersionNamedForItOnly()
    {
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);
        context.KnownEvents![Event] = new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = 100 };

        Assert.Null(context.Known(Event, "101"));
        Assert.Equal(101, context.NamedVersion(Event));

        // What the answer named no version for (an item, another event) is asked by reference alone, cached access of any version serving.
        Assert.Null(context.NamedVersion("attribute/a1a1a1a1-0000-4000-8000-000000000001"));
    }

    [Theory]
    [InlineData(100L, "100", true)]
    [InlineData(100L, "101", false)]
    [InlineData(null, "101", false)]
    [InlineData(null, null, true)]
    [InlineData(100L, "not a version", true)]
    public void Known_ReceivableAccess_KnownOnlyAsOfTheVersionNamed(long? judged, string? named, bool known)
    {
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);
        context.KnownEvents![Event] = new EventAccess(true, FilterHarness.OrgC, "4", false, []) { Timestamp = judged };

        Assert.Equal(known, context.Known(Event, named) is not null);
    }

    [Fact]
    public void Known_WithheldAtAnOlderVersion_StaysWithheldWithoutAskingAgain()
    {
        var context = FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3"), lookups: true);
        context.KnownEvents![Event] = EventAccess.Withheld;

        Assert.Same(EventAccess.Withheld, context.Known(Event, "101"));
        Assert.Null(context.NamedVersion(Event));
    }
}
