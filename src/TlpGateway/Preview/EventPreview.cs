using TlpGateway.Admission;
using TlpGateway.Members;

namespace TlpGateway.Preview;

/// <summary>What <c>members --file F explain EVENTS.json</c> was asked (SPEC section 11).</summary>
internal sealed record PreviewRequest
{
    /// <summary>The members file.</summary>
    public required string MembersFile { get; init; }

    /// <summary>The events: an <c>/events/view</c> or restSearch answer; <c>-</c> is standard input.</summary>
    public required string Events { get; init; }

    /// <summary>Another members file to compare with (<c>--diff</c>).</summary>
    public string? OtherMembersFile { get; init; }

    /// <summary>Only this member (<c>--member</c>).</summary>
    public string? Member { get; init; }

    /// <summary>As the member's user with this e-mail (<c>--email</c>, for <c>redRecipients</c>).</summary>
    public string? Email { get; init; }

    /// <summary>As the member's MISP server (<c>--sync</c>).</summary>
    public bool Sync { get; init; }

    /// <summary>One JSON array instead of words (<c>--json</c>).</summary>
    public bool Json { get; init; }
}

/// <summary>
/// The maintainers' preview (SPEC section 11): what each member would receive of the events in a
/// file, and why, decided by the code that filters live answers, with no MISP.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Load the members file (and the one to compare with), validated as the gateway validates it.</item>
/// <item>Choose who is judged: every member, or the one named, as a user (with the e-mail given) or as its MISP server.</item>
/// <item>Give each member a section with a lane per file (<see cref="PreviewLane"/>: the live filter), and
/// feed every lane the input chunk by chunk, so the input is read once and never held whole.</item>
/// <item>Only once every lane has judged the whole input, print the report member by member: an input
/// found bad anywhere puts nothing on standard output.</item>
/// </list>
/// </remarks>
internal static class EventPreview
{
    public static int Run(PreviewRequest request, TextWriter output, TextWriter error, TimeProvider timeProvider, Func<Stream> standardInput)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(timeProvider);

        // :: Step 1 — the members files.
        var (registry, code) = Load(request.MembersFile, error);
        if (registry is null)
        {
            return code;
        }

        MembersRegistry? other = null;
        if (request.OtherMembersFile is { } otherFile)
        {
            (other, code) = Load(otherFile, error);
            if (other is null)
            {
                return code;
            }
        }

        // :: Step 2 — who is judged.
        var ids = Chosen(request, registry, other, error);
        if (ids is null)
        {
            return MembersCommand.Invalid;
        }

