using Microsoft.Extensions.Time.Testing;
using TlpGateway.Members;

namespace TlpGateway.Tests.Members;

/// <summary>A copy of <c>deploy/members.json</c> in a temporary folder, and the members command run on it at a fake time.</summary>
public abstract class MembersCommandTestBase : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-cli-");

    protected MembersCommandTestBase(DateTimeOffset now)
    {
        Time = new FakeTimeProvider(now);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "deploy", "members.json"), FilePath);
    }

    protected FakeTimeProvider Time { get; }

    protected string DirectoryPath => _directory.FullName;

    protected string FilePath => Path.Combine(_directory.FullName, "members.json");

    public void Dispose()
    {
        _directory.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    protected (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = MembersCommand.Run(["--file", FilePath, .. args], output, error, Time);
        return (code, output.ToString(), error.ToString());
    }

    internal MemberEntry Member(string id) => MembersFileParser.Parse(File.ReadAllBytes(FilePath)).Members.Single(m => m.Id == id);
}
