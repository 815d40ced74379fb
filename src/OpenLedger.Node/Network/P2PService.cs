using System.Collections.Concurrent;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.TxPool;
using OpenLedger.Network.Addressing;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Host;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Protocols;
using OpenLedger.Node.Config;
using OpenLedger.Node.Rpc;
using Serilog;

namespace OpenLedger.Node.Network;

/// <summary>
/// The node's libp2p presence: the host (node key, listen address, bootnodes redialled by the host with
/// backoff), transaction gossip into and out of the mempool, the block sync protocol, and what RPC shows
/// of it (<see cref="INetworkInfo"/>). Consensus gossip is attached by <c>BftDriver</c>.
/// </summary>
public sealed class P2PService : INetworkInfo, IAsyncDisposable
{
    private readonly Libp2pHost _host;
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<PeerId, ulong> _peerHeights = new();
    private readonly ConcurrentDictionary<PeerId, bool> _withoutStatus = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly System.Threading.Channels.Channel<OutgoingTransaction> _toPublish =
        System.Threading.Channels.Channel.CreateUnbounded<OutgoingTransaction>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    private readonly TimeSpan _statusInterval;
    private volatile bool _syncing;
    private ulong _syncTarget;

    private P2PService(Libp2pHost host, Blockchain chain, TransactionPool pool, ILogger log, TimeSpan statusInterval)
    {
        _host = host;
        _chain = chain;
        _pool = pool;
        _log = log;
        _statusInterval = statusInterval;
        TransactionsTopic = OpenLedgerProtocolIds.TransactionsTopic(chain.ChainId);
        TransactionBatchTopic = OpenLedgerProtocolIds.TransactionBatchTopic(chain.ChainId);
        Blocks = new BlockSyncProtocol(host, chain, log);
        Status = new StatusProtocol(host, chain);
    }

    /// <summary>How often connected peers are asked for their status when nothing else told us their height.</summary>
    public static readonly TimeSpan DefaultStatusInterval = TimeSpan.FromSeconds(3);

    public Libp2pHost Host => _host;

    public string TransactionsTopic { get; }

    /// <summary>Many transactions per message between openledger nodes (<see cref="TransactionBatch"/>).</summary>
    public string TransactionBatchTopic { get; }

    public BlockSyncProtocol Blocks { get; }

    public StatusProtocol Status { get; }

    public static async Task<P2PService> StartAsync(NodeConfig config, string home, Blockchain chain, TransactionPool pool, ILogger log, CancellationToken ct,
        TimeSpan? statusInterval = null)
    {
        var keyPath = config.Resolve(home, config.NodeKeyFile);
        var nodeKey = NodeKey.LoadOrCreate(keyPath);
        var bootnodes = new List<Multiaddr>();
        foreach (var text in config.Bootnodes)
        {
            if (!Multiaddr.TryParse(text, out var address) || address is null)
                throw new NodeConfigException($"bootnode \"{text}\" in {Path.Combine(home, NodeConfig.FileName)} is not a valid multiaddr (expected e.g. /ip4/127.0.0.1/tcp/26656/p2p/12D3KooW…)");
            if (address.PeerId == nodeKey.PeerId) continue;
            bootnodes.Add(address);
        }
        if (!Multiaddr.TryParse(config.P2PListen, out var listen) || listen is null)
            throw new NodeConfigException($"p2pListen \"{config.P2PListen}\" is not a valid multiaddr (expected e.g. /ip4/127.0.0.1/tcp/26656)");
        var host = Libp2pHost.Create(new Libp2pHostOptions
        {
            NodeKey = nodeKey,
            ListenAddresses = [listen],
            Bootnodes = bootnodes,
            MaxPeers = config.MaxPeers,
            Logger = log,
        });
        var service = new P2PService(host, chain, pool, log, statusInterval ?? DefaultStatusInterval);
        var admission = new TransactionGossipAdmission(chain, pool, log, service.RelayToSingleTransactionPeers);
        host.Gossip.SubscribeBatched(service.TransactionsTopic, admission.Validate);
        // A batch message holds up to 1,024 transactions: validate a few messages at a time and queue few.
        host.Gossip.SubscribeBatched(service.TransactionBatchTopic, admission.ValidateBatches, maxBatch: 4, maxQueue: 256);
        service.Blocks.Serve();
        service.Status.Serve(service.OnPeerStatus);
        host.PeerConnected += peer => _ = service.ExchangeStatusAsync(peer.PeerId);
        host.PeerDisconnected += peer =>
        {
            service._peerHeights.TryRemove(peer.PeerId, out _);
            service._withoutStatus.TryRemove(peer.PeerId, out _);
        };
        await host.StartAsync(ct);
        _ = Task.Run(service.RefreshStatusLoopAsync);
        _ = Task.Run(service.PublishTransactionsLoopAsync);
        log.Information("p2p node id {PeerId}, {Count} bootnodes", host.LocalPeerId, bootnodes.Count);
        return service;
    }

