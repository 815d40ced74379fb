using System.Threading.Channels;
using OpenLedger.Consensus.Messages;
using OpenLedger.Core.Encoding;
using OpenLedger.Execution.Chain;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Protocols;
using OpenLedger.Node.Network;
using Serilog;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// A full node: follows the chain without a vote. It listens on the consensus topic only for the validators'
/// position announcements (a validator at height h has committed h - 1), and whenever a peer is ahead it
/// fetches the missing blocks with their commits over the blocks protocol and verifies every commit against
/// the validator set before applying the block (<see cref="BlockSyncer"/>). It never signs or announces a
/// consensus position, so validators spend no catch-up traffic on it. Its mempool admits transactions from
/// RPC and gossip like a validator's, and it relays them to the validators.
/// </summary>
public sealed class ChainFollower(Blockchain chain, BlockSyncer syncer, P2PService p2p, ILogger log) : IBlockProducer
{
    /// <summary>Look at peer heights at least this often even without a new announcement (e.g. after a failed download).</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _consensusTopic = OpenLedgerProtocolIds.ConsensusTopic(chain.ChainId);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public async Task RunAsync(CancellationToken ct)
    {
        p2p.Host.Gossip.Subscribe(_consensusTopic, BftDriver.ValidateGossip);
        p2p.Host.Gossip.PrioritiseTopic(_consensusTopic);
        p2p.Host.Gossip.MessageReceived += OnGossip;
        log.Information("Following the chain as a full node (no consensus key in the validator set); at height {Height}", chain.Head.Number);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (p2p.HighestPeer() is { } best && best.Height > chain.Head.Number)
                {
                    await syncer.SyncAsync(best.Peer, best.Height, ct);
                    continue;
                }
                using var recheck = CancellationTokenSource.CreateLinkedTokenSource(ct);
                recheck.CancelAfter(RecheckInterval);
                try
                {
                    await _wake.Reader.ReadAsync(recheck.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            p2p.Host.Gossip.MessageReceived -= OnGossip;
        }
    }

    private void OnGossip(GossipMessage message)
    {
        if (message.Topic != _consensusTopic) return;
        try
        {
            if (ConsensusMessage.Decode(message.Data) is NewRoundStepMessage { Height: > 0 } position)
            {
                p2p.ReportPeerHeight(message.From, position.Height - 1);
                if (position.Height - 1 > chain.Head.Number) _wake.Writer.TryWrite(true);
            }
        }
        catch (RlpException e)
        {
            log.Debug("Dropped an undecodable consensus message from {Peer}: {Reason}", message.From, e.Message);
        }
    }
}
