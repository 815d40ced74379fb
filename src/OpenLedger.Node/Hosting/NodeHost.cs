using System.Diagnostics;
using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.Json;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.TxPool;
using OpenLedger.Network.Identity;
using OpenLedger.Node.Config;
using OpenLedger.Node.Cli;
using OpenLedger.Node.Consensus;
using OpenLedger.Node.Network;
using OpenLedger.Node.Rpc;
using OpenLedger.Rpc;
using OpenLedger.State.Trie;
using OpenLedger.Storage;
using Prometheus;
using Serilog;

namespace OpenLedger.Node.Hosting;

/// <summary>
/// The composition root of a running node: storage, chain, mempool, RPC servers, metrics and block
/// production, started in dependency order and stopped in reverse. Nothing committed is lost on stop: every
/// block is one synced write batch, so even a kill between two steps leaves a consistent database.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    private readonly ILogger _log;
    private readonly List<Func<ValueTask>> _stops = new();
    private CancellationTokenSource? _production;
    private Task? _producerTask;

    private NodeHost(ILogger log) => _log = log;

    public required string Home { get; init; }
    public Blockchain Chain { get; private set; } = null!;
    public TransactionPool Pool { get; private set; } = null!;
    public NodeEndpoints Endpoints { get; private set; } = null!;

    /// <param name="config">The config to run with (e.g. with command-line overrides); by default the home's config.json.</param>
    public static async Task<NodeHost> StartAsync(string home, ILogger log, CancellationToken ct, NodeConfig? config = null)
    {
        var host = new NodeHost(log) { Home = Path.GetFullPath(home) };
        try
        {
            await host.StartComponentsAsync(config ?? NodeConfig.Load(host.Home), ct);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private async Task StartComponentsAsync(NodeConfig config, CancellationToken ct)
    {
        var genesisPath = config.Resolve(Home, config.GenesisFile);
        var genesis = GenesisDocument.Load(genesisPath);
        var problems = GenesisRules.Validate(genesis);
        if (problems.Count > 0) throw new GenesisException($"{genesisPath} is invalid:\n  - " + string.Join("\n  - ", problems));
        _log.Information("secp256k1 backend: {Backend} ({Reason})", Secp256k1.BackendName, Secp256k1.BackendSelectionReason);
        _log.Information("Ed25519 backend: {Backend} ({Reason})", Ed25519Signatures.BackendName, Ed25519Signatures.BackendSelectionReason);

        var dataDir = config.Resolve(Home, config.DataDirectory);
        var db = RocksDbStore.Open(dataDir, new RocksDbStoreOptions { BlockCacheMiB = config.DatabaseCacheMiB });
        _stops.Add(() =>
        {
            db.Dispose();
            return ValueTask.CompletedTask;
        });

        var modules = ModuleCatalog.Create(genesis);
        Chain = Blockchain.Open(db, genesis, modules.Registry, modules.LoadParameters);
        _log.Information("Chain {ChainId} opened at block {Height} {Hash} (state root {StateRoot})",
            Chain.ChainId, Chain.Head.Number, Chain.Head.Hash, Chain.Head.StateRoot);
        var chain = Chain;
        var warmingStop = new CancellationTokenSource();
        var warming = Task.Run(() =>
        {
            // The first blocks after a start would otherwise read the account trie's upper levels one by one.
            var started = Stopwatch.StartNew();
            try
            {
                var read = chain.WarmNodeCache(warmingStop.Token);
                _log.Information("State cache warmed: {Nodes} trie nodes read in {Ms} ms", read, started.ElapsedMilliseconds);
            }
            catch (Exception e) when (e is StorageException or ObjectDisposedException or TrieException)
            {
                _log.Warning("State cache warm-up stopped: {Error}", e.Message);
            }
        }, CancellationToken.None);
        // Stopped (and waited for) before the database closes: stops run in reverse order.
        _stops.Add(async () =>
        {
            await warmingStop.CancelAsync();
            await warming;
            warmingStop.Dispose();
        });

        Pool = new TransactionPool(Chain.ChainId, Chain.Parameters, Chain.NextBaseFee,
            new TxPoolOptions { MaxTransactions = config.MempoolMaxTransactions, MaxPerSender = config.MempoolMaxPerSender }, Chain.Senders);

        var metrics = new NodeMetrics();
        var lastTimestamp = Chain.Head.TimestampMs;
        metrics.Height.Set(Chain.Head.Number);
        Chain.BlockCommitted += (block, _) =>
        {
            metrics.Height.Set(block.Number);
            metrics.Blocks.Inc();
            metrics.Transactions.Inc(block.Transactions.Count);
            metrics.GasUsed.Set(block.Header.GasUsed);
            metrics.BlockInterval.Observe((block.Header.TimestampMs - lastTimestamp) / 1000.0);
            metrics.BaseFee.Set((double)Chain.NextBaseFee);
            metrics.MempoolSize.Set(Pool.Count);
            metrics.BlockCommitDuration.Observe(Chain.LastPersistDuration.TotalSeconds);
            lastTimestamp = block.Header.TimestampMs;
        };

        // A single validator needs no network; with more, or as a follower, the node joins the p2p network.
        P2PService? p2p = null;
        if (Chain.Validators.Count > 1 || config.Bootnodes.Count > 0)
        {
            p2p = await P2PService.StartAsync(config, Home, Chain, Pool, _log, ct);
            _stops.Add(() => p2p.DisposeAsync());
        }
        // Values that change outside block commits are read when Prometheus scrapes.
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            metrics.Peers.Set(p2p?.Peers.Count ?? 0);
            metrics.ObserveSync(p2p?.IsSyncing ?? false, p2p?.SyncTargetHeight ?? 0, Chain.Head.Number);
            metrics.MempoolSize.Set(Pool.Count);
            metrics.SenderRecoveries.IncTo(Chain.Senders.Recoveries);
            metrics.SenderCacheHits.IncTo(Chain.Senders.Hits);
            if (p2p is not null)
            {
                metrics.GossipDuplicates.IncTo(p2p.Host.Gossip.DuplicateMessages);
                metrics.GossipRelaysSkipped.IncTo(p2p.Host.Gossip.RelaysSkipped);
            }
        });
        var backend = new ChainBackend(Chain, Pool, p2p is null ? new NoNetwork() : p2p, modules.Views);
        backend.TransactionAccepted += _ => metrics.MempoolSize.Set(Pool.Count);
        if (p2p is not null) backend.TransactionAccepted += p2p.PublishTransaction;
        var rpc = await RpcHosting.StartAsync(backend, new RpcOptions { GrpcEndpoint = config.GrpcListen, JsonRpcEndpoint = config.JsonRpcListen }, _log, ct);
        _stops.Add(() => rpc.DisposeAsync());

        var metricsEndpoint = RpcOptions.ParseEndpoint(config.MetricsListen);
        if (metricsEndpoint.Port == 0) metricsEndpoint.Port = FreePorts.Pick(metricsEndpoint.Address);
        var metricServer = new KestrelMetricServer(metricsEndpoint.Address.ToString(), metricsEndpoint.Port);
        metricServer.Start();
        _stops.Add(async () => await metricServer.StopAsync());

        Endpoints = new NodeEndpoints
        {
            Grpc = rpc.GrpcAddress?.ToString().TrimEnd('/') ?? "",
            JsonRpc = rpc.JsonRpcAddress?.ToString().TrimEnd('/') ?? "",
            Metrics = $"http://{metricsEndpoint.Address}:{metricsEndpoint.Port}/metrics",
            ProcessId = Environment.ProcessId,
        };
        File.WriteAllText(Path.Combine(Home, "endpoints.json"), JsonSerializer.Serialize(Endpoints, OpenLedgerJson.Options) + "\n");

        StartBlockProduction(config, db, p2p, metrics);
        _log.Information("Node ready: gRPC {Grpc}, JSON-RPC {JsonRpc}, metrics {Metrics}", Endpoints.Grpc, Endpoints.JsonRpc, Endpoints.Metrics);
    }

    private void StartBlockProduction(NodeConfig config, IKeyValueStore db, P2PService? p2p, NodeMetrics metrics)
    {
        if (CreateBlockProducer(config, db, p2p, metrics) is not { } producer) return;
        _production = new CancellationTokenSource();
        var token = _production.Token;
        _producerTask = Task.Run(async () =>
        {
            try
            {
                await producer.RunAsync(token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.Fatal(e, "Block production stopped");
            }
        });
    }

    /// <summary>A validator in the set produces blocks (solo or BFT); any other node with peers follows the chain as a full node.</summary>
    private IBlockProducer? CreateBlockProducer(NodeConfig config, IKeyValueStore db, P2PService? p2p, NodeMetrics metrics)
    {
        var key = config.ConsensusKeyFile is null ? null : KeyFile.Read(config.Resolve(Home, config.ConsensusKeyFile));
        if (key is not null && Chain.Validators.Find(key.Address) is not null)
        {
            return Chain.Validators.Count > 1 && p2p is not null
                ? new BftDriver(Chain, Pool, key, db, p2p, TimeProvider.System, _log, metrics)
                : new SoloBlockProducer(Chain, Pool, key, TimeProvider.System, _log);
        }
        if (key is null) _log.Information("No consensus key configured: this is a full node");
        else _log.Information("Consensus key {Address} is not in the validator set: this is a full node", key.Address);
        if (p2p is null)
        {
            _log.Warning("No bootnodes configured and a single validator in the genesis: nothing to follow; set bootnodes in {Config}", Path.Combine(Home, NodeConfig.FileName));
            return null;
        }
        return new ChainFollower(Chain, new BlockSyncer(Chain, Pool, p2p, _log), p2p, _log);
    }

    public async ValueTask DisposeAsync()
    {
        if (_production is not null)
        {
            await _production.CancelAsync();
            if (_producerTask is not null) await _producerTask;
            _production.Dispose();
        }
        for (var i = _stops.Count - 1; i >= 0; i--)
        {
            try
            {
                await _stops[i]();
            }
            catch (Exception e)
            {
                _log.Warning(e, "Error while stopping a component");
            }
        }
        _stops.Clear();
    }
}
