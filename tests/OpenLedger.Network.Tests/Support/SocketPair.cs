using System.Net;
using System.Net.Sockets;

namespace OpenLedger.Network.Tests.Support;

/// <summary>Two connected loopback TCP streams, for exercising protocol layers without a host.</summary>
internal static class SocketPair
{
    public static async Task<(NetworkStream Client, NetworkStream Server)> CreateAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Task<Socket> accept = listener.AcceptSocketAsync();
            await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
            Socket server = await accept.WaitAsync(TimeSpan.FromSeconds(5));
            server.NoDelay = true;
            return (new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
        }
        finally
        {
            listener.Stop();
        }
    }
}
