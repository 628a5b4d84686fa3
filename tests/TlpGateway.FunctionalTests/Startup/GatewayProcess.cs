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
