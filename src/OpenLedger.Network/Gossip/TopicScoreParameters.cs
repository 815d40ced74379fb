namespace OpenLedger.Network.Gossip;

/// <summary>
/// Per-topic weights of the gossipsub v1.1 score (P1–P4). Decays are factors applied once per
/// <see cref="PeerScoreParameters.DecayInterval"/>; a counter that decays below
/// <see cref="PeerScoreParameters.DecayToZero"/> becomes 0.
/// </summary>
public sealed record TopicScoreParameters
{
    /// <summary>Multiplies the topic's whole contribution.</summary>
    public double TopicWeight { get; init; } = 1;

    /// <summary>P1 weight (≥ 0): time in the mesh, in quanta, up to <see cref="TimeInMeshCap"/>.</summary>
    public double TimeInMeshWeight { get; init; } = 1.0 / 30;
    public TimeSpan TimeInMeshQuantum { get; init; } = TimeSpan.FromSeconds(1);
    public double TimeInMeshCap { get; init; } = 300;

    /// <summary>P2 weight (≥ 0): messages this peer delivered to us first (validated), decayed, capped.</summary>
    public double FirstMessageDeliveriesWeight { get; init; } = 1;
    public double FirstMessageDeliveriesDecay { get; init; } = 0.9;
    public double FirstMessageDeliveriesCap { get; init; } = 20;

    /// <summary>
    /// P3 weight (≤ 0): squared deficit of messages a mesh peer delivered (first, or within
    /// <see cref="MeshMessageDeliveriesWindow"/> of the first delivery) below <see cref="MeshMessageDeliveriesThreshold"/>,
    /// counted once the peer has been in the mesh for <see cref="MeshMessageDeliveriesActivation"/>. Off (0) by
    /// default: transaction traffic is bursty, so a quiet topic would punish honest peers.
    /// </summary>
    public double MeshMessageDeliveriesWeight { get; init; }
    public double MeshMessageDeliveriesDecay { get; init; } = 0.97;
    public double MeshMessageDeliveriesThreshold { get; init; } = 1;
    public double MeshMessageDeliveriesCap { get; init; } = 100;
    public TimeSpan MeshMessageDeliveriesWindow { get; init; } = TimeSpan.FromMilliseconds(10);
    public TimeSpan MeshMessageDeliveriesActivation { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>P3b weight (≤ 0): sticky penalty, the squared deficit a peer had when it left the mesh.</summary>
    public double MeshFailurePenaltyWeight { get; init; }
    public double MeshFailurePenaltyDecay { get; init; } = 0.97;

    /// <summary>P4 weight (≤ 0): squared count of invalid messages (bad signature, validator Reject), decayed.</summary>
    public double InvalidMessageDeliveriesWeight { get; init; } = -10;
    public double InvalidMessageDeliveriesDecay { get; init; } = 0.99;
}
