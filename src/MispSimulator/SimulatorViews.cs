using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>
/// MISP's item views (objects, event reports, proposals, galaxy clusters, analyst data), answered in
/// MISP 2.5.1's shapes (<c>ObjectsController::view</c>, <c>EventReportsController::view</c>,
/// <c>ShadowAttributesController::view</c>, <c>GalaxyClustersController::view</c>,
/// <c>AnalystDataController</c>). Like MISP for a site admin, the simulator shows everything: what
/// the requester may receive is the gateway's business.
/// </summary>
internal static class SimulatorViews
{
    /// <summary>A custom cluster made by ORG_C and a default one from MISP's galaxies.</summary>
    public static readonly string CustomClusterUuid = "c1c1c1c1-0000-4000-8000-00000000c001";

    public static readonly string DefaultClusterUuid = "c1c1c1c1-0000-4000-8000-00000000c002";

    /// <summary>Notes on ORG_C's TLP:CLEAR event 4, on its TLP:RED event 8, and on event 4's TLP:RED attribute.</summary>
    public static readonly string NoteOnClearEvent = "a0a0a0a0-0000-4000-8000-00000000a001";

    public static readonly string NoteOnRedEvent = "a0a0a0a0-0000-4000-8000-00000000a002";

    public static readonly string NoteOnRedAttribute = "a0a0a0a0-0000-4000-8000-00000000a003";

    /// <summary>The relationship from the TLP:RED event 8 to report 1, listed beside the report as MISP lists it.</summary>
    public static readonly string RelationshipFromRedEvent = "a0a0a0a0-0000-4000-8000-00000000b001";

    /// <summary>Answers the views this class knows; false for any other route.</summary>
    public static bool TryAnswer(SimulatorState state, MispRequest misp, out int status, out JsonNode? body)
    {
        status = 200;
        body = (misp.Controller, misp.Action) switch
        {
            ("objects", "view") => ObjectView(state, misp.Argument(0)),
            ("event_reports", "view") => ReportView(state, misp.Argument(0)),
            ("shadow_attributes", "view") => ProposalView(state, misp.Argument(0)),
            ("galaxy_clusters", "view") => ClusterView(state, misp.Argument(0)),
            ("analyst_data", "view") => AnalystData(state).FirstOrDefault(n => Matches(n["Note"], misp.Argument(misp.Argument(0) is "all" or "Note" ? 1 : 0)))?.DeepClone(),
            ("analyst_data", "index") => new JsonArray([.. AnalystData(state).Select(n => n.DeepClone())]),
            ("attributes", "describetypes") => DescribeTypes(),
            ("analyst_data", "indexminimal") => new JsonObject { ["Note"] = new JsonObject(AnalystData(state).Select(n => KeyValuePair.Create((string)n["Note"]!["uuid"]!, (JsonNode?)JsonValue.Create((string)n["Note"]!["modified"]!)))) },
            _ => NotServed,
        };
        if (ReferenceEquals(body, NotServed))
        {
            body = null;
            return false;
        }

        if (body is null)
        {
            (status, body) = Missing(misp);
        }

        return true;
    }

    private static readonly JsonNode NotServed = new JsonObject();

