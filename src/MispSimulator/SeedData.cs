using System.Text.Json.Nodes;

namespace MispSimulator;

/// <summary>Seeds the simulator from the real MISP 2.5.1 captures shipped in <c>misp-samples/</c>.</summary>
internal static class SeedData
{
    public static string SamplesDirectory => Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1");

    public static byte[] Capture(string name) => File.ReadAllBytes(Path.Combine(SamplesDirectory, name));

    public static void Seed(SimulatorState state)
    {
        state.AddUser(new SimulatedUser(SimulatorKeys.Admin, MispJson.ParseObject(Capture("users_view_me__admin.json"))));
        state.AddUser(new SimulatedUser(SimulatorKeys.SyncB, MispJson.ParseObject(Capture("users_view_me__syncB.json"))));
        state.AddUser(new SimulatedUser(SimulatorKeys.OrgC, MispJson.ParseObject(Capture("users_view_me__orgC.json"))));
        state.AddUser(SimulatorKeys.OrgD, "user@org-d.test", SimulatorOrgs.OrgD, "ORG_D", "4");
        state.AddUser(SimulatorKeys.OrgDAnalyst, "analyst@org-d.test", SimulatorOrgs.OrgD, "ORG_D", "4");
        state.AddUser(SimulatorKeys.ThirdParty, "user@org-e.test", SimulatorOrgs.OrgE, "ORG_E", "5");

        // Full bodies of events 1-13 as the site admin sees them; richer captured views where there are some.
        var search = JsonNode.Parse(Capture("events_restSearch_json__admin.json"))!["response"]!.AsArray();
        foreach (var item in search)
        {
            state.PutEvent(item!["Event"]!.DeepClone().AsObject());
        }

        state.PutEvent(MispJson.ParseObject(Capture("events_view_rich__admin.json"))["Event"]!.DeepClone().AsObject());
        state.PutEvent(MispJson.ParseObject(Capture("events_view_objects_report__orgC.json"))["Event"]!.DeepClone().AsObject());
        state.PutEvent(MispJson.ParseObject(Capture("events_view_pushed_from_B__orgC.json"))["Event"]!.DeepClone().AsObject());
    }

    /// <summary>
    /// Adds <paramref name="count"/> copies of ORG_D's TLP:GREEN event 11 (ids 1001...) that share a
    /// value, so each lists all the others as related events, as MISP would (the benchmarks).
    /// </summary>
    public static void AddCorrelatedEvents(SimulatorState state, int count)
    {
        ArgumentNullException.ThrowIfNull(state);
        var template = state.FindEvent("11") ?? throw new InvalidOperationException("event 11 is not seeded");
        var ids = Enumerable.Range(1001, count).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        string Uuid(string id) => $"c0a7e1a7-0000-4000-8000-{int.Parse(id, System.Globalization.CultureInfo.InvariantCulture):D12}";
        foreach (var id in ids)
        {
            var evt = template.DeepClone().AsObject();
            evt["id"] = id;
            evt["uuid"] = Uuid(id);
            evt["info"] = $"Correlated event {id} (synthetic, TLP:GREEN)";
            var related = new JsonArray();
            foreach (var other in ids.Where(o => o != id))
            {
                var stub = template["RelatedEvent"]![0]!.DeepClone();
                stub["Event"]!["id"] = other;
                stub["Event"]!["uuid"] = Uuid(other);
                stub["Event"]!["info"] = $"Correlated event {other} (synthetic, TLP:GREEN)";
                related.Add(stub);
            }

            evt["RelatedEvent"] = related;
            state.PutEvent(evt);
        }
    }
}
