using OpenLedger.Core.Chain;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Processing;
using OpenLedger.Execution.TxPool;
using OpenLedger.Network.Identity;
using Serilog;

namespace OpenLedger.Node.Network;

/// <summary>
/// Catches the chain up from one peer through <c>/blocks/1</c>: downloads blocks with their commits in
/// batches, checks each commit against the validator set we know for that height (ExecuteBlock also checks
/// the block and its parent's commit), re-executes and commits them, and prunes the mempool.
/// </summary>
public sealed class BlockSynchronizer(Blockchain chain, TransactionPool pool, P2PService p2p, ILogger log)
{
    /// <summary>Syncs towards <paramref name="target"/>; returns how many blocks were committed.</summary>
    /// <exception cref="InvalidBlockException">The peer sent a block out of sequence or with an invalid commit.</exception>
    /// <exception cref="IOException">The request failed (see <see cref="BlockSyncProtocol.RequestAsync"/>).</exception>
    public async Task<int> SyncAsync(PeerId peer, ulong target, CancellationToken ct)
    {
        var committed = 0;
        p2p.SetSyncing(true, target);
        try
        {
            while (chain.Head.Number < target && !ct.IsCancellationRequested)
            {
                var from = chain.Head.Number + 1;
                var count = (int)Math.Min(target - chain.Head.Number, BlockSyncProtocol.MaxBlocksPerRequest);
                var blocks = await p2p.Blocks.RequestAsync(peer, from, count, ct).ConfigureAwait(false);
                if (blocks.Count == 0) break;
                foreach (var (block, commit) in blocks)
                {
                    if (block.Number != chain.Head.Number + 1)
                        throw new InvalidBlockException($"peer {peer} sent block {block.Number}, expected {chain.Head.Number + 1}");
                    if (!CommitVerifier.TryVerify(commit, chain.Validators, chain.ChainId, block.Number, block.Hash, out var error))
                        throw new InvalidBlockException($"peer {peer} sent block {block.Number} with an invalid commit: {error}");
                    var executed = chain.ExecuteBlock(block);
                    chain.CommitBlock(executed, commit);
                    pool.Prune(chain.HeadAccounts, chain.NextBaseFee, chain.Parameters);
                    committed++;
                }
                log.Information("Block sync: at height {Head} of {Target}", chain.Head.Number, target);
            }
        }
        finally
        {
            p2p.SetSyncing(false, target);
        }
        return committed;
    }
}
