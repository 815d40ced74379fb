namespace OpenLedger.Network.Gossip;

/// <summary>
/// The gossipsub v1.1 peer score function (specs/pubsub/gossipsub/gossipsub-v1.1.md, "The Score Function"):
/// score = min(Σ_topics TopicWeight·(w1·P1 + w2·P2 + w3·P3 + w3b·P3b + w4·P4), TopicScoreCap)
///         + w5·P5 + w6·P6 + w7·P7.
/// </summary>
public sealed record PeerScoreParameters
{
    /// <summary>Parameters for topics without an entry in <see cref="Topics"/> (null: such topics do not count).</summary>
    public TopicScoreParameters? DefaultTopic { get; init; } = new();

    public IReadOnlyDictionary<string, TopicScoreParameters> Topics { get; init; } = new Dictionary<string, TopicScoreParameters>();

    /// <summary>Upper bound of the positive topic part (0: none), so good behaviour cannot hide P5–P7.</summary>
    public double TopicScoreCap { get; init; } = 50;

    /// <summary>P5: application-specific score of a peer (e.g. validators), times <see cref="AppSpecificWeight"/>.</summary>
    public double AppSpecificWeight { get; init; } = 1;
    public Func<Identity.PeerId, double>? AppSpecificScore { get; init; }

    /// <summary>P6 weight (≤ 0): squared number of peers beyond <see cref="IPColocationFactorThreshold"/> that share the peer's IP.</summary>
    public double IPColocationFactorWeight { get; init; } = -5;
    public int IPColocationFactorThreshold { get; init; } = 10;

    /// <summary>
    /// Loopback addresses are exempt from P6 by default: a devnet runs every node on 127.0.0.1. Other exempt
    /// addresses go in <see cref="IPColocationFactorWhitelist"/>.
    /// </summary>
    public bool IPColocationIgnoresLoopback { get; init; } = true;
    public IReadOnlySet<string> IPColocationFactorWhitelist { get; init; } = new HashSet<string>();

    /// <summary>P7 weight (≤ 0): squared behaviour penalty beyond <see cref="BehaviourPenaltyThreshold"/> (GRAFT during backoff, …).</summary>
    public double BehaviourPenaltyWeight { get; init; } = -2;
    public double BehaviourPenaltyThreshold { get; init; }
    public double BehaviourPenaltyDecay { get; init; } = 0.99;

    public TimeSpan DecayInterval { get; init; } = TimeSpan.FromSeconds(1);
    public double DecayToZero { get; init; } = 0.01;

    /// <summary>How long counters of a disconnected peer are kept, so reconnecting does not wipe a bad score.</summary>
    public TimeSpan RetainScore { get; init; } = TimeSpan.FromMinutes(10);

    public TopicScoreParameters? For(string topic) => Topics.TryGetValue(topic, out var parameters) ? parameters : DefaultTopic;
}
