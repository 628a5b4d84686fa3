using System.CommandLine;
using TlpGateway.Health;
using TlpGateway.Members;

namespace TlpGateway.Startup;

/// <summary>
/// The program's command line, parsed by System.CommandLine: <c>--help</c>, <c>--version</c>,
/// <c>--health-probe [url]</c>, the <c>members</c> command, and otherwise the gateway itself, whose
/// remaining arguments are ASP.NET Core configuration (<c>--urls</c>, <c>--Gateway:Upstream=...</c>).
/// </summary>
/// <remarks>
/// Exit codes: 0 done (or the gateway stopped cleanly), 1 the gateway could not start (one line says
/// why) or the health probe failed, 2 usage error (naming the option), and the members command's own.
/// </remarks>
internal static class GatewayCommandLine
{
    public const int StartFailed = 1;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var probe = new Option<string>("--health-probe")
        {
            Description = "ask a running gateway's /readyz (or the path the URL names, e.g. /healthz) and exit 0 when it answers 200, 1 otherwise; prints which check failed",
            HelpName = "url",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var root = new RootCommand(
            "TlpGateway: a reverse proxy in front of a MISP hub that enforces the community's sharing rules.\n"
            + "Any other argument is ASP.NET Core configuration, e.g. --urls http://127.0.0.1:5080 --Gateway:Upstream=https://misp.example.org "
            + "--Gateway:MembersFile=members.json (every key: docs/configuration.md).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.Add(probe);
        root.Add(MembersCommand.Create(output, error, TimeProvider.System));
        root.SetAction(async (result, cancellationToken) =>
        {
            var configuration = result.UnmatchedTokens.ToArray();
            if (result.GetResult(probe) is not null)
            {
                if (configuration.Length > 0)
                {
                    await error.WriteLineAsync($"usage error: --health-probe takes no other argument, got '{configuration[0]}'");
                    return MembersCommand.Usage;
                }

                return await HealthEndpoints.ProbeAsync(result.GetValue(probe), output, error);
            }

            if (ConfigurationArguments.Problems(configuration) is { Count: > 0 } problems)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync("usage error: " + problem);
                }

                await error.WriteLineAsync("see: TlpGateway --help");
                return MembersCommand.Usage;
            }

            return await RunGatewayAsync(configuration, error, cancellationToken);
        });

        // Parse errors are written by MembersCommand.Invoke, one a line, with exit code 2.
        return await Task.Run(() => MembersCommand.Invoke(root, args, output, error));
    }

    private static async Task<int> RunGatewayAsync(string[] configuration, TextWriter error, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = GatewayApplication.Build(configuration);
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await error.WriteLineAsync("TlpGateway cannot start: " + StartupError.Describe(ex));
            return StartFailed;
        }

        await app.WaitForShutdownAsync(CancellationToken.None);
        await app.DisposeAsync();
        return 0;
    }
}
