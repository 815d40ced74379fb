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
    /// Extra propose and prevote time per KiB of the height's expected proposal (see <see cref="TimeoutFor(RoundStep, int, long)"/>):
    /// building, transferring and re-executing a block grows with its size, and a round whose timeouts do not cover
    /// that fails on every node at once. Zero keeps the timeouts independent of the block size.
    /// </summary>
    public TimeSpan TimeoutPerProposalKiB { get; init; } = TimeSpan.Zero;

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

    /// <summary>
    /// The timeout of <paramref name="step"/> in <paramref name="round"/> when the height's proposal is expected to
    /// be <paramref name="proposalBytes"/> long: <c>base + round x delta</c>, plus <see cref="TimeoutPerProposalKiB"/>
    /// per started KiB for the propose and prevote steps (the steps that wait for a block to be built, gossiped and
    /// validated). The precommit timeout does not wait for any block work and stays unscaled.
    /// </summary>
    public TimeSpan TimeoutFor(RoundStep step, int round, long proposalBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(proposalBytes);
        var timeout = TimeoutFor(step, round);
        return step is RoundStep.Propose or RoundStep.Prevote ? timeout + SizeAllowance(proposalBytes) : timeout;
    }

    /// <summary>The time a proposal of <paramref name="proposalBytes"/> adds to a size-scaled timeout.</summary>
    public TimeSpan SizeAllowance(long proposalBytes) => TimeoutPerProposalKiB * ((proposalBytes + 1023) / 1024);
}
