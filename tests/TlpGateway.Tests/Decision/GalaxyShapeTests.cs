using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Members;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Decision;

/// <summary>
/// Galaxy clusters as a MISP 2.5.1 with its galaxies loaded writes them: in an event (and on its
/// attributes) with the relations MISP's own galaxies carry (tagged <c>estimative-language</c>), in
/// <c>/events/index</c> rows (<c>attachClustersToEventIndex</c>), and on their own. Each is read as
/// the shape it is, its relations judged by their own tags; a hidden source hides the cluster's
/// authors with its organisations.
/// </summary>
public sealed class GalaxyShapeTests
{
    private const string ClusterUuid = "c1c1c1c1-0000-4000-8000-000000000001";
    private const string RedRelation = "0e0e0e0e-0000-4000-8000-0000000000ee";
    private static readonly string Forwarder = FilterHarness.Community.Forwarder.Uuid;

    private static string Relation(string referenced, string tag) =>
        $$"""{"id":"5","galaxy_cluster_id":"9","referenced_galaxy_cluster_id":"10","referenced_galaxy_cluster_uuid":"{{referenced}}","referenced_galaxy_cluster_type":"similar","galaxy_cluster_uuid":"{{ClusterUuid}}","distribution":"3","sharing_group_id":null,"default":true,"Tag":[{"id":"31","name":"{{tag}}","colour":"#000000","exportable":true,"org_id":"0","user_id":"0","hide_tag":false,"numerical_value":null,"is_galaxy":false,"is_custom_galaxy":false,"local_only":false}]}""";

    private static string Cluster(bool isDefault = true, string relations = "", string targeting = "") =>
        $$$"""{"id":"9","uuid":"{{{ClusterUuid}}}","collection_uuid":"c0c0c0c0-0000-4000-8000-000000000000","type":"threat-actor","value":"APT Example","tag_name":"misp-galaxy:threat-actor=\"APT Example\"","description":"d","galaxy_id":"1","source":"MISP Project","authors":["Analyst of ORG_C"],"version":"1","distribution":"3","sharing_group_id":null,"org_id":"3","orgc_id":"3","default":{{{(isDefault ? "true" : "false")}}},"locked":false,"extends_uuid":"","extends_version":"0","published":true,"deleted":false,"GalaxyClusterRelation":[{{{relations}}}],"Org":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}","local":true},"Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}","local":true},"TargetingClusterRelation":[{{{targeting}}}],"meta":{"synonyms":["Example Panda"]},"tag_id":"8","event_tag_id":"3","local":false,"relationship_type":false}""";

    private static string EventWith(string cluster, string tags = """[{"name":"tlp:clear"}]""") => ShapeStrictnessTests.Event(
        $$""","Galaxy":[{"id":"1","uuid":"698774c7-8022-42c4-917f-8d6e4f06ada3","name":"Threat Actor","type":"threat-actor","description":"d","version":"3","icon":"user-secret","namespace":"misp","enabled":true,"local_only":false,"kill_chain_order":null,"GalaxyCluster":[{{cluster}}]}]""", tags);

