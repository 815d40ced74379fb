namespace OpenLedger.Consensus;

/// <summary>
/// Engine parameters. Each step's timeout grows linearly with the round: base + round x delta, so that
/// after enough rounds the timeouts exceed the real message delay and an honest proposer gets through.
/// </summary>
public sealed record ConsensusConfig
{
    public required ulong ChainId { get; init; }

    public TimeSpan TimeoutPropose { get; init; } = TimeSpan.FromMilliseconds(3000);
    public TimeSpan TimeoutProposeDelta { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan TimeoutPrevote { get; init; } = TimeSpan.FromMilliseconds(1000);
    public TimeSpan TimeoutPrevoteDelta { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan TimeoutPrecommit { get; init; } = TimeSpan.FromMilliseconds(1000);
    public TimeSpan TimeoutPrecommitDelta { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Votes for rounds further ahead than this are dropped, which bounds what a Byzantine validator can make
    /// us store. Honest validators are rarely more than a few rounds apart.
    /// </summary>
    public int MaxRoundsAhead { get; init; } = 10_000;

    /// <summary>Messages buffered for the next height while the application executes the current block.</summary>
    public int MaxBufferedNextHeightMessages { get; init; } = 10_000;

    public TimeSpan TimeoutFor(RoundStep step, int round)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        var (baseline, delta) = step switch
        {
            RoundStep.Propose => (TimeoutPropose, TimeoutProposeDelta),
            RoundStep.Prevote => (TimeoutPrevote, TimeoutPrevoteDelta),
            RoundStep.Precommit => (TimeoutPrecommit, TimeoutPrecommitDelta),
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, "only propose, prevote and precommit have timeouts"),
        };
        return baseline + delta * round;
    }
}