    /// <summary>MISP's <c>/attributes/describeTypes</c> shape, for the types the simulator's events use (PyMISP reads it at start-up).</summary>
    private static JsonObject DescribeTypes()
    {
        (string Type, string Category, bool ToIds)[] types =
        [
            ("ip-src", "Network activity", true), ("ip-dst", "Network activity", true), ("domain", "Network activity", true),
            ("hostname", "Network activity", true), ("url", "Network activity", true), ("email-src", "Payload delivery", true),
            ("email-dst", "Network activity", true), ("md5", "Payload delivery", true), ("sha1", "Payload delivery", true),
            ("sha256", "Payload delivery", true), ("filename", "Payload delivery", true), ("size-in-bytes", "Other", false),
            ("comment", "Other", false), ("text", "Other", false), ("link", "External analysis", false),

            // A real MISP lists every type it knows: email is among them, a name that marks MISP data elsewhere.
            ("email", "Social network", true),
        ];
        var defaults = new JsonObject();
        var mappings = new JsonObject();
        foreach (var (type, category, toIds) in types)
        {
            defaults[type] = new JsonObject { ["default_category"] = category, ["to_ids"] = toIds ? 1 : 0 };
            if (mappings[category] is not JsonArray list)
            {
                list = [];
                mappings[category] = list;
            }

            list.Add(type);
        }

        return new JsonObject
        {
            ["result"] = new JsonObject
            {
                ["sane_defaults"] = defaults,
                ["types"] = new JsonArray([.. types.Select(t => (JsonNode?)JsonValue.Create(t.Type))]),
                ["categories"] = new JsonArray([.. mappings.Select(m => (JsonNode?)JsonValue.Create(m.Key))]),
                ["category_type_mappings"] = mappings,
            },
        };
    }

    private static (int, JsonNode) Missing(MispRequest misp)
    {
        var (status, message) = misp.Controller switch
        {
            "objects" => (404, "Invalid object."),
            "event_reports" => (404, "Invalid report"),
            "shadow_attributes" => (404, "Invalid proposal."),
            "galaxy_clusters" => (404, "Invalid galaxy cluster"),
            _ => MissingAnalystData(misp),
        };
        return (status, new JsonObject { ["name"] = message, ["message"] = message, ["url"] = "/" + misp.Controller + "/" + misp.Action });
    }

    /// <summary>
    /// AnalystDataController::view: across all types by UUID, "Invalid UUID" (getAnalystDataTypeFromUUID);
    /// of one type, "Invalid Note." (CRUDComponent names the model); any other type is refused first.
    /// </summary>
    private static (int, string) MissingAnalystData(MispRequest misp) => misp.Argument(0) switch
    {
        "all" when Guid.TryParse(misp.Argument(1), out _) => (404, "Invalid UUID"),
        "Note" or "Opinion" or "Relationship" => (404, $"Invalid {misp.Argument(0)}."),
        _ => (405, "Invalid type."),
    };

    private static bool Matches(JsonNode? item, string? id) =>
        id is not null && ((string?)item?["id"] == id || string.Equals((string?)item?["uuid"], id, StringComparison.OrdinalIgnoreCase));

