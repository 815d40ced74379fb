using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Execution;
using OpenLedger.Node.Cli;
using OpenLedger.Node.Config;
using OpenLedger.Node.Devnet;

namespace OpenLedger.Node.Bench;

/// <summary>
/// Block sync over the real network (docs/performance.md): a one-validator devnet with a short block interval
/// produces <c>blocks</c> blocks while transfers arrive at a steady rate; then a fresh full node (no consensus key,
/// the producer as its bootnode) is started and timed until its head reaches the producer's height at its start.
/// </summary>
public sealed class NetworkSyncBench(TextWriter progress)
{
    public async Task<NetworkSyncReport> RunAsync(ulong blocks, ulong blockIntervalMs, double loadTxPerSec, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var chainId = ChainParameters.DevnetChainId;
        var genesis = DevnetRunner.CreateGenesis(1, 10, chainId);
        genesis = genesis with { Params = genesis.Params with { BlockIntervalMs = blockIntervalMs } };
        var genesisPath = Path.Combine(directory, "genesis.json");
        genesis.Save(genesisPath);
        var manifest = new DevnetRunner(Path.Combine(directory, "devnet"), 1, 10, chainId, progress, genesisPath).Prepare();
        var producer = manifest.Nodes[0];

        // The full node's home first: the producer needs its address as a bootnode, or a lone validator runs without p2p.
        var fullHome = Path.Combine(directory, "full");
        var fullConfig = new NodeConfig
        {
            Moniker = "full",
            ConsensusKeyFile = null,
            GrpcListen = $"127.0.0.1:{DevnetPorts.Pick()}",
            JsonRpcListen = $"127.0.0.1:{DevnetPorts.Pick()}",
            MetricsListen = $"127.0.0.1:{DevnetPorts.Pick()}",
            P2PListen = $"/ip4/127.0.0.1/tcp/{DevnetPorts.Pick()}",
            Bootnodes = [producer.P2P],
        };
        var full = InitCommand.Initialize(fullHome, "full", genesisPath, force: false, fullConfig);
        (NodeConfig.Load(producer.Home) with { Bootnodes = [full.P2PAddress] }).Save(producer.Home);

        await using var producing = BenchNodeProcess.Start(["--home", producer.Home], Path.Combine(producer.Home, "node.log"), producer.JsonRpc);
        await producing.WaitForHeightAsync(1, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(250), null, ct);
        progress.WriteLine($"sync: producer (pid {producing.Pid}) is at block 1; producing {blocks} blocks at a {blockIntervalMs} ms interval with {loadTxPerSec} transfers/s");

        using var client = new WalletClient(producer.Grpc);
        var load = new SteadyTransferLoad(client, PrivateKey.FromHex(manifest.Accounts[0].PrivateKey), 50, progress);
        await using var _ = load;
        // Enough funds for a generous upper bound of the production time.
        await load.StartAsync((long)(loadTxPerSec * Math.Max(600, blocks * blockIntervalMs / 1000.0 * 4) / 50) + 1, ct);
        var startHeight = await producing.BlockNumberAsync(ct) ?? 1;
        var production = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        ulong height = startHeight;
        while (height < blocks)
        {
            await load.RunAsync(loadTxPerSec, TimeSpan.FromSeconds(1), null, ct);
            height = await producing.BlockNumberAsync(ct) ?? height;
            if (producing.HasExited) throw new InvalidOperationException($"the producer exited; see {producing.LogPath}");
            if (production.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
            {
                lastReport = production.Elapsed;
                progress.WriteLine($"sync: producer at block {height} after {production.Elapsed.TotalSeconds:F0} s ({(height - startHeight) / production.Elapsed.TotalSeconds:F1} blocks/s), {load.Committed:N0} transfers committed");
            }
        }
        var productionSeconds = production.Elapsed.TotalSeconds;
        var productionRate = (height - startHeight) / productionSeconds;
        progress.WriteLine($"sync: producer reached block {height} in {productionSeconds:F1} s ({productionRate:F1} blocks/s)");

        // The load stops; the producer goes on at its interval with empty blocks while the full node catches up.
        var target = await producing.BlockNumberAsync(ct) ?? height;
        var syncClock = Stopwatch.StartNew();
        await using var following = BenchNodeProcess.Start(["--home", fullHome], Path.Combine(fullHome, "node.log"), $"http://{fullConfig.JsonRpcListen}");
        TimeSpan? firstBlock = null;
        ulong firstHeight = 0;
        await following.WaitForHeightAsync(target, TimeSpan.FromMinutes(30), TimeSpan.FromMilliseconds(200), h =>
        {
            if (h is not > 0 || firstBlock is not null) return;
            firstBlock = syncClock.Elapsed;
            firstHeight = h.Value;
        }, ct);
        var syncSeconds = syncClock.Elapsed.TotalSeconds;
        var transferSeconds = syncSeconds - (firstBlock ?? TimeSpan.Zero).TotalSeconds;
        // Blocks synced between the first poll that saw the node past genesis and the target, over that time.
        var syncRate = transferSeconds > 0 && target > firstHeight ? (target - firstHeight) / transferSeconds : target / syncSeconds;
        progress.WriteLine($"sync: the full node reached block {target} {syncSeconds:F1} s after its start ({transferSeconds:F1} s from its first synced block, {syncRate:F1} blocks/s)");
        return new NetworkSyncReport
        {
            Blocks = height,
            BlockIntervalMs = blockIntervalMs,
            LoadTxPerSec = loadTxPerSec,
            TransfersInBlocks = load.Committed,
            ProductionSeconds = Math.Round(productionSeconds, 1),
            ProductionBlocksPerSec = Math.Round(productionRate, 1),
            SyncTarget = target,
            SyncSeconds = Math.Round(syncSeconds, 1),
            SyncTransferSeconds = Math.Round(transferSeconds, 1),
            SyncBlocksPerSec = Math.Round(syncRate, 1),
            SyncVsProduction = Math.Round(syncRate / productionRate, 2),
            SyncVsDefaultInterval = Math.Round(syncRate / 2.0, 1),
            FullNodePeakRssMiB = Rss.PeakMiB(following.Pid),
            ProducerPeakRssMiB = Rss.PeakMiB(producing.Pid),
        };
    }
}
