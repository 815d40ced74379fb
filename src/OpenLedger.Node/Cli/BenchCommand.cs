using System.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.Node.Bench;
using OpenLedger.Node.Devnet;

namespace OpenLedger.Node.Cli;

/// <summary>`openledger bench`: the node's own end-to-end load generator and report (docs/performance.md).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var devnet = new Option<string?>("--devnet") { Description = "A running devnet's directory (uses node0 and dev account 0)" };
        var grpc = new Option<string?>("--grpc") { Description = "Or any node's gRPC endpoint (with --key)" };
        var key = new Option<string?>("--key") { Description = "Funding account's private key (with --grpc)" };
        var txs = new Option<int>("--txs") { Description = "Transactions to send", DefaultValueFactory = _ => 20_000 };
        var senders = new Option<int>("--senders") { Description = "Distinct sending accounts", DefaultValueFactory = _ => 200 };
        var mix = new Option<string>("--mix")
        {
            Description = "transfers: OPEN transfers; modules: equal parts contribute, settleInference (16 influence entries) and delegate",
            DefaultValueFactory = _ => "transfers",
        };
        mix.AcceptOnlyFromAmong("transfers", "modules");
        var via = new Option<string>("--via")
        {
            Description = "grpc: one BroadcastStream; jsonrpc: batches of eth_sendRawTransaction",
            DefaultValueFactory = _ => "grpc",
        };
        via.AcceptOnlyFromAmong("grpc", "jsonrpc");
        var jsonRpc = new Option<string?>("--jsonrpc") { Description = "With --grpc and --via jsonrpc: the node's JSON-RPC URL, e.g. http://127.0.0.1:8545" };
        var batchSize = new Option<int>("--batch-size") { Description = "With --via jsonrpc: requests per JSON-RPC batch", DefaultValueFactory = _ => 250 };
        var rate = new Option<double?>("--rate")
        {
            Description = "Send at this many transactions per second (open loop) instead of all at once: latency at a steady load (finality when the node keeps up) rather than queueing behind a burst",
        };
        var warmup = new Option<int?>("--warmup")
        {
            Description = "Transactions sent and committed first, unmeasured, so the node is warm (compiled hot paths, filled caches); default: a fifth of --txs, at most 10,000; 0 measures a cold node",
        };
        var scaling = new Option<bool>("--scaling") { Description = "Instead: in-process block execution time at --accounts, block replay speed and RSS (no devnet needed)" };
        var accounts = new Option<string>("--accounts") { Description = "With --scaling: account counts, comma-separated", DefaultValueFactory = _ => "10000,100000,1000000" };
        var syncBlocks = new Option<int>("--sync-blocks") { Description = "With --scaling: blocks to build and replay (0 skips)", DefaultValueFactory = _ => 500 };
        var syncTxs = new Option<int>("--sync-txs") { Description = "With --scaling: transfers per replayed block", DefaultValueFactory = _ => 200 };
        var scalingBlocks = new Option<int>("--measure-blocks") { Description = "With --scaling: measured 1,000-transfer blocks per account count", DefaultValueFactory = _ => ScalingBench.DefaultMeasuredBlocks };
        var warmUpBlocks = new Option<int>("--warmup-blocks") { Description = "With --scaling: unmeasured blocks before them (JIT, caches)", DefaultValueFactory = _ => ScalingBench.DefaultWarmUpBlocks };
        var noSettle = new Option<bool>("--no-settle")
        {
            Description = "With --scaling: measure right after the genesis, without loading the state cache or waiting for RocksDB's compactions (a node that has just been created)",
        };
        var command = new Command("bench", "Send pre-signed transactions (a burst, or paced with --rate) and report throughput and latency as JSON")
        {
            devnet, grpc, key, txs, senders, mix, via, jsonRpc, batchSize, rate, warmup, scaling, accounts, syncBlocks, syncTxs, scalingBlocks, warmUpBlocks, noSettle,
        };
        var longRuns = LongRunBenchOptions.AddTo(command);
        command.SetAction((r, ct) => CliErrors.RunAsync(async () =>
        {
            if (await longRuns.RunAsync(r, ct) is { } longRunExit) return longRunExit;
            if (r.GetValue(scaling))
            {
                var counts = r.GetValue(accounts)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(text => int.TryParse(text, out var n) && n > 0 ? n : throw new CliException($"--accounts: \"{text}\" is not a positive count"))
                    .ToArray();
                var measured = r.GetValue(scalingBlocks) is >= 1 and var m ? m : throw new CliException("--measure-blocks must be at least 1");
                var warmUp = r.GetValue(warmUpBlocks) is >= 0 and var w ? w : throw new CliException("--warmup-blocks must not be negative");
                Console.WriteLine(BenchRunner.ToJson(RunScaling(counts, r.GetValue(syncBlocks), r.GetValue(syncTxs), measured, warmUp, !r.GetValue(noSettle))));
                return 0;
            }
            string endpoint;
            PrivateKey funder;
            int? pid = null;
            var local = new List<(string, int)>();
            var jsonRpcUrl = r.GetValue(jsonRpc);
            if (r.GetValue(devnet) is { } dir)
            {
                var manifest = DevnetManifest.Load(Path.Combine(dir, "devnet.json"));
                endpoint = manifest.Nodes[0].Grpc;
                jsonRpcUrl ??= manifest.Nodes[0].JsonRpc;
                funder = PrivateKey.FromHex(manifest.Accounts[0].PrivateKey);
                pid = ReadPid(manifest.Nodes[0].Home);
                foreach (var node in manifest.Nodes)
                    if (ReadPid(node.Home) is { } nodePid) local.Add((node.Name, nodePid));
            }
            else
            {
                endpoint = r.GetValue(grpc) ?? throw new CliException("give --devnet DIR, or --grpc HOST:PORT with --key HEX");
                funder = PrivateKey.FromHex(r.GetValue(key) ?? throw new CliException("--grpc needs --key (the funding account)"));
            }
            if (r.GetValue(txs) < 1 || r.GetValue(senders) < 1) throw new CliException("--txs and --senders must be at least 1");
            if (r.GetValue(rate) is <= 0 or double.NaN or double.PositiveInfinity) throw new CliException("--rate must be a positive number of transactions per second");
            if (r.GetValue(warmup) is < 0) throw new CliException("--warmup must be 0 (no warm-up) or a number of transactions");
            var options = new BenchOptions
            {
                Transactions = r.GetValue(txs),
                Senders = r.GetValue(senders),
                Mix = r.GetValue(mix) == "modules" ? BenchMix.Modules : BenchMix.Transfers,
                Via = r.GetValue(via) == "jsonrpc" ? BenchVia.JsonRpc : BenchVia.Grpc,
                RateTxPerSec = r.GetValue(rate),
                JsonRpcUrl = jsonRpcUrl,
                JsonRpcBatchSize = r.GetValue(batchSize) is >= 1 and <= 1000 ? r.GetValue(batchSize) : throw new CliException("--batch-size must be 1..1000 (the node's JSON-RPC batch limit)"),
                NodeProcessId = pid,
                LocalProcesses = local,
                WarmupTransactions = r.GetValue(warmup) ?? BenchOptions.DefaultWarmup(r.GetValue(txs)),
            };
            using var client = new WalletClient(endpoint);
            var report = await new BenchRunner(client, funder, options, Console.Error).RunAsync(ct);
            Console.WriteLine(BenchRunner.ToJson(report));
            // Every transaction must have been admitted and succeeded; otherwise the figures describe a different load.
            return report.Failed > 0 || report.Rejected > 0 ? 1 : 0;
        }));
        return command;
    }

    private static ScalingReport RunScaling(int[] accountCounts, int syncBlocks, int syncTxs, int blocks, int warmUpBlocks, bool settle)
    {
        var bench = new ScalingBench(Console.Error);
        var root = Path.Combine(Path.GetTempPath(), "openledger-scaling-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var execution = accountCounts.Select(n => bench.MeasureBlockExecution(n, 1_000, blocks, Path.Combine(root, $"accounts-{n}"), warmUpBlocks, settle)).ToList();
            var replay = syncBlocks > 0 ? bench.MeasureSync(syncBlocks, syncTxs, Path.Combine(root, "sync")) : null;
            var smallest = execution.MinBy(e => e.Accounts)!;
            var largest = execution.MaxBy(e => e.Accounts)!;
            return new ScalingReport
            {
                Execution = execution,
                BuildRatioLargestToSmallest = execution.Count > 1 ? Math.Round(largest.MedianBuildMs / smallest.MedianBuildMs, 2) : null,
                Replay = replay,
                PeakRssMiB = Rss.PeakMiB(),
            };
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static int? ReadPid(string home)
    {
        var path = Path.Combine(home, "endpoints.json");
        if (!File.Exists(path)) return null;
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("processId", out var p) ? p.GetInt32() : null;
    }
}
