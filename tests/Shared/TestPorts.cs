using System.Net;
using System.Net.Sockets;

namespace TlpGateway.Tests.Shared;

/// <summary>Loopback ports for servers the tests start (or deliberately leave closed).</summary>
public static class TestPorts
{
    /// <summary>A port nothing listens on right now.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A port that refuses connections for as long as it is held. A port <see cref="Free"/> returned can be taken
    /// by the next server any parallel test starts on port 0 (the gateway itself, once), so a "MISP is down" test
    /// would find something answering there.
    /// </summary>
    public static ClosedPort Closed() => new();
}

/// <summary>A loopback port bound and never listened on: connecting is refused, and no one else can bind it.</summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    internal ClosedPort()
    {
        // Without SO_REUSEADDR on this socket, Linux lets no other socket bind the port, whatever its options.
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
