using OpenLedger.Core.Chain;
using OpenLedger.Execution.TxPool;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// When the next height starts after a commit. The block interval of SPEC §5 is a target: an idle chain makes
/// one (possibly empty) block per interval, but while transactions wait the producer should not sit idle. So the
/// next height starts at once when the committed block carried transactions and the mempool, after pruning, still
/// holds at least a full block's worth of gas; otherwise it starts when the interval, counted from the start of
/// the committed height, has passed. (CometBFT's equivalent is skipping timeout_commit.) Back-to-back blocks
/// change nothing for validity: each still respects the gas limit, and the base fee rises with every full block
/// exactly as EIP-1559 prescribes, per block rather than per second.
/// </summary>
public static class BlockPacing
{
    /// <summary>How long to wait, after committing <paramref name="committed"/>, before starting the next height.</summary>
    /// <param name="elapsedSinceHeightStart">Time spent on the committed height (building, voting, executing).</param>
    /// <param name="fullBlockGas">What a full block holds for this producer (a capped BFT proposal holds less than the gas limit); default the committed block's gas limit.</param>
    public static TimeSpan DelayBeforeNextHeight(Block committed, TransactionPool pool, TimeSpan interval, TimeSpan elapsedSinceHeightStart, ulong? fullBlockGas = null)
    {
        if (HasBacklog(committed, pool, fullBlockGas)) return TimeSpan.Zero;
        var remaining = interval - elapsedSinceHeightStart;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>
    /// True when another full block is waiting. The committed block must have carried transactions, so a pool
    /// holding only transactions that cannot run yet (nonce gaps, fee cap below the base fee) does not make the
    /// chain spin out empty blocks.
    /// </summary>
    public static bool HasBacklog(Block committed, TransactionPool pool, ulong? fullBlockGas = null) =>
        committed.Transactions.Count > 0 && pool.PendingGas >= Math.Min(fullBlockGas ?? committed.Header.GasLimit, committed.Header.GasLimit);
}
