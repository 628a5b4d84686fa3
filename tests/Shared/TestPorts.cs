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
}