        // Colour only where a person reads standard output; NO_COLOR (no-color.org) turns it off there too.
        var paint = new Paint(ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));
        var sections = new List<PreviewSection>();
        PreviewInput? input = null;
        try
        {
            // :: Step 3 — a section per member, its lanes fed the input.
            foreach (var id in ids)
            {
                sections.Add(Section(request, registry, other, id, paint));
            }

            try
            {
                input = PreviewInput.Open(request.Events, standardInput);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"cannot read {request.Events}: {MembersFileStore.ReadProblem(request.Events, ex)}");
                return MembersCommand.FileError;
            }

            if (request.Events == "-" && ReferenceEquals(error, Console.Error) && !Console.IsInputRedirected)
            {
                error.WriteLine("explain: reading the events from standard input (end with Ctrl-D)");
            }

            if (Judge(input, sections, error, timeProvider) is { } failed)
            {
                return failed;
            }

            // :: Step 4 — the report, member by member.
            if (request.Json)
            {
                WriteJson(output, sections);
            }
            else
            {
                WriteText(output, sections, request, input, timeProvider, paint);
            }

            output.Flush();
            return MembersCommand.Ok;
        }
        finally
        {
            input?.Dispose();
            foreach (var section in sections)
            {
                section.Dispose();
            }
        }
    }

    /// <summary>Reads the input once, every section judging each chunk; an exit code when the input cannot be judged.</summary>
    private static int? Judge(PreviewInput input, List<PreviewSection> sections, TextWriter error, TimeProvider timeProvider)
    {
        var progress = new ProgressLine(error, ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected, timeProvider, input);
        var buffer = new byte[PreviewInput.ChunkBytes];
        try
        {
            while (true)
            {
                ReadOnlySpan<byte> chunk;
                try
                {
                    chunk = input.Next(buffer);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    progress.Done(sections[0].Events);
                    error.WriteLine($"cannot read {input.Name}: {ex.Message}");
                    return MembersCommand.FileError;
                }

                if (chunk.IsEmpty)
                {
                    break;
                }

                foreach (var section in sections)
                {
                    section.Write(chunk);
                }

                progress.Report(sections[0].Events);
            }

            foreach (var section in sections)
            {
                section.Complete();
            }

            progress.Done(sections[0].Events);
            return null;
        }
        catch (PreviewInputException ex)
        {
            progress.Done(sections[0].Events);
            var where = ex.InRecord
                ? $"record {ex.EventsBefore + 1}, starting at {input.Describe(ex.Position)}"
                : $"{input.Describe(ex.Position)}, after {VerdictText.Count(ex.EventsBefore, "event")}";
            error.WriteLine($"{input.Name}: {where}: {ex.Message}");
            return MembersCommand.Invalid;
        }
    }

    private static (MembersRegistry? Registry, int Code) Load(string path, TextWriter error)
    {
        byte[] bytes;
        try
        {
            bytes = new MembersFileStore(path).Read();
        }
        catch (MembersFileAccessException ex)
        {
            error.WriteLine(ex.Message);
            return (null, MembersCommand.FileError);
        }

        var report = MembersFileParser.Check(bytes);
        if (report.Registry is null)
        {
            MembersCommand.WriteProblems(error, $"the members file {path} is invalid (the gateway does not load it):", report.Errors);
            return (null, MembersCommand.Invalid);
        }

        return (report.Registry, MembersCommand.Ok);
    }

    /// <summary>The ids of the members judged, in file order (then those only in the other file); null, said why, when the one named is in neither.</summary>
    private static List<string>? Chosen(PreviewRequest request, MembersRegistry registry, MembersRegistry? other, TextWriter error)
    {
        var ids = registry.Members.Select(m => m.Id).Concat(other?.Members.Select(m => m.Id) ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            error.WriteLine($"nothing to explain: {request.MembersFile} has no member");
            return null;
        }

        if (request.Member is not { } named)
        {
            return ids;
        }

        if (ids.Contains(named, StringComparer.Ordinal))
        {
            return [named];
        }

        error.WriteLine(other is null
            ? $"no member '{named}' in {request.MembersFile}"
            : $"no member '{named}' in {request.MembersFile} or {request.OtherMembersFile}");
        return null;
    }

    private static PreviewSection Section(PreviewRequest request, MembersRegistry registry, MembersRegistry? other, string id, Paint paint)
    {
        var requester = Requester(registry, id, request);
        if (other is null)
        {
            return new ExplainSection(requester!, registry.Community, request.Json, paint);
        }

        return new DiffSection(requester, Requester(other, id, request), registry.Community, other.Community, request.OtherMembersFile!, request.Json, paint);
    }

    private static Requester? Requester(MembersRegistry registry, string id, PreviewRequest request) =>
        registry.Members.FirstOrDefault(m => m.Id == id) is { } member ? PreviewLane.RequesterFor(member, registry.Community, request.Email, request.Sync) : null;

    /// <summary>One array, an element per member and event (or per change), members in order.</summary>
    private static void WriteJson(TextWriter output, List<PreviewSection> sections)
    {
        output.Write('[');
        var first = true;
        foreach (var section in sections.Where(s => s.Entries > 0))
        {
            output.Write(first ? "\n" : ",\n");
            first = false;
            section.CopyTo(output);
        }

        output.Write(first ? "]\n" : "\n]\n");
    }

    private static void WriteText(TextWriter output, List<PreviewSection> sections, PreviewRequest request, PreviewInput input, TimeProvider timeProvider, Paint paint)
    {
        var events = sections[0].Events;
        if (events == 0)
        {
            output.WriteLine($"no events in {input.Name}");
            return;
        }

        var shown = sections.Where(s => s.Reported).ToList();
        if (request.OtherMembersFile is { } other && shown.Count == 0)
        {
            output.WriteLine($"no change: {VerdictText.Count(events, "event")} of {input.Name} are decided the same under {request.MembersFile} and {other}");
            return;
        }

        for (var i = 0; i < shown.Count; i++)
        {
            if (i > 0)
            {
                output.WriteLine();
            }

            output.WriteLine(paint.Heading(shown[i].Heading(timeProvider)));
            shown[i].CopyTo(output);
        }
    }
}
