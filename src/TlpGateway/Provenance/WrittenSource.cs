using System.Text.Json.Nodes;
using TlpGateway.Admission;

namespace TlpGateway.Provenance;

/// <summary>
/// The source of what a member writes into the hub (SPEC section 6, forwarding): MISP takes the
/// creator from <c>Orgc</c> (by uuid, else by name, or a string), a lower-case <c>orgc</c>, or
/// <c>orgc_id</c>, and honours it for identities with <c>perm_sync</c> (MISP servers and site admins).
/// Every form ends as the requester's organisation. Decision (SPEC rewrites events only): the same
/// holds for what else a MISP server writes in another organisation's name, analyst data, galaxy
/// clusters, sightings and proposals, so no member can write as another. Pure code.
/// </summary>
internal static class WrittenSource
{
    private static readonly string[] SourceKeys = ["Orgc", "orgc", "orgc_id", "orgc_uuid", "orgc_name"];

    /// <summary>
    /// Whether MISP would take a source other than the requester's organisation from the item: an
    /// <c>Orgc</c> (else <c>orgc</c>) that is not an object with the requester's uuid. (Without either,
    /// MISP takes the writer's organisation; <c>orgc_id</c> and <c>orgc_uuid</c> are then not read.)
    /// </summary>
    public static bool ClaimsAnotherSource(JsonObject item, Requester requester)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(requester);
        var claimed = item["Orgc"] ?? item["orgc"];
        return claimed is not null && !(claimed is JsonObject org && org["uuid"] is JsonValue uuid && requester.IsOwner(uuid.ToString()));
    }

    /// <summary>
    /// Analyst data (<c>AnalystData::captureAnalystData</c>: <c>Orgc</c>, <c>orgc_uuid</c>) and a galaxy
    /// cluster (<c>GalaxyCluster::captureCluster</c>: <c>Orgc</c>, <c>orgc_id</c>): without them MISP takes
    /// the writer's organisation, so they go; true when the item named a source.
    /// </summary>
    public static bool MakeWriterTheCreator(JsonObject item, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(item);
        var named = false;
        foreach (var key in keys)
        {
            named |= item.Remove(key);
        }

        return named;
    }

    /// <summary>
    /// A sighting pushed in bulk (<c>Sighting::bulkSaveSightings</c>): with a non-zero <c>org_id</c> and an
    /// <c>Organisation</c>, MISP saves it in that organisation's name; without <c>org_id</c>, in the writer's.
    /// Both go, unless the sighting is anonymous (<c>org_id</c> 0), which it stays; true when it changed.
    /// </summary>
    public static bool MakeWriterTheSighter(JsonObject sighting)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        if (Requests.PhpValue.Text(sighting["org_id"]) == "0")
        {
            return false;
        }

        return sighting.Remove("org_id") | sighting.Remove("Organisation");
    }

    /// <summary>
    /// A proposal pushed by a MISP server (<c>ShadowAttribute::capture</c>): MISP saves it in the name of
    /// its <c>Org</c>, and drops it without one, so <c>Org</c> becomes the requester's; true when it named another.
    /// </summary>
    public static bool MakeRequesterTheProposer(JsonObject proposal, Requester requester)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(requester);
        var named = proposal["Org"];
        var changed = !(named is JsonObject org && org["uuid"] is JsonValue uuid && requester.IsOwner(uuid.ToString()));
        proposal.Remove("org_id");
        proposal["Org"] = new JsonObject { ["name"] = requester.Member.Name, ["uuid"] = requester.OrgUuid };
        return changed;
    }

    /// <summary>Makes the requester's organisation the item's only source; true when the item changed.</summary>
    public static bool MakeRequesterTheSource(JsonObject item, Requester requester)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(requester);
        var changed = ClaimsAnotherSource(item, requester);
        foreach (var key in SourceKeys)
        {
            item.Remove(key);
        }

        item["Orgc"] = new JsonObject { ["name"] = requester.Member.Name, ["uuid"] = requester.OrgUuid };
        return changed;
    }
}
