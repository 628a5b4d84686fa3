using SharpFuzz;

namespace TlpGateway.Fuzz;

/// <summary>How a target is driven: by afl-fuzz (SharpFuzz's out-of-process mode), or over files replayed once each.</summary>
internal static class FuzzInputs
{
    /// <summary>
    /// Runs <paramref name="run"/> on each file of <paramref name="path"/> (a file or a folder), says which broke a rule and
    /// what the runs counted (<paramref name="counted"/>); exit code 1 when any did.
    /// </summary>
    public static int Replay(string path, Func<byte[], int> run, string counted)
    {
        var files = Directory.Exists(path) ? Directory.GetFiles(path) : [path];
        var failed = 0;
        var count = 0;
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            try
            {
                count += run(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                failed++;
                // One input replayed alone: where it broke, for the one who reads it.
                Console.WriteLine(files.Length == 1 ? $"{file}: {ex}" : $"{file}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Console.WriteLine($"{files.Length} inputs, {failed} broke a rule, {count} {counted}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Feeds afl-fuzz's inputs to <paramref name="run"/> until it stops.</summary>
    public static int Fuzz(Action<byte[]> run)
    {
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            run(buffer.ToArray());
        });
        return 0;
    }
}
