using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TlpGateway.Members;

/// <summary>
/// The command's reading verbs. They work on a file with errors too: every entry is listed, and
/// an entry with errors is marked with them, so one broken entry does not hide the others.
/// </summary>
internal sealed class MembersFileReader(byte[] bytes, TextWriter output, TextWriter error, TimeProvider timeProvider)
{
    private readonly MembersFileReport _report = MembersFileParser.Check(bytes);

    public int Validate()
    {
        WriteWarnings(_report.Warnings);
        if (_report.Registry is null)
        {
            MembersCommand.WriteProblems(error, "the members file is invalid:", _report.Errors);
            return MembersCommand.Invalid;
        }

        output.WriteLine($"valid: {_report.Registry.Members.Count} members");
        return MembersCommand.Ok;
    }

    public int List()
    {
        if (Text() is not { } text)
        {
            return MembersCommand.Invalid;
        }

        var index = 0;
        foreach (var node in text.Members())
        {
            var errors = _report.Errors.Where(e => e.Member == index).Select(e => e.Message).ToList();
            var line = node is JsonObject entry
                ? $"{Word(entry["id"])}\t{Word(entry["relation"])}\t{Word(entry["maxTlp"])}\t{(entry["networks"] as JsonArray)?.Count ?? 0} networks\t{State(entry)}"
                : $"members[{index}]\t(not an object)";
            output.WriteLine(errors.Count == 0 ? line : line + "\tINVALID: " + string.Join("; ", errors));
            index++;
        }

        return Finish(_report.Errors.Where(e => e.Member is null), _report.Warnings);
    }

    public int Show(string id)
    {
        if (Text() is not { } text)
        {
            return MembersCommand.Invalid;
        }

        var members = text.Members();
        var index = members.ToList().FindIndex(m => m is JsonObject o && Word(o["id"]) == id);
        if (index < 0)
        {
            error.WriteLine($"no member '{id}'");
            return MembersCommand.Invalid;
        }

        output.WriteLine(members[index]!.ToJsonString(MembersCommand.Indented));
        return Finish(_report.Errors.Where(e => e.Member == index), _report.Warnings.Where(w => w.Member == index));
    }

    public int ShowCommunity()
    {
        if (Text() is not { } text)
        {
            return MembersCommand.Invalid;
        }

        output.WriteLine(text.Community()?.ToJsonString(MembersCommand.Indented) ?? "(no community block)");
        return Finish(_report.Errors.Where(e => e.Member is null), []);
    }

    /// <summary>What <c>list</c> shows as a member's state; a suspension already over says so.</summary>
    internal string State(JsonObject entry)
    {
        if (entry["revoked"] is JsonValue revoked && revoked.TryGetValue<bool>(out var isRevoked) && isRevoked)
        {
            return "revoked";
        }

        if (entry["suspendedUntil"] is JsonValue until && until.TryGetValue<string>(out var text))
        {
            if (!MembersFileParser.TryParseTime(text, out var time))
            {
                return $"suspended until '{text}' (not a time with an offset)";
            }

            return time > timeProvider.GetUtcNow()
                ? "suspended until " + time.ToString("O", CultureInfo.InvariantCulture)
                : "active (suspension expired " + time.ToString("O", CultureInfo.InvariantCulture) + ")";
        }

        return "active";
    }

    private MembersFileText? Text()
    {
        try
        {
            return MembersFileText.Read(bytes);
        }
        catch (JsonException ex)
        {
            error.WriteLine("the members file cannot be read: " + ex.Message);
            MembersCommand.WriteProblems(error, "errors:", _report.Errors);
            return null;
        }
    }

    /// <summary>Prints the errors and warnings that belong to what was shown; the exit code says whether the file is valid.</summary>
    private int Finish(IEnumerable<MembersFileProblem> errors, IEnumerable<MembersFileProblem> warnings)
    {
        MembersCommand.WriteProblems(error, "errors:", errors);
        WriteWarnings(warnings);
        if (_report.Registry is null)
        {
            error.WriteLine($"the members file is invalid ({_report.Errors.Count} errors): the gateway does not load it");
            return MembersCommand.Invalid;
        }

        return MembersCommand.Ok;
    }

    private void WriteWarnings(IEnumerable<MembersFileProblem> warnings)
    {
        foreach (var warning in warnings)
        {
            error.WriteLine("warning: " + warning.Message);
        }
    }

    private static string Word(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString() ?? "-";
}
