using System.Net;
using System.Net.Sockets;

namespace OpenLedger.Node.Hosting;

/// <summary>Picks a port the OS says is free right now (for devnet configs and port-0 listeners that must be known in advance).</summary>
public static class FreePorts
{
    public static int Pick(IPAddress? address = null)
    {
        using var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
