using System.Text;
using System.Text.Json;
using TlpGateway.Fuzz;

namespace TlpGateway.Tests.Filtering;

/// <summary>
/// The filter fuzz oracle's judgements where it was blind (Oracle.cs): sources with short names, galaxies
/// that lose their clusters, the mark the harness confirms by written outside a look-up's reference,
/// relationships naming a removed item, analyst data's authors, items beside a tagged event stub and
/// galaxy clusters on their own.
/// </summary>
public sealed class FuzzOracleTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "fuzz", "filter");

    // For the requester the fuzzer chooses by the input's length: -r0 a third party (every source hidden, above green withheld),
    // -r1 a member with amber (sources hidden under CHR), -r2 a member's MISP server with amber+strict.
    private static OracleVerdict Judge(string name)
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, name));
        using var document = JsonDocument.Parse(input);
        return Oracle.Judge(document.RootElement, FilterHarness.Community.DefaultTlp, FilterTarget.RequesterFor(input));
    }

    [Fact]
    public void Oracle_SourcesWithShortNamesUnderChr_CheckedAsWholeValues()
    {
        var verdict = Judge("seed-kinds-short-names-event-r1.json");

        Assert.Equal(["BSI", "CERT", "GOV", "IDS", "MIL", "NCSC"], verdict.Values.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Oracle_ShortNameWithoutALetter_CheckedAsAWholeValue()
    {
        var verdict = Judge("seed-kinds-short-names-digits-r0.json");

        Assert.Contains("C-1", verdict.Values);
        Assert.Contains("_", verdict.Values);
        Assert.Contains("#9", verdict.Values);
    }

    [Fact]
    public void Oracle_ShortNameTheRequesterReadsWholeElsewhere_NotChecked()
    {
        // The same name, whole, as the comment of an attribute released: text the requester may read.
        var input = """{"Event":{"uuid":"e0e0e0e0-0000-4000-8000-000000000001","info":"x","Orgc":{"name":"BSI","uuid":"5e5e5e5e-0000-4000-8000-00000000e5e5"},"Attribute":[{"uuid":"e0e0e0e0-0000-4000-8000-000000000002","value":"a.example","comment":"BSI"}],"Tag":[{"name":"tlp:clear"}]}}""";
        using var document = JsonDocument.Parse(input);

        var verdict = Oracle.Judge(document.RootElement, FilterHarness.Community.DefaultTlp, FilterTarget.Requesters[0]);

        Assert.DoesNotContain("BSI", verdict.Values);
        Assert.Contains("5e5e5e5e-0000-4000-8000-00000000e5e5", verdict.Strings);
    }

    [Theory]
    [InlineData("""{"Orgc":{"name":"BSI"}}""", true)]
    [InlineData("""{"Orgc":{"name":"bsi"}}""", true)]
    [InlineData("""{"Orgc":{"name":"B\u0053I"}}""", true)]
    [InlineData("""{"Orgc":{"name":"BSI advisory"}}""", false)]
    [InlineData("""{"comment":"seen by BSI and NCSC"}""", false)]
    [InlineData("""{"BSI":"0"}""", false)]
    public void OracleValues_ShortName_CaughtOnlyAsAWholeValue(string written, bool caught)
    {
        var check = () => OracleValues.Check(Encoding.UTF8.GetBytes(written), whole: true, ["BSI"]);

        if (caught)
        {
            Assert.Throws<FuzzFinding>(check);
        }
        else
        {
            check();
        }
    }

    [Fact]
    public void OracleValues_AnswerEndedAsAnError_WhatWasWrittenChecked()
    {
        Assert.Throws<FuzzFinding>(() => OracleValues.Check("""{"response":[{"Event":{"Orgc":{"name":"NCSC"},"info":"cut he"""u8.ToArray(), whole: false, ["NCSC"]));
    }

    [Fact]
    public void Oracle_ShortSourceNamePassedThrough_Caught()
    {
        // The oracle is not vacuous: an answer that were the input itself names the short sources as values.
        var input = File.ReadAllBytes(Path.Combine(Corpus, "seed-kinds-short-names-index-r1.json"));

        Assert.Throws<FuzzFinding>(() => OracleValues.Check(input, whole: true, Judge("seed-kinds-short-names-index-r1.json").Values));
    }

    [Fact]
    public void Oracle_GalaxyLosingEveryCluster_WithheldWithThem()
    {
        // Galaxy 1 holds a tlp:red and a tlp:amber+strict cluster, galaxy 5 (on an attribute) a tlp:red one: a member with amber loses them all.
        // Galaxy 2 keeps its tlp:clear cluster; galaxies 3 and 4 list none.
        var verdict = Judge("seed-kinds-galaxies-event-r1.json");

        Assert.Contains("9a9a9a9a-0000-4000-8000-000000000001", verdict.Strings);
        Assert.Contains("9a9a9a9a-0000-4000-8000-000000000005", verdict.Strings);
        Assert.DoesNotContain(verdict.Strings, s => s is "9a9a9a9a-0000-4000-8000-000000000002" or "9a9a9a9a-0000-4000-8000-000000000003" or "9a9a9a9a-0000-4000-8000-000000000004");
    }

    [Fact]
    public void Oracle_ClusterOutsideAGalaxyWithItsOwnGalaxy_GalaxyNotEmptied()
    {
        // An index row's clusters each hold the galaxy they belong to, which lists no cluster: the red cluster goes, its galaxy is no secret.
        var verdict = Judge("seed-kinds-galaxies-index-r1.json");

        Assert.Contains("9c9c9c9c-0000-4000-8000-000000000061", verdict.Strings);
        Assert.DoesNotContain("9a9a9a9a-0000-4000-8000-000000000006", verdict.Strings);
    }

    [Fact]
    public void Oracle_ClustersOwnGalaxyHoldingARedCluster_NotEmptied()
    {
        // The galaxy a cluster belongs to is there for that cluster: one holding a withheld cluster of its own (no MISP shape) is not emptied by it.
        var verdict = Judge("galaxy-of-a-cluster-holding-clusters-r1.json");

        Assert.Contains("9c9c9c9c-0000-4000-8000-000000000099", verdict.Strings);
        Assert.DoesNotContain("9a9a9a9a-0000-4000-8000-000000000007", verdict.Strings);
    }

    [Theory]
    [InlineData("seed-kinds-cafe-text-sightings-r0.json", "6f5a4a4e-7708-472f-8dac-d7f839ba96de")]
    [InlineData("seed-kinds-cafe-text-proposals-r0.json", "e9aad5e7-6c6c-492e-b985-1fa6814d25ac")]
    [InlineData("seed-kinds-cafe-text-note-view-r0.json", "a0a0a0a0-0000-4000-8000-0000000000d5")]
    [InlineData("seed-kinds-cafe-text-analyst-index-r0.json", "a0a0a0a0-0000-4000-8000-0000000000d8")]
    [InlineData("seed-kinds-cafe-text-correlations-r1.json", "4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa")]
    [InlineData("seed-kinds-rows-cafe-text-r0.json", "831cb749-579a-4681-87d5-641faddecde0")]
    public void Oracle_ConfirmedMarkOutsideTheLookedUpReference_ConfirmsNothing(string name, string withheld)
    {
        // "cafe" in a comment, a value, a source, an info: the harness is asked about the event or item the record names, which holds none.
        Assert.Contains(withheld, Judge(name).Strings);
    }

    [Theory]
    [InlineData("seed-kinds-sightings-confirmed-r0.json", "6f5a4a4e-7708-472f-8dac-d7f839ba96de")]
    [InlineData("seed-kinds-cafe-text-analyst-index-r0.json", "cafe0000-0000-4000-8000-0000000000d9")]
    [InlineData("seed-kinds-correlations-confirmed-r1.json", "cafe1912-4bb1-4bfe-a9c2-f40cd69eadaa")]
    [InlineData("seed-kinds-rows-confirmed-r0.json", "831cb749-579a-4681-87d5-641faddecde0")]
    public void Oracle_ConfirmedMarkInTheLookedUpReference_MayLeave(string name, string confirmed)
    {
        Assert.DoesNotContain(confirmed, Judge(name).Strings);
    }

    [Fact]
    public void Oracle_RowOfAConfirmedEventWithItsOwnRedTag_Withheld()
    {
        // Judged through its event (TLP:CLEAR, confirmed), its own tlp:red still counts.
        Assert.Contains("a6fe777d-6009-4456-99e7-01d69f7dc32f", Judge("seed-kinds-rows-confirmed-r1.json").Strings);
    }

    [Fact]
    public void Oracle_ItemOnItsOwnConfirmed_ItsHiddenSourcesJudged()
    {
        // {"Sighting": {...}} is one sighting, not a PHP list of its fields: its Organisation (ORG_C, named C3 here) is hidden from a third party.
        var verdict = Judge("seed-kinds-short-names-of-sightings-confirmed-r0.json");

        Assert.Contains("13c7e515-44c2-40dc-bc3e-0e7bcaf6d390", verdict.Strings);
        Assert.Contains("C3", verdict.Values);
    }

    [Theory]
    [InlineData("a0a0a0a0-0000-4000-8000-0000000000e0")] // to a TLP:RED attribute
    [InlineData("a0a0a0a0-0000-4000-8000-0000000000e1")] // to an object that lost every attribute
    [InlineData("a0a0a0a0-0000-4000-8000-0000000000e2")] // to a report quoting a removed value
    [InlineData("a0a0a0a0-0000-4000-8000-0000000000e3")] // to another event
    [InlineData("a0a0a0a0-0000-4000-8000-0000000000ea")] // nested on an attribute released, to the TLP:RED one
    public void Oracle_RelationshipToAnItemNotReleased_Withheld(string relationship)
    {
        Assert.Contains(relationship, Judge("seed-kinds-relationships-to-removed-r1.json").Strings);
    }

    [Theory]
    [InlineData("relationship-embedding-another-event-r1.json", "b0b0b0b0-0000-4000-8000-000000000042")] // in an event, naming it, embedding another
    [InlineData("relationship-view-embedding-another-event-r1.json", "b0b0b0b0-0000-4000-8000-000000000051")] // on its own, both confirmed, embedding another
    [InlineData("relationship-view-to-an-unconfirmed-event-r0.json", "b0b0b0b0-0000-4000-8000-000000000052")] // on its own, what it points at not confirmed
    public void Oracle_RelationshipEmbeddingOrNamingWhatWasNotJudged_Withheld(string name, string relationship)
    {
        Assert.Contains(relationship, Judge(name).Strings);
    }

    [Fact]
    public void Oracle_RelationshipToAnAttributeReleased_MayLeave()
    {
        Assert.DoesNotContain("a0a0a0a0-0000-4000-8000-0000000000e4", Judge("seed-kinds-relationships-to-removed-r1.json").Strings);
    }

    [Fact]
    public void Oracle_AnalystDataAuthorsWhereTheSourceIsHidden_Checked()
    {
        // A member with amber, the event under CHR: a note's and an attribute's opinion's authors name people of the source.
        var verdict = Judge("seed-kinds-authors-chr-r1.json");

        Assert.Contains("person.one@org-secret.test", verdict.Strings);
        Assert.Contains("person.two@org-secret.test", verdict.Strings);
    }

    [Fact]
    public void Oracle_AnalystDataAuthorsWhereTheSourceIsShown_NotChecked()
    {
        // tlp:green without CHR shows a member the source; a third party is told none.
        Assert.DoesNotContain("analyst@org-secret.test", Judge("seed-kinds-event-green-r1.json").Strings);
        Assert.Contains("analyst@org-secret.test", Judge("seed-kinds-event-green-r0.json").Strings);
    }

    [Theory]
    [InlineData("seed-kinds-attribute-beside-stub-red-r1.json", "bce90176-e5d7-4cb4-b433-e6dc2785e6e8")]
    [InlineData("seed-kinds-proposal-beside-stub-red-r2.json", "e9aad5e7-6c6c-492e-b985-1fa6814d25ac")]
    [InlineData("seed-kinds-proposal-beside-stub-green-r0.json", "proposer@org-secret.test")]
    public void Oracle_ItemBesideATaggedEventStub_JudgedByTheStubsTags(string name, string forbidden)
    {
        Assert.Contains(forbidden, Judge(name).Strings);
    }

    [Fact]
    public void Oracle_ItemBesideAGreenStubForAMember_MayLeave()
    {
        Assert.DoesNotContain("e9aad5e7-6c6c-492e-b985-1fa6814d25ac", Judge("seed-kinds-proposal-beside-stub-green-r1.json").Strings);
    }

    [Fact]
    public void Oracle_OrganisationsClusterOnItsOwn_AmberByDefaultWithItsSourceHidden()
    {
        Assert.Contains("a3a3a3a3-0000-4000-8000-000000000c77", Judge("seed-kinds-cluster-view-r0.json").Strings);

        var member = Judge("seed-kinds-cluster-view-r1.json");
        Assert.DoesNotContain("a3a3a3a3-0000-4000-8000-000000000c77", member.Strings);
        Assert.Contains("5e5e5e5e-0000-4000-8000-00000000e5e5", member.Strings);
        Assert.Contains("analyst@org-secret.test", member.Strings);
    }

    [Fact]
    public void Oracle_DefaultClusterWithItsOwnRedTag_Withheld()
    {
        Assert.Contains("a3a3a3a3-0000-4000-8000-000000000c77", Judge("seed-kinds-cluster-default-red-r1.json").Strings);
    }
}
