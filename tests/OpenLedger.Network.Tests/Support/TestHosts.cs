using OpenLedger.Network.Addressing;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Host;
using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Tests.Support;

internal static class TestHosts
{
    public static readonly GossipOptions FastGossip = new()
    {
        D = 3, DLow = 2, DHigh = 6, DLazy = 3,
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        Random = new SeededRandomSource(5),
    };

    public static async Task<Libp2pHost> StartAsync(Func<Libp2pHostOptions, Libp2pHostOptions>? configure = null)
    {
        var options = new Libp2pHostOptions { NodeKey = NodeKey.Generate(), Gossip = FastGossip };
        if (configure is not null) options = configure(options);
        var host = Libp2pHost.Create(options);
        await host.StartAsync(CancellationToken.None);
        return host;
    }

    public static Multiaddr AddressOf(Libp2pHost host) => host.ListenAddresses[0].WithPeerId(host.LocalPeerId);

    public static CancellationToken Timeout(int seconds = 10) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
