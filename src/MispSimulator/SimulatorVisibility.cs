using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>What MISP shows each user of a stored event: the view's and the write echoes' shaping (<c>Event::fetchEvent</c>).</summary>
internal sealed partial class MispEndpoints
{
    /// <summary>What MISP shows this user of an event: owners see everything; others lose the creator's e-mail and distribution-0 attributes; sync users see no sightings.</summary>
    private JsonObject ViewFor(SimulatedUser user, JsonObject stored)
    {
        var view = stored.DeepClone().AsObject();

        // MISP writes a related event's stub from that event as stored now (Event::getRelatedEvents): its timestamp moves with it.
        foreach (var stub in (view["RelatedEvent"] as JsonArray ?? []).Select(r => r?["Event"]).OfType<JsonObject>())
        {
            if ((string?)stub["uuid"] is { } uuid && state.TimestampOf(uuid) is { } timestamp)
            {
                stub["timestamp"] = timestamp;
            }
        }

        if (user.SiteAdmin || string.Equals((string?)view["Orgc"]?["uuid"], user.OrgUuid, StringComparison.OrdinalIgnoreCase))
        {
            return view;
        }

        view.Remove("event_creator_email");
        HideAttributes(view["Attribute"] as JsonArray, user);
        if (view["Object"] is JsonArray objects)
        {
            foreach (var obj in objects.OfType<JsonObject>())
            {
                HideAttributes(obj["Attribute"] as JsonArray, user);
            }
        }

        return view;
    }

    private static void HideAttributes(JsonArray? attributes, SimulatedUser user)
    {
        if (attributes is null)
        {
            return;
        }

        for (var i = attributes.Count - 1; i >= 0; i--)
        {
            if (attributes[i] is JsonObject attribute && (string?)attribute["distribution"] == "0")
            {
                attributes.RemoveAt(i);
            }
            else if (user.PermSync && attributes[i] is JsonObject synced)
            {
                synced.Remove("Sighting");
            }
        }
    }

    private static void RemoveLocalTags(JsonObject evt)
    {
        static void Strip(JsonNode? holder)
        {
            if (holder?["Tag"] is JsonArray tags)
            {
                for (var i = tags.Count - 1; i >= 0; i--)
                {
                    if (tags[i]?["local"] is JsonValue local && local.TryGetValue<bool>(out var isLocal) && isLocal)
                    {
                        tags.RemoveAt(i);
                    }
                }
            }
        }

        Strip(evt);
        foreach (var attribute in AllAttributes(evt))
        {
            Strip(attribute);
        }

        // The clusters local galaxy tags attach go with them (GalaxyCluster::attachClustersToEvent reads the tags fetched).
        foreach (var galaxy in (evt["Galaxy"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (galaxy["GalaxyCluster"] is JsonArray clusters)
            {
                for (var i = clusters.Count - 1; i >= 0; i--)
                {
                    if (clusters[i]?["local"] is JsonValue local && local.TryGetValue<bool>(out var isLocal) && isLocal)
                    {
                        clusters.RemoveAt(i);
                    }
                }
            }
        }
    }

    private static IEnumerable<JsonObject> AllAttributes(JsonObject evt)
    {
        foreach (var attribute in (evt["Attribute"] as JsonArray ?? []).OfType<JsonObject>())
        {
            yield return attribute;
        }

        foreach (var obj in (evt["Object"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var attribute in (obj["Attribute"] as JsonArray ?? []).OfType<JsonObject>())
            {
                yield return attribute;
            }
        }
    }

    /// <summary>
    /// The event an add or edit answers with: Event::fetchEvent without <c>excludeLocalTags</c>, which
    /// for a sync user (perm_sync, not site admin) defaults to excluding local tags.
    /// </summary>
    private static JsonObject EchoFor(SimulatedUser user, JsonObject view)
    {
        if (user.PermSync && !user.SiteAdmin)
        {
            RemoveLocalTags(view);
        }

        return view;
    }
}
