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

    public RedisServer(string? password = null, int? port = null)
    {
        Password = password;
        Port = port ?? Shared.TestPorts.Free();
        Start();
    }

    public int Port { get; }

    public string? Password { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public void Start()
    {
        var binary = Environment.GetEnvironmentVariable("TLPGW_REDIS_SERVER") is { Length: > 0 } configured ? configured : "redis-server";
        var arguments = $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --protected-mode no";
        if (Password is not null)
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
