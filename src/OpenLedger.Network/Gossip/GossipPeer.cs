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

    /// <summary>
    /// Frames of priority topics (consensus): the send loop writes them before anything waiting in
    /// <see cref="Outbound"/>, so a vote or proposal never queues behind a burst of transactions, and a full
    /// <see cref="Outbound"/> never drops one. Bounded by <see cref="MaxPriorityFrames"/>.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<byte[]> Priority { get; } = new();

    public const int MaxPriorityFrames = 4096;

    public CancellationTokenSource Lifetime { get; } = new();

    public bool SupportsBackoff => Protocol is not "/meshsub/1.0.0";

    /// <summary>The peer speaks gossipsub v1.2 on our stream to it, so it understands IDONTWANT.</summary>
    public bool SupportsIDontWant => Protocol is GossipRouter.MeshSub12;

    /// <summary>
    /// Ids (hex) of messages the peer told us it already has (IDONTWANT), with the heartbeat number at which each
    /// entry expires: we do not relay those messages to it.
    /// </summary>
    public Dictionary<string, long> DontSend { get; } = new(StringComparer.Ordinal);

    /// <summary>IDONTWANT ids taken from the peer since the last heartbeat (bounded by the options).</summary>
    public int IDontWantThisHeartbeat { get; set; }
}
