namespace OpenLedger.Network.Gossip;

/// <summary>Gossipsub v1.1 parameters; defaults follow the spec, and D/D_lo/D_hi can be lowered for small networks.</summary>
public sealed record GossipOptions
{
    public int D { get; init; } = 6;
    public int DLow { get; init; } = 4;
    public int DHigh { get; init; } = 12;
    public int DLazy { get; init; } = 6;
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan FanoutTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Heartbeats a message stays in the cache for IWANT replies.</summary>
    public int HistoryLength { get; init; } = 5;

    /// <summary>Heartbeats of history advertised in IHAVE.</summary>
    public int HistoryGossip { get; init; } = 3;

    public TimeSpan SeenTtl { get; init; } = TimeSpan.FromMinutes(2);
    public int MaxSeenEntries { get; init; } = 200_000;
    public TimeSpan PruneBackoff { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Publish to every subscribed peer rather than only the mesh (js-libp2p's default too).</summary>
    public bool FloodPublish { get; init; } = true;

    /// <summary>Largest RPC frame accepted or sent (the uvarint prefix excluded).</summary>
    public int MaxRpcSize { get; init; } = 1024 * 1024;

    public int MaxIHaveLength { get; init; } = 5000;
    public int MaxIWantPerRpc { get; init; } = 500;

    /// <summary>RPC frames queued per peer; when full, further frames to that peer are dropped.</summary>
    public int MaxOutboundQueue { get; init; } = 1024;

    /// <summary>Score lost for each message that fails signature checks or is rejected by the validator.</summary>
    public int InvalidMessagePenalty { get; init; } = 10;

    /// <summary>Score lost for protocol misbehaviour such as grafting during backoff.</summary>
    public int BehaviourPenalty { get; init; } = 2;

    /// <summary>Below this, no IHAVE is exchanged with the peer.</summary>
    public int GossipThreshold { get; init; } = -10;

    /// <summary>Below this, we do not publish to the peer.</summary>
    public int PublishThreshold { get; init; } = -50;

    /// <summary>Below this, the peer's RPCs are ignored.</summary>
    public int GraylistThreshold { get; init; } = -80;

    /// <summary>At or below this, the peer is disconnected and banned.</summary>
    public int BanThreshold { get; init; } = -100;

    /// <summary>Negative scores recover by one point per this interval.</summary>
    public TimeSpan ScoreDecayInterval { get; init; } = TimeSpan.FromSeconds(10);

    public IRandomSource Random { get; init; } = SystemRandomSource.Instance;
}
