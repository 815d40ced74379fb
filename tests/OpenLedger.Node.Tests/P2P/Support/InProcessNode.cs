using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.TxPool;
using OpenLedger.Node.Config;
using OpenLedger.Node.Consensus;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Hosting;
using OpenLedger.Node.Network;
using OpenLedger.Storage;
using Serilog;

namespace OpenLedger.Node.Tests.P2P.Support;

/// <summary>
/// The network half of a node in-process: a chain over an in-memory store, its mempool and the real
/// <see cref="P2PService"/> on a free loopback TCP port, plus either the solo block producer (driven by the
/// test through <see cref="Produce"/>) or a <see cref="ChainFollower"/>. Logs go to <see cref="Log"/>.
/// </summary>
public sealed class InProcessNode : IAsyncDisposable
{
    private readonly string _home;
    private readonly CancellationTokenSource _stop = new();
    private Task? _follower;

    private InProcessNode(string name, string home, Blockchain chain, TransactionPool pool, P2PService p2p, CollectingSink log)
    {
        Name = name;
        _home = home;
        Chain = chain;
        Pool = pool;
        P2P = p2p;
        Log = log;
    }

    public string Name { get; }
    public Blockchain Chain { get; }
    public TransactionPool Pool { get; }
    public P2PService P2P { get; }
    public CollectingSink Log { get; }

    /// <summary>The listen address with /p2p/, for other nodes' bootnode lists.</summary>
    public string Address => P2P.ListenAddresses[0];

    public static GenesisDocument Genesis(ulong chainId = 161200, int accounts = 2) => DevnetRunner.CreateGenesis(1, accounts, chainId);

    public static async Task<InProcessNode> StartAsync(string name, GenesisDocument genesis, IEnumerable<string> bootnodes, bool follow, TimeSpan? statusInterval = null)
    {
        var home = Path.Combine(Path.GetTempPath(), "ol-p2p-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(home);
        var modules = ModuleCatalog.Create(genesis);
        var chain = Blockchain.Open(new MemoryStore(), genesis, modules.Registry, modules.LoadParameters);
        var pool = new TransactionPool(chain.ChainId, chain.Parameters, chain.NextBaseFee);
        var sink = new CollectingSink();
        var log = new LoggerConfiguration().MinimumLevel.Debug().Enrich.WithProperty("Node", name).WriteTo.Sink(sink).CreateLogger();
        var config = new NodeConfig { P2PListen = "/ip4/127.0.0.1/tcp/0", Bootnodes = bootnodes.ToList() };
        var p2p = await P2PService.StartAsync(config, home, chain, pool, log, CancellationToken.None, statusInterval ?? TimeSpan.FromMilliseconds(500));
        var node = new InProcessNode(name, home, chain, pool, p2p, sink);
        if (follow)
        {
            var follower = new ChainFollower(chain, new BlockSyncer(chain, pool, p2p, log), p2p, log);
            node._follower = Task.Run(() => follower.RunAsync(node._stop.Token));
        }
        return node;
    }

    /// <summary>Produces one block as the genesis' only validator (devnet consensus key 0).</summary>
    public void Produce(int blocks = 1)
    {
        var producer = new SoloBlockProducer(Chain, Pool, DevnetKeys.Consensus(0), TimeProvider.System, Serilog.Core.Logger.None);
        for (var i = 0; i < blocks; i++) producer.ProduceOne();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_follower is not null) await _follower;
        await P2P.DisposeAsync();
        _stop.Dispose();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp directory only holds the node key.
        }
    }
}
