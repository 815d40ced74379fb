using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
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

    public async Task RunAsync(CancellationToken ct)
    {
        if (chain.Validators.Count != 1 || chain.Validators.Find(_address) is null)
            throw new InvalidOperationException(
                $"solo block production needs this node's consensus key {_address} to be the only validator; the set has {chain.Validators.Count}");
        log.Information("Producing blocks every {IntervalMs} ms as the only validator {Validator}", chain.Parameters.BlockIntervalMs, _address);
        while (!ct.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            var block = ProduceOne();
            var interval = TimeSpan.FromMilliseconds(chain.Parameters.BlockIntervalMs);
            var wait = BlockPacing.DelayBeforeNextHeight(block, pool, interval, time.GetElapsedTime(started));
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            else
            {
                // Back to back: let RPC and other work in without a timer between blocks.
                await Task.Yield();
            }
        }
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
