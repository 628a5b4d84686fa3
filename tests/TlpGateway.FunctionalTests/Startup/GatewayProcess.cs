using System.Diagnostics;

namespace TlpGateway.FunctionalTests.Startup;

/// <summary>Runs the built gateway program as a child process, as an operator would (<c>dotnet TlpGateway.dll ...</c>).</summary>
internal static class GatewayProcess
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The program built beside the tests, in the same configuration (Release under scripts/test).</summary>
    public static string Program { get; } = Path.Combine(
        RepositoryRoot, "src", "TlpGateway", "bin", AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release", "net10.0", "TlpGateway.dll");

    public static async Task<(int Code, string Output, string Error)> RunAsync(string workingDirectory, params string[] args) =>
        await RunAsync("dotnet", [Program, .. args], workingDirectory);

    /// <param name="input">Writes the program's standard input (closed after it); without it the program gets none.</param>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string executable, string[] args, string workingDirectory, IDictionary<string, string>? environment = null, Func<Stream, Task>? input = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await using (var stdin = process.StandardInput.BaseStream)
            {
                await input(stdin);
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', args)} did not exit within 120 s; stderr: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Starts the program (<c>--urls http://127.0.0.1:0</c> among <paramref name="args"/>) and reads its
    /// log until it listens; the caller reads on, asks it, and kills it. The log read so far is in
    /// <see cref="Serving.Log"/>.
    /// </summary>
    public static async Task<Serving> StartServingAsync(string workingDirectory, string[] args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[Program, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var serving = new Serving(Process.Start(start)!);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await serving.Process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            serving.Log.Add(line);
            if (line.IndexOf("Now listening on: ", StringComparison.Ordinal) is >= 0 and var at)
            {
                serving.Address = new Uri(line[(at + "Now listening on: ".Length)..].Trim());
                return serving;
            }
        }

        await serving.DisposeAsync();
        throw new InvalidOperationException("the gateway stopped before it listened: " + string.Join('\n', serving.Log));
    }

    /// <summary>A running program: killed, with what is left of its log read, when disposed.</summary>
    internal sealed class Serving(Process process) : IAsyncDisposable
    {
        public Process Process { get; } = process;

        public List<string> Log { get; } = [];

        public Uri? Address { get; set; }

        public async ValueTask DisposeAsync()
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
            Log.AddRange((await Process.StandardOutput.ReadToEndAsync()).Split('\n'));
            Process.Dispose();
        }
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TlpGateway.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("TlpGateway.sln not found above the test's output");
    }
}
