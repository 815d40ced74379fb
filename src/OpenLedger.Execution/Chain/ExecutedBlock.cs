using OpenLedger.Core.Chain;
using OpenLedger.Execution.Processing;
using OpenLedger.Execution.StateTrie;

namespace OpenLedger.Execution.Chain;

/// <summary>
/// A block that has been executed on top of the head but not yet committed: its state changes live in the
/// backend's unsaved trie nodes until <see cref="Blockchain.CommitBlock"/> writes them with the block.
/// </summary>
public sealed class ExecutedBlock
{
    public required Block Block { get; init; }
    public required byte[] Encoded { get; init; }
    public required BlockExecutionResult Result { get; init; }
    public required TrieStateBackend State { get; init; }
    /// <summary>The validator set that will validate the block after this one.</summary>
    public required ValidatorSet NextValidators { get; init; }
    public required ChainParameters ParametersAfter { get; init; }
}
