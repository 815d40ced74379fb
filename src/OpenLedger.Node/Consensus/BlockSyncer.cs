using OpenLedger.Core.Chain;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Processing;
using OpenLedger.Execution.TxPool;
using OpenLedger.Network.Identity;
using OpenLedger.Node.Network;
using Serilog;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// Block sync, the client side of <see cref="BlockSyncProtocol"/>: downloads the blocks a peer has committed
/// beyond our head, verifies each block's own commit against the validator set we know for it (ExecuteBlock
/// also checks the block and its parent's commit), commits them and prunes the mempool. Used by validators
/// that fell behind (<see cref="BftDriver"/>) and by full nodes, which follow the chain only this way
/// (<see cref="ChainFollower"/>).
/// </summary>
public sealed class BlockSyncer(Blockchain chain, TransactionPool pool, P2PService p2p, ILogger log)
{
    /// <summary>
    /// Syncs up to <paramref name="target"/> from <paramref name="peer"/>. A gap of more than one block is
    /// reported as syncing (eth_syncing, status) and logged per batch; following one block at a time is not.
    /// A peer that fails or lies costs one attempt: the error is logged and the caller picks a peer again later.
    /// </summary>
    /// <returns>How many blocks were committed.</returns>
    public async Task<int> SyncAsync(PeerId peer, ulong target, CancellationToken ct)
    {
        var start = chain.Head.Number;
        var catchingUp = target > start + 1;
        if (catchingUp)
        {
            p2p.SetSyncing(true, target);
            log.Information("Block sync: {Peer} is at height {Target}, we are at {Head}", peer, target, start);
        }
        // The next batch is requested before this one is executed, so the peer's reading and the transfer overlap
        // with our execution instead of adding a round trip per batch.
        Task<IReadOnlyList<(Block Block, Commit Commit)>>? next = Request(peer, chain.Head.Number + 1, target, ct);
        try
        {
            while (next is not null && !ct.IsCancellationRequested)
            {
                var waitStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                var blocks = await next;
                next = null;
                var waited = System.Diagnostics.Stopwatch.GetElapsedTime(waitStarted);
                if (blocks.Count == 0) break;
                var after = blocks[^1].Block.Number + 1;
                if (after <= target) next = Request(peer, after, target, ct);
                var applyStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                foreach (var (block, commit) in blocks) CommitSynced(peer, block, commit);
                // Once per batch: pruning walks the pool, and nothing builds blocks from it while we catch up.
                pool.Prune(chain.HeadAccounts, chain.NextBaseFee, chain.Parameters);
                if (catchingUp)
                    log.Information("Block sync: at height {Head} of {Target} ({Blocks} blocks applied in {ApplyMs:F0} ms, {WaitMs:F0} ms waiting for the peer)",
                        chain.Head.Number, target, blocks.Count, System.Diagnostics.Stopwatch.GetElapsedTime(applyStarted).TotalMilliseconds, waited.TotalMilliseconds);
                else log.Information("Followed block {Number} {Hash} from {Peer}", chain.Head.Number, chain.Head.Hash, peer);
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.Warning("Block sync from {Peer} stopped at height {Head}: {Reason}", peer, chain.Head.Number, e.Message);
        }
        finally
        {
            // A prefetch still under way when we stop is not needed; observe its failure so it is not left unobserved.
            next?.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (catchingUp) p2p.SetSyncing(false, target);
        }
        return (int)(chain.Head.Number - start);
    }

    private Task<IReadOnlyList<(Block Block, Commit Commit)>>? Request(PeerId peer, ulong from, ulong target, CancellationToken ct) =>
        from > target ? null : p2p.Blocks.RequestAsync(peer, from, (int)Math.Min(target - from + 1, BlockSyncProtocol.MaxBlocksPerRequest), ct);

    private void CommitSynced(PeerId peer, Block block, Commit commit)
    {
        if (block.Number != chain.Head.Number + 1)
            throw new InvalidBlockException($"peer {peer} sent block {block.Number}, expected {chain.Head.Number + 1}");
        if (!CommitVerifier.TryVerify(commit, chain.Validators, chain.ChainId, block.Number, block.Hash, out var error))
            throw new InvalidBlockException($"peer {peer} sent block {block.Number} with an invalid commit: {error}");
        var executed = chain.ExecuteBlock(block);
        chain.CommitBlock(executed, commit);
    }
}
