namespace TlpGateway.Fuzz;

/// <summary>
/// How many passed arguments each served action reads, by the oracle's own reading of MISP 2.5.1's controllers (never the
/// gateway's catalog): a passed segment beyond them is read by no one, so none may be forwarded. The searches, which forward
/// no passed segment at all, are checked with their names (<c>RequestOracle.CheckSearchNames</c>).
/// </summary>
internal static class PassedArgumentsOracle
{
    // The PHP arguments of each action; where the HTML view alone reads some (EventsController::view's $continue and
    // $fromEvent, EventReportsController::view's $ajax), those a REST request reads.
    private static readonly Dictionary<string, int> Arguments = new(StringComparer.Ordinal)
    {
        // Reads.
        ["servers/getVersion"] = 0, ["servers/getPyMISPVersion"] = 0, ["servers/postTest"] = 0, ["attributes/describeTypes"] = 0,
        ["users/view"] = 1, ["events/index"] = 0, ["events/view"] = 1, ["attributes/view"] = 1, ["objects/view"] = 1,
        ["event_reports/view"] = 1, ["event_reports/index"] = 0, ["shadow_attributes/index"] = 1, ["shadow_attributes/view"] = 1,
        ["sightings/index"] = 1, ["sightings/listSightings"] = 3, ["sightings/view"] = 1, ["analyst_data/index"] = 1,
        ["analyst_data/view"] = 2, ["analyst_data/indexMinimal"] = 0, ["galaxy_clusters/view"] = 1,
        ["events/filterEventIdsForPush"] = 0, ["sightings/filterSightingUuidsForPush"] = 1, ["analyst_data/filterAnalystDataForPush"] = 0,

        // Writes whose body carries ids and flags alone.
        ["events/delete"] = 1, ["events/publish"] = 1, ["events/unpublish"] = 1, ["events/alert"] = 1, ["events/removeTag"] = 3,
        ["attributes/delete"] = 2, ["attributes/deleteSelected"] = 2, ["attributes/restore"] = 1, ["attributes/removeTag"] = 2,
        ["objects/delete"] = 2, ["object_references/add"] = 1, ["object_references/delete"] = 2, ["event_reports/delete"] = 2,
        ["tags/removeTagFromObject"] = 2, ["galaxies/attachCluster"] = 2, ["galaxies/attachMultipleClusters"] = 2,
        ["shadow_attributes/delete"] = 1, ["shadow_attributes/accept"] = 1, ["shadow_attributes/discard"] = 1,
        ["sightings/delete"] = 1, ["analyst_data/delete"] = 3,

        // Writes of content.
        ["events/add"] = 0, ["events/edit"] = 1, ["events/populate"] = 2, ["events/addTag"] = 2, ["events/freeTextImport"] = 3,
        ["events/saveFreeText"] = 1, ["events/pushProposals"] = 1, ["attributes/add"] = 1, ["attributes/edit"] = 1, ["attributes/addTag"] = 2,
        ["objects/add"] = 3, ["objects/edit"] = 3, ["event_reports/add"] = 1, ["event_reports/edit"] = 1, ["tags/attachTagToObject"] = 3,
        ["shadow_attributes/add"] = 1, ["shadow_attributes/edit"] = 1, ["sightings/add"] = 1, ["sightings/bulkSaveSightings"] = 1,
        ["analyst_data/add"] = 3, ["analyst_data/edit"] = 2, ["analyst_data/pushAnalystData"] = 0, ["galaxies/pushCluster"] = 0,
    };

    /// <summary>Throws <see cref="FuzzFinding"/> where more passed arguments were forwarded than <paramref name="route"/>'s action reads.</summary>
    public static void Check(string route, List<string> segments)
    {
        if (!Arguments.TryGetValue(route, out var arguments))
        {
            return;
        }

        var passed = segments.Skip(2).Count(s => !s.Contains(':', StringComparison.Ordinal));
        if (passed > arguments)
        {
            throw new FuzzFinding($"{route}: {passed} passed arguments forwarded, where the action takes {arguments}");
        }
    }
}
