using TlpGateway.Fuzz;

// afl-fuzz runs this process once and feeds it inputs (SharpFuzz's out-of-process mode); with a
// file or folder as argument, it replays those inputs once each and says which one broke a rule.
// --show FILE: what the filter answers for one input, to read beside the finding.
// --target request (first): the way in instead of the filter (RequestProgram), with the same arguments after it.
if (args is ["--target", "request", .. var rest])
{
    return RequestProgram.Run(rest);
}

if (args is ["--show", var shown])
{
    var (output, whole) = FilterTarget.Filter(File.ReadAllBytes(shown));
    Console.WriteLine(System.Text.Encoding.UTF8.GetString(output));
    Console.WriteLine(whole ? "(whole)" : "(ended as an error)");
    return 0;
}

// --oracle FILE: what the oracle holds the answer to not name, for the requester the input's length chooses.
if (args is ["--oracle", var judged])
{
    var input = File.ReadAllBytes(judged);
    using var document = System.Text.Json.JsonDocument.Parse(input);
    var requester = FilterTarget.RequesterFor(input);
    Console.WriteLine($"requester: {requester.Member.Relation} {requester.Member.MaxTlp}{(requester.IsSyncIdentity ? " sync" : string.Empty)}");
    var verdict = Oracle.Judge(document.RootElement, FilterTarget.Community.DefaultTlp, requester);
    foreach (var forbidden in verdict.Strings)
    {
        Console.WriteLine(forbidden);
    }

    foreach (var value in verdict.Values)
    {
        Console.WriteLine("as a value: " + value);
    }

    return 0;
}

if (args is [var path])
{
    return FuzzInputs.Replay(path, input => FilterTarget.Run(input), "UUIDs the answers were checked not to name");
}

return FuzzInputs.Fuzz(input => FilterTarget.Run(input));
