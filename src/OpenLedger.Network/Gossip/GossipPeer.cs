using System.Threading.Channels;
using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Gossip;

/// <summary>Router-side state of one connected peer. Mutated only under the router's lock.</summary>
internal sealed class GossipPeer(PeerId id, int maxQueue)
{
    public PeerId Id { get; } = id;
    public HashSet<string> Topics { get; } = new(StringComparer.Ordinal);
    public string? Protocol { get; set; }

    /// <summary>Encoded RPC frames waiting for the send loop; bounded, overflow is dropped.</summary>
    public Channel<byte[]> Outbound { get; } = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(maxQueue)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public CancellationTokenSource Lifetime { get; } = new();

    public bool SupportsBackoff => Protocol is not "/meshsub/1.0.0";
}
