namespace TlpGateway.Fuzz;

/// <summary>
/// <c>--target request</c>: the way in (<see cref="RequestTarget"/>). As for the filter, afl-fuzz feeds inputs to it, a
/// file or folder argument replays inputs once each, and <c>--show FILE</c> prints what the gateway did with one.
/// </summary>
internal static class RequestProgram
{
    public static int Run(string[] args)
    {
        if (args is ["--show", var shown])
        {
            if (FuzzRequest.Decode(File.ReadAllBytes(shown)) is not { } request)
            {
                Console.WriteLine("(not a request Kestrel would accept)");
                return 0;
            }

            var outcome = RequestTarget.Send(request);
            Console.WriteLine(outcome.Forwarded is { } forwarded ? "forwarded:\n" + forwarded : $"refused {outcome.Status}: {outcome.Answer}");
            return 0;
        }

        if (args is [var path])
        {
            return FuzzInputs.Replay(path, input => RequestTarget.Run(input) ? 1 : 0, "forwarded (and read again)");
        }

        return FuzzInputs.Fuzz(input => RequestTarget.Run(input));
    }
}
