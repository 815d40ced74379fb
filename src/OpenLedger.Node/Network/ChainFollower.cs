using OpenLedger.Execution.Chain;
using OpenLedger.Execution.TxPool;
using OpenLedger.Node.Consensus;
using Serilog;

namespace OpenLedger.Node.Network;

/// <summary>
/// Follows the chain without producing blocks (a full node): whenever a connected peer reports a higher head
/// (status exchange on connect and every status interval), it downloads and verifies the missing blocks from
/// that peer. A peer that fails or lies costs one attempt; the next round picks a peer again.
/// </summary>
public sealed class ChainFollower(Blockchain chain, TransactionPool pool, P2PService p2p, ILogger log) : IBlockProducer
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly BlockSynchronizer _synchronizer = new(chain, pool, p2p, log);

    public async Task RunAsync(CancellationToken ct)
    {
        log.Information("Following the chain from peers at height {Height}", chain.Head.Number);
        while (!ct.IsCancellationRequested)
        {
            if (p2p.HighestPeer() is { } best && best.Height > chain.Head.Number)
            {
                try
                {
                    await _synchronizer.SyncAsync(best.Peer, best.Height, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
                {
                    log.Warning("Block sync from {Peer} stopped at height {Head}: {Reason}", best.Peer, chain.Head.Number, e.Message);
                }
            }
            try
            {
                await Task.Delay(PollInterval, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
