using TlpGateway.Endpoints;
using TlpGateway.Requests;

namespace TlpGateway.Tests.Endpoints;

/// <summary>The allowlist: what is served, in any spelling MISP dispatches; what a MISP server may use.</summary>
public sealed class EndpointCatalogTests
{
    [Theory]
    [InlineData("/servers/getVersion")]
    [InlineData("/servers/getPyMISPVersion.json")]
    [InlineData("/attributes/describeTypes.json")]
    [InlineData("/users/view/me")]
    [InlineData("/events/restSearch")]
    [InlineData("/EVENTS/RESTSEARCH")]
    [InlineData("/eventReports/view/1")]
    [InlineData("/event_reports/view/1")]
    [InlineData("/shadowAttributes/index")]
    [InlineData("/galaxy_clusters/view/1")]
    [InlineData("/analystData/indexMinimal")]
    public void Find_PyMispAndSyncRoutes_Served(string path)
    {
        Assert.NotNull(EndpointCatalog.Find(MispRoute.Parse(path, "GET")!));
    }

    [Theory]
    [InlineData("/events/checkuuid/x")]
    [InlineData("/admin/users/index")]
    [InlineData("/users/index")]
    [InlineData("/servers/pull/1")]
    [InlineData("/events/upload_stix")]
    [InlineData("/events/csv/download")]
    [InlineData("/attributes/text/download/all")]
    [InlineData("/events/rest_search")]
    [InlineData("/tags/index")]
    public void Find_RoutesTheGatewayCannotJudge_NotServed(string path)
    {
        Assert.Null(EndpointCatalog.Find(MispRoute.Parse(path, "GET")!));
    }

    [Theory]
    [InlineData("/servers/getVersion")]
    [InlineData("/servers/postTest")]
    [InlineData("/events/index")]
    [InlineData("/events/view/1")]
    [InlineData("/events/add/metadata:1")]
    [InlineData("/events/edit/1/metadata:1")]
    [InlineData("/events/filterEventIdsForPush")]
    [InlineData("/events/pushProposals/1")]
    [InlineData("/shadow_attributes/index/all:1")]
    [InlineData("/sightings/restSearch/event")]
    [InlineData("/sightings/filterSightingUuidsForPush/1")]
    [InlineData("/sightings/bulkSaveSightings/1")]
    [InlineData("/analyst_data/indexMinimal")]
    [InlineData("/analyst_data/filterAnalystDataForPush")]
    [InlineData("/analyst_data/pushAnalystData")]
    [InlineData("/galaxies/pushCluster")]
    [InlineData("/galaxy_clusters/restSearch")]
    public void Find_WhatAMispServerPullsAndPushesWith_SyncEndpoint(string path)
    {
        Assert.True(EndpointCatalog.Find(MispRoute.Parse(path, "POST")!)!.Sync);
    }

    [Theory]
    [InlineData("/servers/getPyMISPVersion")]
    [InlineData("/attributes/add/1")]
    [InlineData("/events/delete/1")]
    [InlineData("/tags/attachTagToObject")]
    public void Find_WhatOnlyPeopleUse_NotASyncEndpoint(string path)
    {
        Assert.False(EndpointCatalog.Find(MispRoute.Parse(path, "POST")!)!.Sync);
    }

    [Fact]
    public void All_EveryWriteMethodEndpoint_DescribesWhatItWrites()
    {
        foreach (var endpoint in EndpointCatalog.All.Where(e => e.Methods.Any(m => m is "POST" or "PUT" or "DELETE")))
        {
            Assert.True(endpoint.Write is not null, $"{endpoint} accepts writes without a write description");
        }
    }

    [Fact]
    public void All_EveryWriteWhoseBodyCarriesNoContent_SaysWhatOfItsBodyAndPathItsActionReads()
    {
        // A write whose body the content rules do not read forwards only the keys and arguments its action reads:
        // anything else would reach MISP unjudged, a target among it.
        foreach (var endpoint in EndpointCatalog.All.Where(e => e.Write is { Content: WriteContent.None, Effect: not WriteEffect.None }))
        {
            Assert.True(endpoint.Body is not null, $"{endpoint} forwards its body as read");
            Assert.True(endpoint.PassedRead is not null, $"{endpoint} forwards every passed argument");
            foreach (var source in endpoint.Write!.Targets.Where(t => t.Passed is not null))
            {
                // A typed target reads its type from the argument after its id.
                var last = source.Passed!.Value + (source.Kind == TargetKind.ByTypeParameter ? 1 : 0);
                Assert.True(last < endpoint.PassedRead, $"{endpoint} judges a passed argument it does not forward");
            }
        }
    }

    [Fact]
    public void All_EveryEndpoint_SaysHowManyPassedArgumentsItsActionReads()
    {
        // What follows an action's own arguments is read by no one in MISP 2.5.1, and a later MISP may read it: only a search,
        // whose ordered parameters are rewritten as the named ones of its paramArray, forwards no passed argument at all.
        foreach (var endpoint in EndpointCatalog.All)
        {
            Assert.True(endpoint.Search is null ? endpoint.PassedRead is not null : endpoint.PassedRead is null, $"{endpoint} does not say which passed arguments it forwards");
            Assert.True(endpoint.OnlyPassed is null || endpoint.PassedRead >= 1, $"{endpoint} judges a passed argument it does not forward");
            foreach (var source in endpoint.Write?.Targets.Where(t => t.Passed is not null) ?? [])
            {
                var last = source.Passed!.Value + (source.Kind == TargetKind.ByTypeParameter ? 1 : 0);
                Assert.True(last < endpoint.PassedRead, $"{endpoint} judges a passed argument it does not forward");
            }
        }
    }

    [Theory]
    [InlineData("/servers/getVersion", "Metadata")]
    [InlineData("/attributes/describeTypes", "Metadata")]
    [InlineData("/users/view/me", "Metadata")]
    [InlineData("/events/view/1", "Data")]
    [InlineData("/attributes/view/1", "Data")]
    public void Find_AnswerKind(string path, string kind)
    {
        Assert.Equal(Enum.Parse<AnswerKind>(kind), EndpointCatalog.Find(MispRoute.Parse(path, "GET")!)!.Answer);
    }

    [Fact]
    public void Docs_ListEveryServedEndpoint()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TlpGateway.sln")))
        {
            directory = directory.Parent;
        }

        var docs = File.ReadAllText(Path.Combine(directory!.FullName, "docs", "endpoints.md"));

        foreach (var endpoint in EndpointCatalog.All)
        {
            Assert.Contains($"`{endpoint}`", docs, StringComparison.Ordinal);
        }
    }
}
