namespace OpenLedger.Network.Gossip;

/// <summary>Gossipsub v1.1/v1.2 parameters; defaults follow the specs (and go-libp2p where the v1.2 spec leaves them open), and D/D_lo/D_hi can be lowered for small networks.</summary>
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

    /// <summary>
    /// Bytes of queued RPC frames the send loop writes to a peer in one stream write (one Noise/Yamux frame run
    /// instead of one per RPC). Frames stay separate length-prefixed RPCs on the wire.
    /// </summary>
    public int MaxCoalescedWrite { get; init; } = 256 * 1024;

    /// <summary>Messages of a batch-validated topic (<see cref="GossipRouter.SubscribeBatched"/>) handed to its validator at once.</summary>
    public int MaxValidationBatch { get; init; } = 1024;

    /// <summary>Messages of a batch-validated topic waiting for validation; beyond this, new ones are dropped unvalidated (not forwarded, no penalty).</summary>
    public int MaxValidationQueue { get; init; } = 32_768;

    /// <summary>Accepted messages forwarded to one peer in one RPC by the batch validation path.</summary>
    public int MaxForwardBatch { get; init; } = 512;

    /// <summary>
    /// Gossipsub v1.2: a message whose data is at least this many bytes is announced with IDONTWANT to our other
    /// mesh peers the moment it first arrives, before validation, so they do not relay it back to us.
    /// </summary>
    public int IDontWantMessageThreshold { get; init; } = 1024;

    /// <summary>Message ids one peer may tell us it does not want per heartbeat; the rest of its IDONTWANTs are ignored.</summary>
    public int MaxIDontWantPerHeartbeat { get; init; } = 1000;

    /// <summary>Heartbeats a peer's IDONTWANT keeps us from sending it that message.</summary>
    public int IDontWantTtlHeartbeats { get; init; } = 3;

    /// <summary>The v1.1 score function (P1–P7, decay).</summary>
    public PeerScoreParameters Score { get; init; } = new();

    /// <summary>Gossip, publish, graylist and ban thresholds on that score.</summary>
    public PeerScoreThresholds Thresholds { get; init; } = new();

    public IRandomSource Random { get; init; } = SystemRandomSource.Instance;
}
