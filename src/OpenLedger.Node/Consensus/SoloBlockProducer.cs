using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.TxPool;
using Serilog;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// Block production for a chain with a single validator: every block interval (or at once while a full block's
/// worth of transactions waits, see <see cref="BlockPacing"/>) it builds a block from the mempool, signs the precommit (it alone is more than 2/3 of the power) and commits it. Same header and
/// commit format as the BFT engine, so a chain started solo can be followed and synced by other nodes.
/// </summary>
public sealed class SoloBlockProducer(
    Blockchain chain,
    TransactionPool pool,
    PrivateKey consensusKey,
    TimeProvider time,
    ILogger log) : IBlockProducer
{
    private readonly Core.Types.Address _address = consensusKey.Address;

    private TaskCompletionSource? _fullBlockWaiter;
    private ulong _fullBlockGas;

    /// <summary>
    /// Produces blocks until cancelled. Pacing (see <see cref="BlockPacing"/>): back to back while a full block waits;
    /// otherwise the next height starts one interval after the last height that was not started early, or as soon as a
    /// full block's worth of transactions has arrived during that wait. Counting the interval from the last paced
    /// height, not from the last block, lets the remainder of a drained backlog go at once (one interval has long
    /// passed) instead of sitting out a fresh interval behind the backlog's last full block; partial blocks still come
    /// at most one per interval.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (chain.Validators.Count != 1 || chain.Validators.Find(_address) is null)
            throw new InvalidOperationException(
                $"solo block production needs this node's consensus key {_address} to be the only validator; the set has {chain.Validators.Count}");
        log.Information("Producing blocks every {IntervalMs} ms as the only validator {Validator}", chain.Parameters.BlockIntervalMs, _address);
        pool.Added += OnTransactionAdded;
        try
        {
            var pacedStart = time.GetTimestamp();
            var startedEarly = false;
            while (!ct.IsCancellationRequested)
            {
                var started = time.GetTimestamp();
                if (!startedEarly) pacedStart = started;
                var block = ProduceOne();
                var interval = TimeSpan.FromMilliseconds(chain.Parameters.BlockIntervalMs);
                var wait = BlockPacing.DelayBeforeNextHeight(block, pool, interval, time.GetElapsedTime(pacedStart));
                startedEarly = BlockPacing.HasBacklog(block, pool);
                if (wait <= TimeSpan.Zero)
                {
                    // Back to back: let RPC and other work in without a timer between blocks.
                    await Task.Yield();
                    continue;
                }
                try
                {
                    // Only after a block that carried transactions: a pool of transactions that cannot run yet must not
                    // wake an idle chain (the same guard as HasBacklog).
                    startedEarly = block.Transactions.Count > 0
                        ? await WaitForFullBlockAsync(wait, block.Header.GasLimit, ct)
                        : await DelayAsync(wait, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            pool.Added -= OnTransactionAdded;
        }
    }

    private async Task<bool> DelayAsync(TimeSpan wait, CancellationToken ct)
    {
        await Task.Delay(wait, time, ct);
        return false;
    }

    /// <summary>Waits <paramref name="wait"/>, or less if the pool reaches <paramref name="gas"/>; true when woken early.</summary>
    private async Task<bool> WaitForFullBlockAsync(TimeSpan wait, ulong gas, CancellationToken ct)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fullBlockGas = gas;
        Volatile.Write(ref _fullBlockWaiter, waiter);
        try
        {
            if (pool.PendingGas >= gas) return true;
            using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = Task.Delay(wait, time, delayCancel.Token);
            if (await Task.WhenAny(waiter.Task, delay) == waiter.Task)
            {
                await delayCancel.CancelAsync();
                return true;
            }
            await delay;
            return false;
        }
        finally
        {
            Volatile.Write(ref _fullBlockWaiter, null);
        }
    }

    private void OnTransactionAdded(Transaction _)
    {
        if (Volatile.Read(ref _fullBlockWaiter) is { } waiter && pool.PendingGas >= _fullBlockGas) waiter.TrySetResult();
    }

    public Block ProduceOne()
    {
        var head = chain.Head;
        var lastCommit = chain.Store.GetCommit(head.Number) ?? Commit.Empty;
        var candidates = pool.SelectForBlock(chain.HeadAccounts, chain.Parameters.BlockGasLimit, int.MaxValue);
        var now = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        var executed = chain.BuildBlock(now, _address, lastCommit, candidates, []);
        var block = executed.Block;
        var digest = Vote.SigningDigest(chain.ChainId, VoteType.Precommit, block.Number, 0, block.Hash);
        var signature = consensusKey.Sign(digest).ToCompact65();
        var commit = new Commit { Height = block.Number, Round = 0, BlockHash = block.Hash, Signatures = [new CommitSignature(_address, signature)] };
        chain.CommitBlock(executed, commit);
        var pruned = pool.Prune(chain.HeadAccounts, chain.NextBaseFee, chain.Parameters);
        foreach (var (tx, error) in executed.Result.Dropped)
            log.Debug("Dropped {Tx} from block {Number}: {Reason}", tx.Hash, block.Number, error.Message);
        log.Debug("Committed block {Number} {Hash} with {Count} transactions, {GasUsed} gas; pool pruned {Pruned}",
            block.Number, block.Hash, block.Transactions.Count, block.Header.GasUsed, pruned);
        return block;
    }
}

public interface IBlockProducer
{
    Task RunAsync(CancellationToken ct);
}
