using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TlpGateway.Tests.Redis;

/// <summary>
/// A real redis-server on a free loopback port, started for a test and killed after it. The binary
/// comes from TLPGW_REDIS_SERVER (set by scripts/test) or PATH; without one the test fails, never skips.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private Process? _process;

    /// <param name="password">The default user's password; with <paramref name="user"/>, that ACL user's, and the default user is off.</param>
    /// <param name="user">An ACL user (Redis 6 and later) that may do everything.</param>
    /// <param name="port">A port of the test's choosing; a free one otherwise.</param>
    /// <param name="started">False to create it stopped (a Redis that is down until <see cref="Start"/>).</param>
    public RedisServer(string? password = null, string? user = null, int? port = null, bool started = true)
    {
        Password = password;
        User = user;
        Port = port ?? Shared.TestPorts.Free();
        if (started)
        {
            Start();
        }
    }

    public int Port { get; }

    public string? Password { get; }

    public string? User { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public void Start()
    {
        var binary = Environment.GetEnvironmentVariable("TLPGW_REDIS_SERVER") is { Length: > 0 } configured ? configured : "redis-server";
        var arguments = $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --protected-mode no";
        if (User is not null)
        {
            arguments += $" --user default off --user {User} on >{Password} ~* &* +@all";
        }
        else if (Password is not null)
        {
            arguments += $" --requirepass {Password}";
        }

        _process = Process.Start(new ProcessStartInfo(binary, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("redis-server did not start: install it (scripts/test does)");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on {Port}");
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Stop();
}
