using System.Text.Json.Nodes;
using MispSimulator;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Members;
using TlpGateway.Preview;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Preview;

/// <summary>
/// <c>members --file F explain EVENTS.json</c> in words (SPEC section 11): released or withheld and
/// why, in the members file's terms; what is removed, by UUID; hidden sources and as whom; tags added;
/// bad input and unknown members as one clear error with nothing on standard output.
/// </summary>
public sealed class ExplainCommandTests : IDisposable
{
    private const string OrgD = "d03551b8-8496-4bd2-b178-72fb134e2520";
    private const string Green = "e1000000-0000-4000-8000-000000000001";
    private const string Amber = "e2000000-0000-4000-8000-000000000002";
    private const string Red = "e3000000-0000-4000-8000-000000000003";
    private const string Untagged = "e4000000-0000-4000-8000-000000000004";
    private const string RedAttribute = "a1000000-0000-4000-8000-000000000001";

    private readonly PreviewHarness _harness = new();
    private readonly string _events;

    public ExplainCommandTests()
    {
        _events = _harness.Write("events", PreviewEvents.RestSearch(
            PreviewEvents.Event(Green, "1", ["tlp:green"], PreviewEvents.Attribute(RedAttribute, tlp: "tlp:red"), PreviewEvents.Attribute("a2000000-0000-4000-8000-000000000002")),
            PreviewEvents.Event(Amber, "2", ["tlp:amber"], PreviewEvents.Attribute("a3000000-0000-4000-8000-000000000003")),
            PreviewEvents.Event(Red, "3", ["tlp:red"], PreviewEvents.Attribute("a4000000-0000-4000-8000-000000000004")),
            PreviewEvents.Event(Untagged, "4", [], PreviewEvents.Attribute("a5000000-0000-4000-8000-000000000005"))));
    }

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Explain_EveryMember_HeadingAndEveryEventPerMemberInFileOrder()
    {
        var members = _harness.MembersFile("tagged", "amber", new PreviewMember("acme", OrgD, "member", "amber"), new PreviewMember("partner", "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "third-party", "green"));

        var (code, output, error) = _harness.Explain(members, _events);

        Assert.True(code == MembersCommand.Ok, error);
        Assert.Empty(error);
        var acme = output.IndexOf("acme (acme): relation member, maxTlp amber; as a user not in redRecipients: 3 of 4 events released", StringComparison.Ordinal);
        var partner = output.IndexOf("partner (partner): relation third-party, maxTlp green; as a user not in redRecipients: 1 of 4 events released", StringComparison.Ordinal);
        Assert.True(acme >= 0 && partner > acme, output);
        Assert.Equal(8, output.Split('\n').Count(l => l.StartsWith("  event ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Explain_AmberToGreenMember_WithheldNamingTheMarkingAndMaxTlp()
    {
        var (_, output, _) = Explain(new PreviewMember("acme", OrgD, "member", "green"));

        Assert.Contains($"event {Amber} (id 2): withheld: TLP:AMBER needs maxTlp amber or higher and relation member; acme has maxTlp green", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_AmberToThirdParty_WithheldNamingTheRelation()
    {
        var (_, output, _) = Explain(new PreviewMember("partner", OrgD, "third-party", "amber"));

        Assert.Contains($"event {Amber} (id 2): withheld: TLP:AMBER needs maxTlp amber or higher and relation member; partner has relation third-party", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_RedToUserNotInRedRecipients_WithheldNamingTheAddress()
    {
        var (_, output, _) = Explain(new PreviewMember("acme", OrgD, "member", "amber", "user@acme.example"));

        Assert.Contains("as user@acme.example, not in redRecipients", output, StringComparison.Ordinal);
        Assert.Contains($"event {Red} (id 3): withheld: TLP:RED goes only to the event's own organisation and to the users in a member's redRecipients; user@acme.example is not in acme's redRecipients", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_RedToRedRecipient_ReleasedWithItsRedAttribute()
    {
        var (_, output, _) = Explain(new PreviewMember("acme", OrgD, "member", "amber", "Analyst@ACME.example", RedRecipient: true), "--json");

        var red = PreviewHarness.Elements(output).Single(e => e.GetProperty("eventUuid").GetString() == Red);
        Assert.True(red.GetProperty("released").GetBoolean());
        Assert.Equal("Analyst@ACME.example", red.GetProperty("email").GetString());
        var green = PreviewHarness.Elements(output).Single(e => e.GetProperty("eventUuid").GetString() == Green);
        Assert.Empty(green.GetProperty("removed").EnumerateArray());
    }

    [Fact]
    public void Explain_RedToMispServer_WithheldAndRedAttributeRemovedEvenForARecipient()
    {
        var (_, output, _) = Explain(new PreviewMember("acme", OrgD, "member", "amber+strict", "sync@acme.example", Sync: true, RedRecipient: true));

        Assert.Contains("as its MISP server (--sync)", output, StringComparison.Ordinal);
        Assert.Contains($"event {Red} (id 3): withheld: TLP:RED never goes to a MISP server, not even its own organisation's; acme is judged as its MISP server (--sync)", output, StringComparison.Ordinal);
        Assert.Contains($"removed attribute {RedAttribute}: TLP:RED never goes to a MISP server", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_OwnRedEvent_ReleasedAsItsOwn()
    {
        var (_, output, _) = Explain(new PreviewMember("org-c", PreviewEvents.OrgC, "member", "clear"));

        Assert.Contains($"event {Red} (id 3): released, TLP:RED, its own event", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ThirdParty_SourceHiddenShownAsItsForwardAs()
    {
        var member = new PreviewMember("partner", OrgD, "third-party", "green")
        {
            Extra = new JsonObject { ["forwardAs"] = new JsonObject { ["name"] = "Partner relay", ["uuid"] = "00000000-0000-4000-8000-000000000007" } },
        };

        var (_, output, _) = Explain(member);

        Assert.Contains($"event {Green} (id 1): released, TLP:GREEN", output, StringComparison.Ordinal);
        Assert.Contains("source hidden, shown as Partner relay (00000000-0000-4000-8000-000000000007): relation third-party: every event it receives is forwarded", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_UntaggedEvent_DefaultTagsAddedAndChathamHouseSourceHidden()
    {
        var (_, output, _) = Explain(new PreviewMember("acme", OrgD, "member", "amber"));

        var untagged = Block(output, Untagged);
        Assert.Contains("released, TLP:AMBER", untagged, StringComparison.Ordinal);
        Assert.Contains("tags added: tlp:amber, tlp:ex:chr (no TLP level on the event: community defaultTlp amber)", untagged, StringComparison.Ordinal);
        Assert.Contains($"source hidden, shown as Test hub ({PreviewHarness.Forwarder}): the Chatham House Rule applies", untagged, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_RemovedAttribute_NamedByUuidWithItsReason()
    {
        var (_, output, _) = Explain(new PreviewMember("acme", OrgD, "member", "amber"));

        Assert.Contains($"removed attribute {RedAttribute}: TLP:RED goes only to the event's own organisation", Block(output, Green), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_MemberRule_WithheldNamingTheField()
    {
        var member = new PreviewMember("acme", OrgD, "member", "amber") { Extra = new JsonObject { ["requiredTaxonomies"] = new JsonArray("pap") } };

        var (_, output, _) = Explain(member);

        Assert.Contains($"event {Green} (id 1): withheld, TLP:GREEN: member rule requiredTaxonomies: it carries no tag of a taxonomy in acme's requiredTaxonomies", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_RevokedMember_HeadingSaysSoAndJudgesAsIfReinstated()
    {
        var member = new PreviewMember("acme", OrgD, "member", "amber") { Extra = new JsonObject { ["revoked"] = true } };

        var (_, output, _) = Explain(member);

        Assert.Contains("[revoked: the gateway refuses it every request; judged here as if reinstated]: 3 of 4 events released", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_JsonWithheldEvent_NullEventAndReasonCode()
    {
        var (code, output, _) = Explain(new PreviewMember("acme", OrgD, "member", "green"), "--json");

        Assert.Equal(MembersCommand.Ok, code);
        var amber = PreviewHarness.Elements(output).Single(e => e.GetProperty("eventUuid").GetString() == Amber);
        Assert.Equal(
            ["member", "email", "sync", "eventUuid", "released", "reason", "sourceHidden", "shownAs", "addedTags", "removed", "event"],
            amber.EnumerateObject().Select(p => p.Name));
        Assert.Equal("tlp-amber", amber.GetProperty("reason").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, amber.GetProperty("event").ValueKind);
    }

    [Fact]
    public void Explain_NoEvents_SaysSo()
    {
        var (code, output, _) = _harness.Explain(_harness.MembersFile(new PreviewMember("acme", OrgD, "member", "amber")), _harness.Write("empty", "{\"response\": []}"));

        Assert.Equal(MembersCommand.Ok, code);
        Assert.StartsWith("no events in ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_OutputNotATerminal_NoColour()
    {
        var (_, output, _) = Explain(new PreviewMember("acme", OrgD, "member", "green"));

        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    public void EventText_PaintOn_ColoursTheDecision()
    {
        var registry = MembersFileParser.Parse(File.ReadAllBytes(_harness.MembersFile(new PreviewMember("acme", OrgD, "member", "amber"))));
        var requester = PreviewLane.RequesterFor(registry.Members[0], registry.Community, null, false);
        var outcome = new UnitOutcome(false, "event", "tlp-red", Red, TlpLevel.Red, 0, false);
        using var plain = new StringWriter();
        using var coloured = new StringWriter();

        VerdictText.Event(plain, requester, TestCommunity, new Verdict(outcome, null, default), new Paint(false));
        VerdictText.Event(coloured, requester, TestCommunity, new Verdict(outcome, null, default), new Paint(true));

        Assert.DoesNotContain('\u001b', plain.ToString());
        Assert.Contains("\u001b[31mwithheld\u001b[0m", coloured.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\n  event e9000000-0000-4000-8000-000000000009 (id 9): released, TLP:CLEAR")]
    [InlineData("\u001b[2K\r  event e9000000-0000-4000-8000-000000000009: released")]
    [InlineData("e9000000-0000-4000-8000-000000000009\u202e")]
    public void Explain_IdentifiersWithLineBreaksOrTerminalCodes_PrintedEscapedOneLineEachNoCodeOfTheirs(string forged)
    {
        // An event (and a removed attribute) whose identifiers would write a verdict line of their own, or move the cursor over the real one.
        var events = _harness.Write("forged", PreviewEvents.RestSearch(
            PreviewEvents.Event("e8000000-0000-4000-8000-000000000008" + forged, "8" + forged, ["tlp:green"], PreviewEvents.Attribute(RedAttribute + forged, tlp: "tlp:red"))));
        var members = _harness.MembersFile("tagged", "amber", new PreviewMember("acme", OrgD, "member", "amber"));

        foreach (var args in new[] { new[] { events }, [events, "--diff", _harness.MembersFile("tagged", "amber", new PreviewMember("acme", OrgD, "member", "clear"))] })
        {
            var (code, output, error) = _harness.Explain(members, args);

            Assert.True(code == MembersCommand.Ok, error);
            Assert.DoesNotContain(output, c => char.IsControl(c) && c != '\n' || c == '\u202e');
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines, l => l.StartsWith("  event ", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("e9000000", StringComparison.Ordinal) && !l.Contains("e8000000", StringComparison.Ordinal) && !l.Contains(RedAttribute, StringComparison.Ordinal));
        }

        // Written as a JSON string: quoted, its codes escaped.
        Assert.Contains("  event \"e8000000-0000-4000-8000-000000000008", _harness.Explain(members, events).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_LongInput_ProgressLinesOnStandardError()
    {
        var events = _harness.Write("generated", EventGenerator.RestSearch(3, 400_000));
        _harness.Time.AutoAdvanceAmount = TimeSpan.FromSeconds(1);

        var (code, output, error) = _harness.Explain(_harness.MembersFile(new PreviewMember("acme", OrgD, "member", "amber")), events);

        Assert.Equal(MembersCommand.Ok, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3, error);
        Assert.All(lines, l => Assert.StartsWith($"explain: {events}: ", l, StringComparison.Ordinal));
        Assert.Contains(" MB of ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(", done", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("explain:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_Quick_NoProgressLine()
    {
        var events = _harness.Write("generated", EventGenerator.RestSearch(3, 400_000));

        var (code, _, error) = _harness.Explain(_harness.MembersFile(new PreviewMember("acme", OrgD, "member", "amber")), events);

        Assert.Equal(MembersCommand.Ok, code);
        Assert.Empty(error);
    }

    private static CommunitySettings TestCommunity => new("Test community", new OrganisationRef("Test hub", PreviewHarness.Forwarder), TlpLevel.Amber, ChathamHouseMode.Tagged, false);

    private (int Code, string Output, string Error) Explain(PreviewMember member, params string[] args) =>
        _harness.Explain(_harness.MembersFile("tagged", "amber", member), [_events, .. member.Arguments(), .. args]);

    /// <summary>The lines of one event's entry.</summary>
    private static string Block(string output, string uuid)
    {
        var start = output.IndexOf("  event " + uuid, StringComparison.Ordinal);
        Assert.True(start >= 0, output);
        var end = output.IndexOf("\n  event ", start + 1, StringComparison.Ordinal);
        return end < 0 ? output[start..] : output[start..end];
    }
}
