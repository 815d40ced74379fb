namespace OpenLedger.Network.Gossip;

/// <summary>What a peer's score allows (gossipsub v1.1 thresholds), plus this node's ban threshold.</summary>
public sealed record PeerScoreThresholds
{
    /// <summary>Below this, no IHAVE/IWANT is exchanged with the peer.</summary>
    public double GossipThreshold { get; init; } = -10;

    /// <summary>Below this, our own messages are not published to the peer.</summary>
    public double PublishThreshold { get; init; } = -50;

    /// <summary>Below this, the peer's RPCs are ignored altogether (graylist).</summary>
    public double GraylistThreshold { get; init; } = -80;

    /// <summary>At or below this, the peer is disconnected and banned (not in the spec: our own last resort).</summary>
    public double BanThreshold { get; init; } = -100;
}
