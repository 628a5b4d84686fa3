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
}
