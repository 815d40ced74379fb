namespace OpenLedger.Consensus.Tests.Simulation;

/// <summary>One simulated run. Every random choice derives from <see cref="Seed"/>; times are simulated milliseconds.</summary>
public sealed record SimulationOptions
{
    public required int Seed { get; init; }
    public int Validators { get; init; } = 4;
    /// <summary>The run ends when every node has committed this many blocks.</summary>
    public int TargetHeight { get; init; } = 100;

    public double LossRate { get; init; } = 0.05;
    public double DuplicateRate { get; init; } = 0.05;
    public int MinDelayMs { get; init; } = 2;
    public int MaxDelayMs { get; init; } = 40;
    /// <summary>A share of messages takes much longer (reordering across rounds).</summary>
    public double SlowMessageRate { get; init; } = 0.02;
    public int SlowDelayMs { get; init; } = 400;

    /// <summary>Faults (partitions, crashes, equivocation on proposals) happen only before this time; then the network heals.</summary>
    public int ChaosMs { get; init; } = 6000;
    public bool Partitions { get; init; } = true;
    public bool Crashes { get; init; } = true;
    /// <summary>The lowest-power validator (below 1/3 of the total) signs conflicting votes and proposals.</summary>
    public bool Equivocator { get; init; } = true;

    /// <summary>After the heal every node must commit new blocks within this bound (liveness).</summary>
    /// <summary>Share of crashes that also lose the last (even synced) WAL entry.</summary>
    public double TornWalWriteRate { get; init; } = 0.5;

    /// <summary>Validator powers change every this many heights (0: never).</summary>
    public int EpochLength { get; init; } = 20;

    public int LivenessBoundMs { get; init; } = 30_000;
    public int MaxSimulatedMs { get; init; } = 300_000;

    /// <summary>A node that made no progress for a tick announces its (height, round, step) so peers resend what it misses.</summary>
    public int GossipIntervalMs { get; init; } = 150;
    public int BlockIntervalMs { get; init; } = 10;
    public int AppDelayMs { get; init; } = 3;

    /// <summary>Padding added to every proposed block, to model big blocks (0: a few bytes).</summary>
    public int ProposalPaddingBytes { get; init; }

    /// <summary>Extra time the application needs per KiB of a block, to build it and to validate it.</summary>
    public double AppDelayPerKiBMs { get; init; }

    /// <summary>This validator's application is <see cref="SlowNodeFactor"/> times slower (-1: none).</summary>
    public int SlowNodeIndex { get; init; } = -1;

    public int SlowNodeFactor { get; init; } = 1;

    /// <summary>Nodes tell the engine the proposal size they expect at each height (as the node does from its mempool).</summary>
    public bool HintProposalSize { get; init; }

    /// <summary>Share of consensus messages sent through the RLP codec (encode + decode) on the way.</summary>
    public double CodecRoundTripRate { get; init; } = 0.25;

    public ConsensusConfig Consensus { get; init; } = new()
    {
        ChainId = 161200,
        TimeoutPropose = TimeSpan.FromMilliseconds(200),
        TimeoutProposeDelta = TimeSpan.FromMilliseconds(50),
        TimeoutPrevote = TimeSpan.FromMilliseconds(100),
        TimeoutPrevoteDelta = TimeSpan.FromMilliseconds(50),
        TimeoutPrecommit = TimeSpan.FromMilliseconds(100),
        TimeoutPrecommitDelta = TimeSpan.FromMilliseconds(50),
    };
}
