namespace MispSimulator;

/// <summary>The API keys of the simulator's seeded users (synthetic, 40 characters like MISP's).</summary>
public static class SimulatorKeys
{
    /// <summary>ORG_A's site admin (the hub's host organisation).</summary>
    public const string Admin = "adminadminadminadminadminadminadminadmin";

    /// <summary>ORG_B's sync user: the key ORG_B's MISP server uses.</summary>
    public const string SyncB = "syncbsyncbsyncbsyncbsyncbsyncbsyncbsyncb";

    /// <summary>ORG_C's ordinary user.</summary>
    public const string OrgC = "orgcuserorgcuserorgcuserorgcuserorgcuser";

    /// <summary>ORG_D's ordinary user.</summary>
    public const string OrgD = "orgduserorgduserorgduserorgduserorgduser";

    /// <summary>ORG_D's analyst, a named TLP:RED recipient in the demo members file.</summary>
    public const string OrgDAnalyst = "orgdanalystorgdanalystorgdanalystorgdana";

    /// <summary>ORG_E's user: an organisation outside the community (a third party in the demo).</summary>
    public const string ThirdParty = "orgeuserorgeuserorgeuserorgeuserorgeuser";

    /// <summary>The keys by the short names the demo script asks for.</summary>
    public static IReadOnlyDictionary<string, string> ByName { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["admin"] = Admin,
        ["syncB"] = SyncB,
        ["orgC"] = OrgC,
        ["orgD"] = OrgD,
        ["orgDAnalyst"] = OrgDAnalyst,
        ["thirdParty"] = ThirdParty,
    };
}

/// <summary>The organisations of the captured MISP hub, plus ORG_E (outside the community).</summary>
public static class SimulatorOrgs
{
    public const string OrgA = "be0cad1c-0c3b-4735-b85f-668fe79082ef";
    public const string OrgB = "699a69b5-3603-4906-bb08-7be821f84189";
    public const string OrgC = "13c7e515-44c2-40dc-bc3e-0e7bcaf6d390";
    public const string OrgD = "d03551b8-8496-4bd2-b178-72fb134e2520";
    public const string OrgE = "5e2c6a1f-7d4b-4c8e-9a3f-0b1c2d3e4f50";
}
