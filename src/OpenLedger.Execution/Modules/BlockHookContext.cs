using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules;

/// <summary>
/// Input to the per-block hooks: emission and rewards at the start of a block, unbonding maturities, epoch
/// boundaries and validator-set changes at its end. Consensus facts (who signed the parent, verified
/// double-sign evidence) come in here so the modules stay pure.
/// </summary>
public sealed class BlockHookContext
{
    public required BlockContext Block { get; init; }
    public required IWorldState State { get; init; }
    /// <summary>Consensus addresses whose precommits are in this block's last commit (signers of the parent).</summary>
    public required IReadOnlyList<Address> LastCommitSigners { get; init; }
    /// <summary>The validator set that signed the parent (for downtime and reward weighting).</summary>
    public required ValidatorSet? LastValidators { get; init; }
    public required IReadOnlyList<DuplicateVoteEvidence> Evidence { get; init; }
    public required List<LogEntry> Logs { get; init; }
    public required ModuleRegistry Modules { get; init; }

    /// <summary>Set by the staking module at an epoch boundary: the set that takes over from the next block.</summary>
    public ValidatorSet? NextValidatorSet { get; set; }
}
