using System.Net;
using System.Net.Sockets;

namespace OpenLedger.Node.Devnet;

/// <summary>
/// Loopback ports for devnet configs, which are written now and bound later (when the nodes start). Ports the
/// OS hands out for port 0 come from the ephemeral range, which every outgoing connection and every other
/// "free port" picker on the machine draws from too, so a port picked there is often taken by the time the
/// node binds it. These come from below that range (20000–32767), at random, are checked free right now, and
/// are never handed out twice by one process.
/// </summary>
public static class DevnetPorts
{
    private const int First = 20_000;
    private const int End = 32_768;
    private static readonly HashSet<int> Given = new();

    public static int Pick()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(First, End);
            // Not yet bound by whoever got it, so the OS would say free: never hand the same port out twice.
            lock (Given)
                if (!Given.Add(port)) continue;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
        }
        throw new InvalidOperationException($"no free loopback port found in {First}–{End - 1}");
    }
}
