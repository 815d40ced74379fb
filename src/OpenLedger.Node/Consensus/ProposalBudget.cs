using OpenLedger.Core.Transactions;
using OpenLedger.Execution.TxPool;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// How much a BFT proposal may carry so that the round does not time out while peers build, gossip and
/// re-execute it. CometBFT bounds a proposal by the consensus parameters' block.max_gas/max_bytes and leaves it to
/// operators to size timeout_propose for the largest block; on a node whose cores are shared (four validators on
/// two cores, other load) the time a block costs varies by several times, so this cap follows the measured speed:
/// a proposal holds at most the gas this node re-executed in <see cref="ExecutionBudget"/> at its recent rate when
/// validating peers' proposals (an exponential moving average; validation is what every peer pays, and it includes
/// decoding and recovering senders gossip did not bring, which building from the mempool does not), never less than
/// <see cref="MinGas"/> and never more than the block gas limit. The cap is the proposer's choice, not a validity
/// rule: peers accept any block within the chain's gas limit. Not thread-safe (the consensus loop owns it).
/// </summary>
public sealed class ProposalBudget
{
    /// <summary>Blocks below this much gas are dominated by fixed costs and say little about the execution rate.</summary>
    public const ulong MinObservedGas = 1_000_000;

    private const double Smoothing = 0.3;
    private const double DefaultBytesPerGas = 110.0 / 21_000; // an encoded transfer is about 110 bytes

    private double? _gasPerSecond;
    private double _bytesPerGas = DefaultBytesPerGas;

    public ProposalBudget(ulong blockGasLimit, TimeSpan executionBudget, ulong minGas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(executionBudget, TimeSpan.Zero);
        BlockGasLimit = blockGasLimit;
        ExecutionBudget = executionBudget;
        MinGas = Math.Min(minGas, blockGasLimit);
    }

    public ulong BlockGasLimit { get; private set; }

    public TimeSpan ExecutionBudget { get; }

    public ulong MinGas { get; }

    /// <summary>The smoothed execution rate; null until a block of at least <see cref="MinObservedGas"/> was executed.</summary>
    public double? GasPerSecond => _gasPerSecond;

    /// <summary>The most gas the next proposal may hold.</summary>
    public ulong GasCap
    {
        get
        {
            if (_gasPerSecond is not { } rate) return BlockGasLimit;
            var affordable = rate * ExecutionBudget.TotalSeconds;
            return affordable >= BlockGasLimit ? BlockGasLimit : Math.Max(MinGas, (ulong)affordable);
        }
    }

    /// <summary>The transactions of the next proposal: the pool's best executable ones within <see cref="GasCap"/>.</summary>
    public List<Transaction> SelectTransactions(TransactionPool pool, IAccountReader state) => pool.SelectForBlock(state, GasCap, int.MaxValue);

    /// <summary>The chain's block gas limit can change by governance; the cap never exceeds the current one.</summary>
    public void SetBlockGasLimit(ulong blockGasLimit) => BlockGasLimit = blockGasLimit;

    /// <summary>Records a peer's proposal this node validated (decoded and re-executed) and how long it took.</summary>
    public void Observe(ulong gasUsed, int encodedBytes, TimeSpan elapsed)
    {
        if (gasUsed < MinObservedGas || elapsed <= TimeSpan.Zero) return;
        var rate = gasUsed / elapsed.TotalSeconds;
        _gasPerSecond = _gasPerSecond is { } previous ? previous + Smoothing * (rate - previous) : rate;
        _bytesPerGas += Smoothing * ((double)encodedBytes / gasUsed - _bytesPerGas);
    }

    /// <summary>
    /// The size of the next proposal expected from a mempool holding <paramref name="pendingGas"/>, in encoded
    /// bytes; consensus timeouts are scaled by it. Bounded by the block gas limit, not by this node's own cap: the
    /// proposer may be a faster node with a larger cap, and an overestimate only lengthens a timeout that fires
    /// when the proposer is down.
    /// </summary>
    public long ExpectedProposalBytes(ulong pendingGas) => (long)(Math.Min(pendingGas, BlockGasLimit) * _bytesPerGas);
}
