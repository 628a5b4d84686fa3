using System.Text.Json.Nodes;
using TlpGateway.Admission;

namespace TlpGateway.Provenance;

/// <summary>
/// The source of what a member writes into the hub (SPEC section 6, forwarding): MISP takes the
/// creator from <c>Orgc</c> (by uuid, else by name, or a string), a lower-case <c>orgc</c>, or
/// <c>orgc_id</c>, and honours it for identities with <c>perm_sync</c> (MISP servers and site admins).
/// Every form ends as the requester's organisation. Pure code.
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