    [Fact]
    public void EventGalaxy_EveryClusterRemoved_RemovedWithThem()
    {
        // A galaxy is in an answer for the clusters attached to the event: left with none, it would tell that one of it was.
        const string Emptied = "698774c7-8022-42c4-917f-8d6e4f06ada3", Kept = "c6c6c6c6-0000-4000-8000-000000000006";
        // The client asked MISP to leave local tags out: the cluster attached by a local tag goes, and so does its galaxy.
        var local = Cluster().Replace("\"local\":false", "\"local\":true", StringComparison.Ordinal);
        var other = Cluster().Replace(ClusterUuid, "c7c7c7c7-0000-4000-8000-000000000007", StringComparison.Ordinal);
        var json = ShapeStrictnessTests.Event($$""","Galaxy":[{{Galaxy(Emptied, local)}},{{Galaxy(Kept, other)}}]""");
        var context = FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpLevel.Amber), excludeLocalTags: true);

        var (bytes, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), context);

        var output = Encoding.UTF8.GetString(bytes);
        var galaxies = JsonNode.Parse(output)!["Event"]!["Galaxy"]!.AsArray();
        Assert.Equal([Kept], galaxies.Select(g => (string?)g!["uuid"]));
        Assert.DoesNotContain(Emptied, output, StringComparison.Ordinal);
        Assert.Contains(Assert.Single(outcomes).Removals, r => r is { Kind: "galaxy", Reason: "galaxy-emptied" });
    }

    private static string Galaxy(string uuid, string cluster) =>
        $$"""{"id":"1","uuid":"{{uuid}}","name":"Threat Actor","type":"threat-actor","description":"d","version":"3","icon":"user-secret","namespace":"misp","enabled":true,"local_only":false,"kill_chain_order":null,"GalaxyCluster":[{{cluster}}]}""";

    [Fact]
    public void EventGalaxyCluster_WithMispsTaggedRelations_Released()
    {
        var cluster = Cluster(relations: Relation("c2c2c2c2-0000-4000-8000-000000000002", "estimative-language:likelihood-probability=\\\"likely\\\""), targeting: Relation("c3c3c3c3-0000-4000-8000-000000000003", "estimative-language:likelihood-probability=\\\"very-likely\\\""));

        var (output, outcomes) = ShapeStrictnessTests.Run(EventWith(cluster), FilterHarness.Requester(maxTlp: TlpLevel.Green));

        Assert.True(Assert.Single(outcomes).Released);
        var relations = JsonNode.Parse(output)!["Event"]!["Galaxy"]![0]!["GalaxyCluster"]![0]!;
        Assert.Single(relations["GalaxyClusterRelation"]!.AsArray());
        Assert.Single(relations["TargetingClusterRelation"]!.AsArray());
    }

    /// <summary>A relation of cluster <paramref name="from"/> to this one, as this cluster's <c>TargetingClusterRelation</c> lists it.</summary>
    private static string Targeting(string from, bool isDefault) =>
        Relation(ClusterUuid, "estimative-language:likelihood-probability=\\\"likely\\\"")
            .Replace($"\"galaxy_cluster_uuid\":\"{ClusterUuid}\"", $"\"galaxy_cluster_uuid\":\"{from}\"", StringComparison.Ordinal)
            .Replace("\"default\":true", isDefault ? "\"default\":true" : "\"default\":false", StringComparison.Ordinal);

    [Fact]
    public void TargetingRelation_FromAClusterAnOrganisationMade_Removed()
    {
        // A custom cluster (ORG_D's, say, tlp:red) that relates itself to this one: the answer holds neither its marking nor its source.
        const string Custom = "c4c4c4c4-0000-4000-8000-000000000004", Standard = "c5c5c5c5-0000-4000-8000-000000000005";
        var cluster = Cluster(targeting: Targeting(Custom, isDefault: false) + "," + Targeting(Standard, isDefault: true));

        var (output, outcomes) = ShapeStrictnessTests.Run(EventWith(cluster), FilterHarness.Requester(maxTlp: TlpLevel.Amber));

        Assert.DoesNotContain(Custom, output, StringComparison.Ordinal);
        Assert.Contains(Standard, output, StringComparison.Ordinal);
        Assert.Contains(Assert.Single(outcomes).Removals, r => r is { Kind: "galaxy-cluster-targeting-relation", Reason: "from-unjudged-cluster" });
    }

    [Fact]
    public void ClusterRelation_TaggedRed_RemovedFromWhoMayNotReceiveIt()
    {
        var cluster = Cluster(relations: Relation(RedRelation, "tlp:red") + "," + Relation("c2c2c2c2-0000-4000-8000-000000000002", "tlp:clear"));

        var (output, outcomes) = ShapeStrictnessTests.Run(EventWith(cluster), FilterHarness.Requester(maxTlp: TlpLevel.Amber));

        Assert.DoesNotContain(RedRelation, output, StringComparison.Ordinal);
        Assert.Contains("c2c2c2c2-0000-4000-8000-000000000002", output, StringComparison.Ordinal);
        Assert.Contains(Assert.Single(outcomes).Removals, r => r is { Kind: "galaxy-cluster-relation", Reason: "tlp-red" });
    }

    [Fact]
    public void ClusterRelation_TaggedRed_KeptForTheEventsSource()
    {
        var cluster = Cluster(relations: Relation(RedRelation, "tlp:red"));

        var (output, _) = ShapeStrictnessTests.Run(EventWith(cluster), FilterHarness.Requester(FilterHarness.OrgC, orgId: "3"));

        Assert.Contains(RedRelation, output, StringComparison.Ordinal);
    }

    [Fact]
    public void EventGalaxyCluster_SourceHidden_AuthorsRemovedWithItsOrganisations()
    {
        var (output, _) = ShapeStrictnessTests.Run(EventWith(Cluster(isDefault: false)), FilterHarness.Requester(relation: MemberRelation.ThirdParty));

        var cluster = JsonNode.Parse(output)!["Event"]!["Galaxy"]![0]!["GalaxyCluster"]![0]!.AsObject();
        Assert.False(cluster.ContainsKey("authors"));
        Assert.Equal(Forwarder, (string?)cluster["Orgc"]!["uuid"]);
        Assert.DoesNotContain("ORG_C", output, StringComparison.Ordinal);
    }

    /// <summary>A cluster ORG_D made, as it stands in an event of ORG_C's.</summary>
    private static string OrgDsCluster(bool isDefault = false) =>
        Cluster(isDefault).Replace(FilterHarness.OrgC, FilterHarness.OrgD, StringComparison.Ordinal).Replace("ORG_C", "ORG_D", StringComparison.Ordinal).Replace("\"orgc_id\":\"3\"", "\"orgc_id\":\"4\"", StringComparison.Ordinal);

    [Fact]
    public void EventGalaxyCluster_AnotherOrganisationsCustomClusterInAnEventThatShowsItsSource_HiddenAsOnItsOwn()
    {
        // ORG_C's TLP:GREEN event shows ORG_C to a member; the cluster ORG_D made, untagged, is under CHR as on its own.
        var (output, _) = ShapeStrictnessTests.Run(EventWith(OrgDsCluster(), """[{"name":"tlp:green"}]"""), FilterHarness.Requester(FilterHarness.OrgB, orgId: "2"));

        var evt = JsonNode.Parse(output)!["Event"]!;
        Assert.Equal(FilterHarness.OrgC, (string?)evt["Orgc"]!["uuid"]);
        var cluster = evt["Galaxy"]![0]!["GalaxyCluster"]![0]!.AsObject();
        Assert.Equal(Forwarder, (string?)cluster["Orgc"]!["uuid"]);
        Assert.Equal(Forwarder, (string?)cluster["Org"]!["uuid"]);
        Assert.Equal("0", (string?)cluster["orgc_id"]);
        Assert.False(cluster.ContainsKey("authors"));
        Assert.DoesNotContain(FilterHarness.OrgD, output, StringComparison.Ordinal);
        Assert.DoesNotContain("ORG_D", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EventGalaxyCluster_TheRequestersOwnCustomClusterInAnotherOrganisationsEvent_KeepsItsSource()
    {
        var (output, _) = ShapeStrictnessTests.Run(EventWith(OrgDsCluster(), """[{"name":"tlp:green"}]"""), FilterHarness.Requester(FilterHarness.OrgD));

        var cluster = JsonNode.Parse(output)!["Event"]!["Galaxy"]![0]!["GalaxyCluster"]![0]!;
        Assert.Equal(FilterHarness.OrgD, (string?)cluster["Orgc"]!["uuid"]);
    }

    [Fact]
    public void EventGalaxyCluster_DefaultClusterInAnEventThatShowsItsSource_KeepsItsSource()
    {
        var (output, _) = ShapeStrictnessTests.Run(EventWith(OrgDsCluster(isDefault: true), """[{"name":"tlp:green"}]"""), FilterHarness.Requester(FilterHarness.OrgB, orgId: "2"));

        var cluster = JsonNode.Parse(output)!["Event"]!["Galaxy"]![0]!["GalaxyCluster"]![0]!;
        Assert.Equal(FilterHarness.OrgD, (string?)cluster["Orgc"]!["uuid"]);
    }

    [Fact]
    public void GalaxyClusterView_WithRelations_JudgedAndReleased()
    {
        var json = "{\"GalaxyCluster\":" + Cluster(relations: Relation(RedRelation, "tlp:red")) + "}";

        var (output, outcomes) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(maxTlp: TlpLevel.Amber));

        Assert.True(Assert.Single(outcomes).Released);
        Assert.Contains(ClusterUuid, output, StringComparison.Ordinal);
        Assert.DoesNotContain(RedRelation, output, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterRelation_ToAMispServer_DistributionCappedLikeItsCluster()
    {
        // A custom cluster is judged as untagged: TLP:AMBER, so at most "this community only" (1) on the receiving MISP.
        var json = "{\"GalaxyCluster\":" + Cluster(isDefault: false, relations: Relation("c2c2c2c2-0000-4000-8000-000000000002", "estimative-language:likelihood-probability=\\\"likely\\\"")) + "}";

        var (output, _) = ShapeStrictnessTests.Run(json, FilterHarness.Requester(FilterHarness.OrgB, sync: true, orgId: "2"));

        var cluster = JsonNode.Parse(output)!["GalaxyCluster"]!;
        Assert.Equal("1", (string?)cluster["distribution"]);
        Assert.Equal("1", (string?)cluster["GalaxyClusterRelation"]![0]!["distribution"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IndexRow_WithItsEventsGalaxyClusters_JudgedAsARow(bool minimal)
    {
        // A full index row as MISP 2.5.1 writes it for an event with a cluster: its clusters after EventTag.
        var rows = JsonNode.Parse(FilterHarness.Capture("events_index__orgC.json"))!.AsArray();
        var row = rows.Select(r => r!.AsObject()).First(r => (string?)r["Orgc"]!["uuid"] == FilterHarness.OrgC && r["EventTag"]!.AsArray().Count > 0);
        var index = JsonNode.Parse("[" + row.ToJsonString() + "]")!.AsArray();
        var cluster = JsonNode.Parse(Cluster(isDefault: false))!.AsObject();
        cluster["Galaxy"] = JsonNode.Parse("""{"id":"21","uuid":"21212121-0000-4000-8000-000000000021","name":"ORG_C actors","type":"orgc-actors","namespace":"custom","distribution":"3","orgc_id":"3","org_id":"3"}""");
        index[0]!["GalaxyCluster"] = new JsonArray(cluster);
        var context = FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpLevel.AmberStrict, relation: MemberRelation.ThirdParty), minimal: minimal);

        var (output, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(index.ToJsonString()), context);

        Assert.True(Assert.Single(outcomes).Released);
        var text = Encoding.UTF8.GetString(output);
        Assert.DoesNotContain(FilterHarness.OrgC, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Analyst of ORG_C", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"orgc_id\":\"3\"", text, StringComparison.Ordinal);
        Assert.Equal(minimal, !text.Contains(ClusterUuid, StringComparison.Ordinal));
    }
}
