using System.Text.Json.Nodes;
using TlpGateway.Members;

namespace TlpGateway.Tests.Preview;

/// <summary><c>explain --diff</c>: the same events under two members files, only what changes, member by member.</summary>
public sealed class ExplainDiffTests : IDisposable
{
    private const string OrgD = "d03551b8-8496-4bd2-b178-72fb134e2520";
    private const string E1 = "e1000000-0000-4000-8000-000000000001";
    private const string E2 = "e2000000-0000-4000-8000-000000000002";
    private const string E3 = "e3000000-0000-4000-8000-000000000003";
    private const string E4 = "e4000000-0000-4000-8000-000000000004";
    private const string AmberAttribute = "a2000000-0000-4000-8000-000000000002";
    private const string DomainAttribute = "a3000000-0000-4000-8000-000000000003";

    private static readonly PreviewMember Acme = new("acme", OrgD, "member", "amber");

    private readonly PreviewHarness _harness = new();
    private readonly string _events;

    public ExplainDiffTests()
    {
        _events = _harness.Write("events", PreviewEvents.RestSearch(
            PreviewEvents.Event(E1, "1", ["tlp:amber"], PreviewEvents.Attribute("a1000000-0000-4000-8000-000000000001")),
            PreviewEvents.Event(E2, "2", ["tlp:green"], PreviewEvents.Attribute(AmberAttribute, tlp: "tlp:amber"), PreviewEvents.Attribute(DomainAttribute, type: "domain", value: "example.org")),
            PreviewEvents.Event(E3, "3", ["tlp:clear", "pap:red"], PreviewEvents.Attribute("a4000000-0000-4000-8000-000000000004")),
            PreviewEvents.Event(E4, "4", [], PreviewEvents.Attribute("a5000000-0000-4000-8000-000000000005"))));
    }

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Diff_MemberLoweredToGreen_AmberEventsWithheldAmberAttributeNewlyRemoved()
    {
        var (code, output, error) = Diff(Acme, Acme with { MaxTlp = "green" });

        Assert.True(code == MembersCommand.Ok, error);
        Assert.Contains("acme (acme): relation member, maxTlp amber -> green; as a user not in redRecipients: 3 of 4 events change", output, StringComparison.Ordinal);
        Assert.Contains($"event {E1} (id 1): released -> withheld: TLP:AMBER needs maxTlp amber or higher and relation member; acme has maxTlp green", output, StringComparison.Ordinal);
        Assert.Contains($"event {E2} (id 2): released, with changes, TLP:GREEN", output, StringComparison.Ordinal);
        Assert.Contains($"attribute {AmberAttribute} newly removed: TLP:AMBER needs maxTlp amber or higher", output, StringComparison.Ordinal);
        Assert.Contains($"event {E4} (id 4): released -> withheld: TLP:AMBER needs", output, StringComparison.Ordinal);
        Assert.DoesNotContain(E3, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_MemberRaisedFromGreen_AttributeNowKept()
    {
        var (code, output, _) = Diff(Acme with { MaxTlp = "green" }, Acme);

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains($"event {E1} (id 1): withheld -> released, TLP:AMBER", output, StringComparison.Ordinal);
        Assert.Contains($"attribute {AmberAttribute} now kept (was removed: TLP:AMBER needs maxTlp amber or higher and relation member; acme has maxTlp green)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_MemberMadeThirdParty_SourcesNewlyHiddenAmberWithheld()
    {
        var (code, output, _) = Diff(Acme, Acme with { Relation = "third-party" });

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("relation member -> third-party, maxTlp amber", output, StringComparison.Ordinal);
        Assert.Contains($"event {E1} (id 1): released -> withheld: TLP:AMBER needs maxTlp amber or higher and relation member; acme has relation third-party", output, StringComparison.Ordinal);
        Assert.Contains($"source newly hidden, shown as Test hub ({PreviewHarness.Forwarder}): relation third-party: every event it receives is forwarded", output, StringComparison.Ordinal);
        Assert.Contains($"event {E3} (id 3): released, with changes, TLP:CLEAR", output, StringComparison.Ordinal);
        Assert.Contains($"attribute {AmberAttribute} newly removed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_RulesAdded_EventWithheldAndAttributeRemovedNamingTheRule()
    {
        var ruled = Acme with { Extra = new JsonObject { ["blockedTags"] = new JsonArray("pap:red"), ["blockedAttributeTypes"] = new JsonArray("domain") } };

        var (code, output, _) = Diff(Acme, ruled);

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("2 of 4 events change", output, StringComparison.Ordinal);
        Assert.Contains($"event {E3} (id 3): released -> withheld, TLP:CLEAR: member rule blockedTags: it carries a tag in acme's blockedTags", output, StringComparison.Ordinal);
        Assert.Contains($"attribute {DomainAttribute} newly removed: member rule blockedAttributeTypes: its type is in acme's blockedAttributeTypes", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_NothingChanges_SaysSo()
    {
        var (code, output, _) = Diff(Acme, Acme with { Extra = new JsonObject { ["networks"] = new JsonArray("203.0.113.0/24") } });

        Assert.Equal(MembersCommand.Ok, code);
        Assert.StartsWith("no change: 4 events of ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_MemberOnlyInOtherFile_SaysWhatItWouldReceive()
    {
        var newco = new PreviewMember("newco", "11111111-2222-4333-8444-555555555555", "member", "green");
        var before = _harness.MembersFile("tagged", "amber", Acme);
        var after = _harness.MembersFile("tagged", "amber", Acme, newco);

        var (code, output, _) = _harness.Explain(before, _events, "--diff", after);

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains($"newco (newco): relation member, maxTlp green; as a user not in redRecipients: only in {after}: would receive 2 of 4 events", output, StringComparison.Ordinal);
        Assert.DoesNotContain("acme", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_Json_BeforeAndAfterOfChangedEventsOnly()
    {
        var (code, output, _) = Diff(Acme, Acme with { MaxTlp = "green" }, "--json");

        Assert.Equal(MembersCommand.Ok, code);
        var changes = PreviewHarness.Elements(output);
        Assert.Equal([E1, E2, E4], changes.Select(c => c.GetProperty("eventUuid").GetString()));
        var first = changes[0];
        Assert.Equal("acme", first.GetProperty("member").GetString());
        Assert.True(first.GetProperty("before").GetProperty("released").GetBoolean());
        Assert.False(first.GetProperty("after").GetProperty("released").GetBoolean());
        Assert.Equal("tlp-amber", first.GetProperty("after").GetProperty("reason").GetString());
        Assert.Equal(AmberAttribute, changes[1].GetProperty("after").GetProperty("removed").EnumerateArray().Single().GetProperty("uuid").GetString());
        Assert.Empty(changes[1].GetProperty("before").GetProperty("removed").EnumerateArray());
    }

    [Fact]
    public void Diff_MemberNamed_OnlyThatMember()
    {
        var other = new PreviewMember("other", "22222222-2222-4333-8444-555555555555", "member", "amber");
        var before = _harness.MembersFile("tagged", "amber", Acme, other);
        var after = _harness.MembersFile("tagged", "amber", Acme with { MaxTlp = "green" }, other with { MaxTlp = "green" });

        var (code, output, _) = _harness.Explain(before, _events, "--diff", after, "--member", "other");

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Contains("other (other):", output, StringComparison.Ordinal);
        Assert.DoesNotContain("acme", output, StringComparison.Ordinal);
    }

    private (int Code, string Output, string Error) Diff(PreviewMember before, PreviewMember after, params string[] args) =>
        _harness.Explain(_harness.MembersFile("tagged", "amber", before), [_events, "--diff", _harness.MembersFile("tagged", "amber", after), .. args]);
}