    private static JsonObject? ObjectView(SimulatorState state, string? id)
    {
        foreach (var evt in state.Events)
        {
            foreach (var obj in (evt["Object"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (Matches(obj, id))
                {
                    var view = obj.DeepClone().AsObject();
                    view["Event"] = new JsonObject { ["id"] = (string?)evt["id"], ["info"] = (string?)evt["info"], ["org_id"] = (string?)evt["org_id"], ["orgc_id"] = (string?)evt["orgc_id"], ["uuid"] = (string?)evt["uuid"] };
                    return new JsonObject { ["Object"] = view };
                }
            }
        }

        return null;
    }

    private static JsonObject? ReportView(SimulatorState state, string? id)
    {
        foreach (var evt in state.Events)
        {
            foreach (var report in (evt["EventReport"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (Matches(report, id))
                {
                    // MISP's DEFAULT_CONTAIN: the event's id, orgs and info beside the report, no UUID, no tags.
                    return new JsonObject
                    {
                        ["EventReport"] = report.DeepClone(),
                        ["Event"] = new JsonObject
                        {
                            ["id"] = (string?)evt["id"],
                            ["orgc_id"] = (string?)evt["orgc_id"],
                            ["org_id"] = (string?)evt["org_id"],
                            ["info"] = (string?)evt["info"],
                            ["user_id"] = "1",
                            ["date"] = (string?)evt["date"],
                            ["Orgc"] = new JsonObject { ["id"] = (string?)evt["Orgc"]?["id"], ["name"] = (string?)evt["Orgc"]?["name"] },
                            ["Org"] = new JsonObject { ["id"] = (string?)evt["Org"]?["id"], ["name"] = (string?)evt["Org"]?["name"] },
                        },
                        ["SharingGroup"] = new JsonObject { ["id"] = null, ["name"] = null, ["uuid"] = null },

                        // AnalystDataParentBehavior::afterFind writes beside the report the relationships pointing at it, always.
                        ["RelationshipInbound"] = (string?)report["id"] == "1" ? new JsonArray(InboundRelationship(state, (string?)report["uuid"], "EventReport")) : new JsonArray(),
                    };
                }
            }
        }

        return null;
    }

    private static JsonObject? ProposalView(SimulatorState state, string? id)
    {
        foreach (var evt in state.Events)
        {
            var proposals = (evt["ShadowAttribute"] as JsonArray ?? []).OfType<JsonObject>()
                .Concat((evt["Attribute"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(a => (a["ShadowAttribute"] as JsonArray ?? []).OfType<JsonObject>()));
            foreach (var proposal in proposals)
            {
                if ((string?)proposal["id"] == id)
                {
                    var view = new JsonObject();
                    foreach (var field in new[] { "id", "old_id", "event_id", "type", "category", "uuid", "to_ids", "value", "comment", "org_id", "first_seen", "last_seen" })
                    {
                        view[field] = proposal[field]?.DeepClone();
                    }

                    return new JsonObject { ["ShadowAttribute"] = view };
                }
            }
        }

        return null;
    }

    /// <summary>The view adds how many events MISP shows the user with the cluster's tag (every stored one here), and the tag's id.</summary>
    private static JsonNode? ClusterView(SimulatorState state, string? id)
    {
        if (Clusters(state).FirstOrDefault(c => Matches(c["GalaxyCluster"], id)) is not { } view)
        {
            return null;
        }

        view["GalaxyCluster"]!["tag_count"] = state.Events.Count;
        view["GalaxyCluster"]!["tag_id"] = "41";
        view["RelationshipInbound"] = new JsonArray();
        return view;
    }

    /// <summary>A relationship MISP 2.5.1 lists beside what it points at: from the TLP:RED event 8, whose UUID it names.</summary>
    private static JsonObject InboundRelationship(SimulatorState state, string? targetUuid, string targetType)
    {
        var red = state.FindEvent("8");
        return new JsonObject
        {
            ["id"] = "1",
            ["uuid"] = RelationshipFromRedEvent,
            ["object_uuid"] = (string?)red?["uuid"],
            ["object_type"] = "Event",
            ["authors"] = "analyst@org-c.test",
            ["org_uuid"] = (string?)red?["Orgc"]?["uuid"],
            ["orgc_uuid"] = (string?)red?["Orgc"]?["uuid"],
            ["created"] = "2026-11-22 10:00:00",
            ["modified"] = "2026-11-22 10:00:00",
            ["distribution"] = "5",
            ["sharing_group_id"] = null,
            ["locked"] = false,
            ["relationship_type"] = "related-to",
            ["related_object_uuid"] = targetUuid,
            ["related_object_type"] = targetType,
            ["note_type"] = 2,
            ["note_type_name"] = "Relationship",
            ["Orgc"] = red?["Orgc"]?.DeepClone(),
            ["Org"] = red?["Orgc"]?.DeepClone(),
        };
    }

    /// <summary>
    /// GalaxyCluster::restSearch as JSON: <c>{"response": [...]}</c>; with <c>minimal</c>, MISP fetches
    /// only the fields <c>uuid</c> and <c>version</c>, with nothing contained.
    /// </summary>
    public static JsonObject ClusterSearch(SimulatorState state, bool minimal, bool custom)
    {
        var clusters = Clusters(state).Where(c => !custom || !(bool)c["GalaxyCluster"]!["default"]!);
        return new JsonObject
        {
            ["response"] = new JsonArray([.. clusters.Select(c => minimal
                ? new JsonObject { ["GalaxyCluster"] = new JsonObject { ["uuid"] = c["GalaxyCluster"]!["uuid"]!.DeepClone(), ["version"] = c["GalaxyCluster"]!["version"]!.DeepClone() } }
                : c)]),
        };
    }

    private static IEnumerable<JsonObject> Clusters(SimulatorState state)
    {
        var orgC = state.FindEvent("4")?["Orgc"]?.DeepClone();
        foreach (var (uuid, value, isDefault) in new[] { (CustomClusterUuid, "ORG_C's actor", false), (DefaultClusterUuid, "APT-Example", true) })
        {
            yield return new JsonObject
            {
                ["GalaxyCluster"] = new JsonObject
                {
                    ["id"] = isDefault ? "2" : "1",
                    ["uuid"] = uuid,
                    ["collection_uuid"] = "c0c0c0c0-0000-4000-8000-000000000001",
                    ["type"] = "threat-actor",
                    ["value"] = value,
                    ["tag_name"] = $"misp-galaxy:threat-actor=\"{value}\"",
                    ["description"] = "A cluster for tests.",
                    ["galaxy_id"] = "1",
                    ["source"] = isDefault ? "MISP Project" : "ORG_C",
                    ["authors"] = new JsonArray(isDefault ? "MISP Project" : "analyst@org-c.test"),
                    ["version"] = "1",
                    ["distribution"] = "3",
                    ["sharing_group_id"] = null,
                    ["org_id"] = isDefault ? "0" : "3",
                    ["orgc_id"] = isDefault ? "0" : "3",
                    ["default"] = isDefault,
                    ["locked"] = false,
                    ["extends_uuid"] = "",
                    ["extends_version"] = "0",
                    ["published"] = true,
                    ["deleted"] = false,
                    ["GalaxyElement"] = new JsonArray(new JsonObject { ["id"] = "1", ["galaxy_cluster_id"] = "1", ["key"] = "synonyms", ["value"] = value + " group" }),
                    ["Galaxy"] = new JsonObject { ["id"] = "1", ["uuid"] = "c0c0c0c0-0000-4000-8000-000000000001", ["name"] = "Threat Actor", ["type"] = "threat-actor" },
                    ["Org"] = isDefault ? new JsonObject { ["id"] = "0", ["name"] = "MISP", ["uuid"] = "0" } : orgC?.DeepClone(),
                    ["Orgc"] = isDefault ? new JsonObject { ["id"] = "0", ["name"] = "MISP", ["uuid"] = "0" } : orgC?.DeepClone(),
                },
            };
        }
    }

    private static IEnumerable<JsonObject> AnalystData(SimulatorState state)
    {
        var orgC = state.FindEvent("4")?["Orgc"];
        var clearEvent = (string?)state.FindEvent("4")?["uuid"];
        var redEvent = (string?)state.FindEvent("8")?["uuid"];
        var redAttribute = (state.FindEvent("4")?["Attribute"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .FirstOrDefault(a => (a["Tag"] as JsonArray ?? []).Any(t => string.Equals((string?)t?["name"], "tlp:red", StringComparison.OrdinalIgnoreCase)))?["uuid"];
        foreach (var (uuid, type, target) in new[] { (NoteOnClearEvent, "Event", clearEvent), (NoteOnRedEvent, "Event", redEvent), (NoteOnRedAttribute, "Attribute", (string?)redAttribute) })
        {
            yield return new JsonObject
            {
                ["Note"] = new JsonObject
                {
                    ["id"] = uuid[^1..],
                    ["uuid"] = uuid,
                    ["object_uuid"] = target,
                    ["object_type"] = type,
                    ["authors"] = "analyst@org-c.test",
                    ["org_uuid"] = (string?)orgC?["uuid"],
                    ["orgc_uuid"] = (string?)orgC?["uuid"],
                    ["created"] = "2026-11-22 10:00:00",
                    ["modified"] = "2026-11-22 10:00:00",
                    ["distribution"] = "5",
                    ["sharing_group_id"] = null,
                    ["locked"] = false,
                    ["note"] = "Seen in ORG_C's network.",
                    ["language"] = "en",
                    ["note_type"] = 0,
                    ["note_type_name"] = "Note",
                    ["Org"] = orgC?.DeepClone(),
                    ["Orgc"] = orgC?.DeepClone(),
                },
            };
        }
    }
}
