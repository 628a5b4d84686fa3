using SharpFuzz;

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
            var files = Directory.Exists(path) ? Directory.GetFiles(path) : [path];
            var failed = 0;
            var forwarded = 0;
            foreach (var file in files.Order(StringComparer.Ordinal))
            {
                try
                {
                    forwarded += RequestTarget.Run(File.ReadAllBytes(file)) ? 1 : 0;
                }
                catch (Exception ex)
                {
                    failed++;
                    Console.WriteLine(files.Length == 1 ? $"{file}: {ex}" : $"{file}: {ex.GetType().Name}: {ex.Message}");
                }
            }

            Console.WriteLine($"{files.Length} inputs, {failed} broke a rule, {forwarded} forwarded (and read again)");
            return failed == 0 ? 0 : 1;
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            RequestTarget.Run(buffer.ToArray());
        });
        return 0;
    }
}
