using System.CommandLine;
using OpenLedger.Node.Cli;
using OpenLedger.Node.Devnet;

namespace OpenLedger.Node.Bench;

/// <summary>
/// The benchmark modes that run for minutes against real node processes: `--soak` (steady load on a running devnet,
/// node RSS sampled), `--sync-network` (block production, then a fresh full node syncing over p2p) and `--node-rss`
/// (a node process started from a genesis with many accounts). Kept apart from the burst options of BenchCommand.
/// </summary>
public sealed class LongRunBenchOptions
{
    private readonly Option<string?> _devnet;
    private readonly Option<int> _soak = new("--soak") { Description = "With --devnet: submit transfers at a steady rate for this many seconds, sampling every node's RSS" };
    private readonly Option<double?> _rate = new("--rate") { Description = "With --soak: transfers/s (default: half of what a burst of 6000 commits per second)" };
    private readonly Option<int> _sampleSeconds = new("--sample-seconds") { Description = "With --soak: seconds between RSS samples", DefaultValueFactory = _ => 10 };
    private readonly Option<bool> _syncNetwork = new("--sync-network") { Description = "Produce --blocks on a one-validator devnet, then time a fresh full node's block sync over p2p" };
    private readonly Option<ulong> _blocks = new("--blocks") { Description = "With --sync-network: blocks to produce", DefaultValueFactory = _ => 10_000 };
    private readonly Option<ulong> _interval = new("--block-interval-ms") { Description = "With --sync-network: the devnet's block interval", DefaultValueFactory = _ => 20 };
    private readonly Option<double> _loadRate = new("--load-rate") { Description = "With --sync-network: transfers/s sent while producing", DefaultValueFactory = _ => 200 };
    private readonly Option<bool> _nodeRss = new("--node-rss") { Description = "Start a node process from a genesis with --genesis-accounts extra accounts, restart it, report its peak RSS" };
    private readonly Option<int> _genesisAccounts = new("--genesis-accounts") { Description = "With --node-rss: extra funded accounts in the genesis", DefaultValueFactory = _ => 1_000_000 };
    private readonly Option<string?> _workDir = new("--work-dir") { Description = "With --sync-network or --node-rss: keep homes and logs here (default: a temporary directory, deleted)" };

    private LongRunBenchOptions(Option<string?> devnet) => _devnet = devnet;

    public static LongRunBenchOptions AddTo(Command command)
    {
        var devnet = command.Options.OfType<Option<string?>>().Single(o => o.Name == "--devnet");
        var options = new LongRunBenchOptions(devnet);
        foreach (var option in new Option[] { options._soak, options._rate, options._sampleSeconds, options._syncNetwork, options._blocks, options._interval,
                     options._loadRate, options._nodeRss, options._genesisAccounts, options._workDir })
            command.Options.Add(option);
        return options;
    }

    /// <summary>Runs the mode that was asked for and returns the exit code, or null when none of these modes was.</summary>
    public async Task<int?> RunAsync(ParseResult r, CancellationToken ct)
    {
        if (r.GetValue(_soak) is > 0 and var seconds)
        {
            var dir = r.GetValue(_devnet) ?? throw new CliException("--soak needs --devnet DIR (a running devnet started with `openledger devnet`)");
            var manifest = DevnetManifest.Load(Path.Combine(dir, "devnet.json"));
            var rate = r.GetValue(_rate);
            if (rate is <= 0) throw new CliException("--rate must be positive");
            var report = await new SoakBench(manifest, Console.Error).RunAsync(TimeSpan.FromSeconds(seconds), rate,
                TimeSpan.FromSeconds(Math.Max(1, r.GetValue(_sampleSeconds))), 200, ct);
            Console.WriteLine(BenchRunner.ToJson(report));
            return 0;
        }
        if (r.GetValue(_syncNetwork))
        {
            if (r.GetValue(_blocks) < 2) throw new CliException("--blocks must be at least 2");
            return await InWorkDirAsync(r, "sync", async dir =>
                Console.WriteLine(BenchRunner.ToJson(await new NetworkSyncBench(Console.Error).RunAsync(r.GetValue(_blocks), r.GetValue(_interval), r.GetValue(_loadRate), dir, ct))));
        }
        if (r.GetValue(_nodeRss))
        {
            if (r.GetValue(_genesisAccounts) < 0) throw new CliException("--genesis-accounts must not be negative");
            return await InWorkDirAsync(r, "node-rss", async dir =>
                Console.WriteLine(BenchRunner.ToJson(await new NodeGenesisRssBench(Console.Error).RunAsync(r.GetValue(_genesisAccounts), dir, ct))));
        }
        return null;
    }

    private async Task<int> InWorkDirAsync(ParseResult r, string name, Func<string, Task> run)
    {
        var given = r.GetValue(_workDir);
        var dir = given is null ? Path.Combine(Path.GetTempPath(), $"openledger-{name}-" + Guid.NewGuid().ToString("N")[..8]) : Path.GetFullPath(given);
        try
        {
            await run(dir);
            return 0;
        }
        finally
        {
            if (given is null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