    /// <summary>
    /// Asks a peer for its status (on connect and periodically): its head height feeds block sync, and a peer
    /// on another chain, genesis or protocol version is disconnected and banned with the reason logged.
    /// Peers that do not speak the status protocol (e.g. a plain libp2p peer) are left alone.
    /// </summary>
    private async Task ExchangeStatusAsync(PeerId peer)
    {
        try
        {
            var theirs = await Status.RequestAsync(peer, _lifetime.Token).ConfigureAwait(false);
            OnPeerStatus(peer, theirs);
        }
        catch (OpenLedger.Network.Multistream.MultistreamException e)
        {
            _withoutStatus[peer] = true;
            _log.Debug("Peer {Peer} does not speak {Protocol}: {Reason}", peer, Status.ProtocolId, e.Message);
            DisconnectIfOnAnotherChain(peer);
        }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException or OperationCanceledException)
        {
            _log.Debug("Status exchange with {Peer} failed: {Reason}", peer, e.Message);
        }
    }

    private void OnPeerStatus(PeerId peer, StatusMessage theirs)
    {
        var reason = Status.Local().IncompatibilityWith(theirs);
        if (reason is not null)
        {
            _peerHeights.TryRemove(peer, out _);
            _log.Warning("Disconnecting peer {Peer}: {Reason}", peer, reason);
            _host.BanPeer(peer, "not on our chain: " + reason);
            return;
        }
        _peerHeights[peer] = theirs.HeadHeight;
    }

    /// <summary>
    /// A node of another chain id serves <c>/openledger/&lt;itsChainId&gt;/…</c>, so our status protocol id is
    /// refused; its identify protocol list tells us which chain it is on.
    /// </summary>
    private void DisconnectIfOnAnotherChain(PeerId peer)
    {
        var info = _host.ConnectedPeers.FirstOrDefault(p => p.PeerId == peer);
        if (info is null) return;
        foreach (var protocol in info.Protocols)
        {
            var parts = protocol.Split('/');
            if (parts.Length == 5 && parts[1] == "openledger" && parts[3] == "status"
                && ulong.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var chainId)
                && chainId != _chain.ChainId)
            {
                var reason = $"it serves {protocol}: it is on chain {chainId}, we are on chain {_chain.ChainId}";
                _log.Warning("Disconnecting peer {Peer}: {Reason}", peer, reason);
                _host.BanPeer(peer, "not on our chain: " + reason);
                return;
            }
        }
    }

    private async Task RefreshStatusLoopAsync()
    {
        while (!_lifetime.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_statusInterval, _lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var peer in _withoutStatus.Keys) DisconnectIfOnAnotherChain(peer); // identify may have finished since
            var peers = _host.ConnectedPeers.Select(p => p.PeerId).Where(p => !_withoutStatus.ContainsKey(p)).ToArray();
            await Task.WhenAll(peers.Select(ExchangeStatusAsync)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Publishes a transaction this node accepted (over RPC) to the network. The caller (an RPC handler admitting a
    /// batch) only queues it; a background loop collects what queues up within <see cref="PublishLinger"/> and sends
    /// it as one <see cref="TransactionBatch"/> message on the batch topic to the peers subscribed there (other
    /// openledger nodes), and as single-transaction messages on the transaction topic to peers subscribed only
    /// there (e.g. js-libp2p, SPEC §7); nothing is signed for a kind of peer that is not connected.
    /// </summary>
    public void PublishTransaction(Transaction tx) => _toPublish.Writer.TryWrite(new OutgoingTransaction(tx.Encoded.ToArray(), Local: true));

    /// <summary>
    /// Transactions admitted from another node's batch reach our batch-topic peers by gossipsub forwarding; peers that
    /// only take single transactions (they cannot read batches) get them from us as our own single messages.
    /// </summary>
    private void RelayToSingleTransactionPeers(IReadOnlyList<Transaction> admitted)
    {
        if (_host.Gossip.PublicationTargets(TransactionsTopic, skipSubscribersOf: TransactionBatchTopic).Length == 0) return;
        foreach (var tx in admitted) _toPublish.Writer.TryWrite(new OutgoingTransaction(tx.Encoded.ToArray(), Local: false));
    }

    /// <summary>
    /// How long the publish loop waits for more transactions after the first one before sending a batch that is not
    /// full: a few milliseconds of latency against one envelope signature (and one verification per peer) for many
    /// transactions at moderate rates. A backlog is sent in full batches, with this pause once per batch at most.
    /// </summary>
    public static readonly TimeSpan PublishLinger = TimeSpan.FromMilliseconds(5);

    private async Task PublishTransactionsLoopAsync()
    {
        var batch = new List<byte[]>(TransactionBatch.MaxTransactions);
        var singles = new List<byte[]>(TransactionBatch.MaxTransactions);
        OutgoingTransaction? carried = null; // read but did not fit the previous batch
        try
        {
            while (carried is not null || await _toPublish.Reader.WaitToReadAsync(_lifetime.Token).ConfigureAwait(false))
            {
                if (carried is null) await Task.Delay(PublishLinger, _lifetime.Token).ConfigureAwait(false);
                batch.Clear();
                singles.Clear();
                var batchBytes = 0;
                while (singles.Count < TransactionBatch.MaxTransactions)
                {
                    OutgoingTransaction next;
                    if (carried is { } held) (next, carried) = (held, null);
                    else if (!_toPublish.Reader.TryRead(out next)) break;
                    if (next.Local)
                    {
                        var size = RlpWriter.BytesLength(next.Raw);
                        if (batch.Count > 0 && !TransactionBatch.Fits(batch.Count + 1, batchBytes + size))
                        {
                            carried = next;
                            break;
                        }
                        batch.Add(next.Raw);
                        batchBytes += size;
                    }
                    singles.Add(next.Raw);
                }
                try
                {
                    if (batch.Count > 0 && _host.Gossip.PublicationTargets(TransactionBatchTopic).Length > 0)
                        await _host.Gossip.PublishAsync(TransactionBatchTopic, TransactionBatch.Encode(batch)).ConfigureAwait(false);
                    await _host.Gossip.PublishManyAsync(TransactionsTopic, singles, skipSubscribersOf: TransactionBatchTopic).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.Warning("Could not publish {Count} transactions: {Reason}", singles.Count, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A transaction waiting for the publish loop: accepted over RPC (<paramref name="Local"/>) or relayed from a peer's batch.</summary>
    private readonly record struct OutgoingTransaction(byte[] Raw, bool Local);

    public async Task PublishSafelyAsync(string topic, byte[] data, string what)
    {
        try
        {
            await _host.Gossip.PublishAsync(topic, data);
        }
        catch (Exception e)
        {
            _log.Debug("Could not publish {What} on {Topic}: {Reason}", what, topic, e.Message);
        }
    }

    /// <summary>Heights peers announce (consensus position messages); block sync uses the highest.</summary>
    public void ReportPeerHeight(PeerId peer, ulong height) => _peerHeights[peer] = height;

    public (PeerId Peer, ulong Height)? HighestPeer()
    {
        (PeerId, ulong)? best = null;
        foreach (var (peer, height) in _peerHeights)
            if (_host.IsConnected(peer) && (best is null || height > best.Value.Item2)) best = (peer, height);
        return best;
    }

    public void SetSyncing(bool syncing, ulong target)
    {
        Interlocked.Exchange(ref _syncTarget, target);
        _syncing = syncing;
    }

    public string NodeId => _host.LocalPeerId.ToString();

    public IReadOnlyList<string> ListenAddresses => _host.ListenAddresses.Select(a => a.WithPeerId(_host.LocalPeerId).ToString()).ToArray();

    public IReadOnlyList<OpenLedger.Rpc.Backend.PeerInfo> Peers =>
        _host.ConnectedPeers.Select(p => new OpenLedger.Rpc.Backend.PeerInfo(
            p.PeerId.ToString(), p.RemoteAddress.ToString(), p.Direction == ConnectionDirection.Inbound,
            _peerHeights.GetValueOrDefault(p.PeerId))).ToArray();

    public bool IsSyncing => _syncing;

    public ulong SyncTargetHeight => Interlocked.Read(ref _syncTarget);

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync();
        await _host.DisposeAsync();
        _lifetime.Dispose();
    }
}
