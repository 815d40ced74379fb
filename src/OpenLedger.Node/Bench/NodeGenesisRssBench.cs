using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Genesis;
using OpenLedger.Node.Devnet;

namespace OpenLedger.Node.Bench;

/// <summary>
/// Peak RSS of a real `openledger node` process whose genesis holds many accounts: a one-validator devnet home from
/// a genesis with <c>accounts</c> extra funded accounts, started once (creates the database, produces block 1) and
/// restarted (opens the database, produces the next block), the process's VmHWM read at each point.
/// </summary>
public sealed class NodeGenesisRssBench(TextWriter progress)
{
    public async Task<NodeGenesisRssReport> RunAsync(int accounts, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var genesisPath = Path.Combine(directory, $"genesis-{accounts}.json");
        WithAccounts(DevnetRunner.CreateGenesis(1, 10, ChainParameters.DevnetChainId), accounts).Save(genesisPath);
        var fileMiB = Math.Round(new FileInfo(genesisPath).Length / 1048576.0, 1);
        progress.WriteLine($"node-rss: wrote {genesisPath} ({accounts:N0} extra accounts, {fileMiB} MiB)");
        var manifest = new DevnetRunner(Path.Combine(directory, "devnet"), 1, 10, ChainParameters.DevnetChainId, progress, genesisPath).Prepare();
        var node = manifest.Nodes[0];

        var first = await StartAsync(node, 1, "first start", ct);
        var restart = await StartAsync(node, first.Height + 1, "restart", ct);
        return new NodeGenesisRssReport { Accounts = accounts, GenesisFileMiB = fileMiB, FirstStart = first, Restart = restart };
    }

    private async Task<NodeGenesisRssReport.Start> StartAsync(DevnetNode node, ulong height, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var process = BenchNodeProcess.Start(["--home", node.Home], Path.Combine(node.Home, "node.log"), node.JsonRpc);
        ulong reached = 0;
        await process.WaitForHeightAsync(height, TimeSpan.FromMinutes(15), TimeSpan.FromMilliseconds(250), h => reached = h ?? reached, ct);
        var result = new NodeGenesisRssReport.Start
        {
            SecondsToBlock = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Height = reached,
            PeakRssMiB = Rss.PeakMiB(process.Pid),
            RssMiB = Rss.CurrentMiB(process.Pid),
        };
        progress.WriteLine($"node-rss: {what}: block {result.Height} after {result.SecondsToBlock} s, peak RSS {result.PeakRssMiB} MiB, RSS {result.RssMiB} MiB (pid {process.Pid})");
        return result;
    }

    /// <summary><paramref name="count"/> deterministic accounts of 1 OPEN each, carved out of the treasury.</summary>
    public static GenesisDocument WithAccounts(GenesisDocument genesis, int count)
    {
        var list = new List<GenesisAccount>(genesis.Accounts.Count + count);
        list.AddRange(genesis.Accounts);
        for (var i = 0; i < count; i++)
            list.Add(new GenesisAccount { Address = new Address(Keccak256.HashToArray(BitConverter.GetBytes(i))[12..]), Balance = Wei.PerOpen });
        return genesis with { Accounts = list, Treasury = genesis.Treasury - (UInt128)count * Wei.PerOpen };
    }
}
