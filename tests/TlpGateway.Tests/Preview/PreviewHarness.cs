using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TlpGateway.Members;

namespace TlpGateway.Tests.Preview;

/// <summary>One member as a test writes it into a members file, and who of it asks (a user with an e-mail, or its MISP server).</summary>
/// <param name="Id">The member's id.</param>
/// <param name="OrgUuid">Its organisation.</param>
/// <param name="Relation"><c>member</c> or <c>third-party</c>.</param>
/// <param name="MaxTlp">Its <c>maxTlp</c>.</param>
/// <param name="Email">The user's e-mail (<c>--email</c>), or null.</param>
/// <param name="Sync">As its MISP server (<c>--sync</c>).</param>
/// <param name="RedRecipient">Whether <paramref name="Email"/> is in its <c>redRecipients</c>.</param>
public sealed record PreviewMember(string Id, string OrgUuid, string Relation, string MaxTlp, string? Email = null, bool Sync = false, bool RedRecipient = false)
{
    /// <summary>Extra fields of its entry (rules, <c>forwardAs</c>), as JSON.</summary>
    public JsonObject Extra { get; init; } = [];

    public JsonObject Entry()
    {
        var entry = new JsonObject
        {
            ["id"] = Id,
            ["orgUuid"] = OrgUuid,
            ["networks"] = new JsonArray("192.0.2.0/24"),
            ["relation"] = Relation,
            ["maxTlp"] = MaxTlp,
        };
        if (RedRecipient && Email is not null)
        {
            entry["redRecipients"] = new JsonArray(Email);
        }

        foreach (var (name, value) in Extra)
        {
            entry[name] = value?.DeepClone();
        }

        return entry;
    }

    /// <summary>The command line that asks for this member: <c>--member ID [--email ADDR] [--sync]</c>.</summary>
    public string[] Arguments() => ["--member", Id, .. Email is null ? Array.Empty<string>() : ["--email", Email], .. Sync ? ["--sync"] : Array.Empty<string>()];
}

/// <summary>Members files and event files in a temporary folder, and the <c>members ... explain</c> command run on them in-process.</summary>
public sealed class PreviewHarness : IDisposable
{
    public const string Forwarder = "00000000-0000-4000-8000-000000000001";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-preview-");
    private int _files;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public string DirectoryPath => _directory.FullName;

    /// <summary>Writes a members file holding <paramref name="members"/>; returns its path.</summary>
    public string MembersFile(string chathamHouse, string defaultTlp, params PreviewMember[] members)
    {
        var file = new JsonObject
        {
            ["community"] = new JsonObject
            {
                ["name"] = "Test community",
                ["forwarder"] = new JsonObject { ["name"] = "Test hub", ["uuid"] = Forwarder },
                ["defaultTlp"] = defaultTlp,
                ["chathamHouse"] = chathamHouse,
            },
            ["members"] = new JsonArray([.. members.Select(m => (JsonNode)m.Entry())]),
        };
        return Write("members", file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public string MembersFile(params PreviewMember[] members) => MembersFile("always", "amber", members);

    /// <summary>Writes <paramref name="content"/> to a new file of the folder; returns its path.</summary>
    public string Write(string name, string content) => Write(name, System.Text.Encoding.UTF8.GetBytes(content));

    public string Write(string name, byte[] content)
    {
        var path = Path.Combine(_directory.FullName, $"{name}-{++_files}.json");
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Runs <c>members --file MEMBERS explain ARGS</c> as the program would.</summary>
    public (int Code, string Output, string Error) Explain(string membersFile, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = MembersCommand.Run(["--file", membersFile, "explain", .. args], output, error, Time);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The <c>--json</c> report's elements.</summary>
    public static List<JsonElement> Elements(string output)
    {
        using var document = JsonDocument.Parse(output);
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
