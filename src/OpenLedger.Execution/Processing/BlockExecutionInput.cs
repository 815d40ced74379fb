using OpenLedger.Core.Chain;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules;

namespace OpenLedger.Execution.Processing;

/// <summary>Everything a block's execution depends on; nothing else (no clock, no node state) may influence it.</summary>
public sealed record BlockExecutionInput(
    BlockContext Block,
    Address FeeRecipient,
    IReadOnlyList<Transaction> Transactions,
    IReadOnlyList<Address> LastCommitSigners,
    ValidatorSet? LastValidators,
    IReadOnlyList<DuplicateVoteEvidence> Evidence);
