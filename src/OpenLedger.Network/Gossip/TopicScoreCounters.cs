namespace OpenLedger.Network.Gossip;

/// <summary>The decayed counters behind one peer's score on one topic.</summary>
public sealed record TopicScoreCounters(
    bool InMesh,
    double FirstMessageDeliveries,
    double MeshMessageDeliveries,
    bool MeshMessageDeliveriesActive,
    double MeshFailurePenalty,
    double InvalidMessageDeliveries);
