using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Node.Tests.Bft;
using OpenLedger.Node.Tests.Support;
using Xunit;

namespace OpenLedger.Node.Tests.Bench;

/// <summary>
/// `openledger bench` against a one-validator devnet: transfers over JSON-RPC batches, the module-call mix over gRPC,
/// then transfers paced at a steady rate, on the same devnet. Every transaction must be committed and succeed, and
/// the report must add up.
/// </summary>
[Collection(BftDevnetCollection.Name)]
public sealed class BenchProcessTests
{
    private static readonly TimeSpan BenchTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Bench_commits_every_transfer_over_jsonrpc_every_module_call_over_grpc_and_every_paced_transfer()
    {
        await using var devnet = await DevnetCluster.StartAsync(1, accounts: 1, readyTimeout: TimeSpan.FromSeconds(90));

        var transfers = await RunBenchAsync(devnet, "--via", "jsonrpc");
        AssertSane(transfers, "transfers", "jsonrpc");
        Assert.Equal(300, transfers.GetProperty("calls").GetProperty("transfer").GetInt32());
        // The default warm-up (a fifth of --txs) was committed too, outside the report's counts: the sink got 1 wei from
        // each of the 60 + 300 transfers.
        Assert.Equal(60, transfers.GetProperty("warmupTransactions").GetInt32());
        Assert.Equal(360UL, await SinkBalanceAsync(devnet));

        var modules = await RunBenchAsync(devnet, "--mix", "modules", "--warmup", "0");
        Assert.Equal(0, modules.GetProperty("warmupTransactions").GetInt32());
        Assert.Equal(360UL, await SinkBalanceAsync(devnet));
        AssertSane(modules, "modules", "grpc");
        var calls = modules.GetProperty("calls");
        // Ten senders, kind = sender index mod 3: four contribute, three settle, three delegate; 30 calls each.
        Assert.Equal(120, calls.GetProperty("contribute").GetInt32());
        Assert.Equal(90, calls.GetProperty("settleInference").GetInt32());
        Assert.Equal(90, calls.GetProperty("delegate").GetInt32());
        Assert.True(modules.GetProperty("rateTxPerSec").ValueKind == JsonValueKind.Null, $"a burst has no rate: {modules}");

        // 300 transfers at 150/s: submission is spread over two seconds instead of arriving at once.
        var paced = await RunBenchAsync(devnet, "--rate", "150");
        AssertSane(paced, "transfers", "grpc");
        Assert.Equal(150, paced.GetProperty("rateTxPerSec").GetDouble());
        Assert.True(paced.GetProperty("submitTxPerSec").GetDouble() <= 151, $"the last paced transfer is due after 299/150 s: {paced}");
        Assert.True(paced.GetProperty("elapsedSeconds").GetDouble() >= 1.99, $"paced run ended before its last transfer was due: {paced}");
    }

    private static async Task<ulong> SinkBalanceAsync(DevnetCluster devnet)
    {
        var sink = new Address(Keccak256.HashToArray("openledger-bench-sink"u8)[12..]);
        return DevnetCluster.ParseQuantity((await devnet.CallAsync(0, "eth_getBalance", sink.ToString(), "latest")).GetString()!);
    }

    private static async Task<JsonElement> RunBenchAsync(DevnetCluster devnet, params string[] options)
    {
        var result = await ProcessRunner.RunOpenLedgerAsync(["bench", "--devnet", devnet.Home, "--txs", "300", "--senders", "10", .. options], BenchTimeout);
        Assert.False(result.TimedOut, $"bench {string.Join(' ', options)} did not finish: {result}");
        Assert.True(result.ExitCode == 0, $"bench {string.Join(' ', options)} failed: {result}");
        using var report = JsonDocument.Parse(result.StandardOutput);
        return report.RootElement.Clone();
    }

    private static void AssertSane(JsonElement report, string mix, string via)
    {
        Assert.Equal(mix, report.GetProperty("mix").GetString());
        Assert.Equal(via, report.GetProperty("via").GetString());
        Assert.Equal(300, report.GetProperty("transactions").GetInt32());
        Assert.Equal(300, report.GetProperty("committed").GetInt32());
        Assert.Equal(0, report.GetProperty("rejected").GetInt32());
        Assert.Equal(0, report.GetProperty("failed").GetInt32());
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        var blocks = report.GetProperty("blocks").GetInt32();
        Assert.InRange(blocks, 1, 300);
        Assert.Equal(Math.Round(300.0 / blocks, 1), report.GetProperty("txPerBlock").GetDouble());
        var committedPerSec = report.GetProperty("committedTxPerSec").GetDouble();
        var recoverPerSec = report.GetProperty("recoverPerSecOneCore").GetDouble();
        Assert.True(committedPerSec > 0 && recoverPerSec > 0, $"rates must be positive: {report}");
        var before = report.GetProperty("recoverPerSecBefore").GetDouble();
        var after = report.GetProperty("recoverPerSecAfter").GetDouble();
        Assert.True(before > 0 && after > 0, $"both yardstick samples must be positive: {report}");
        Assert.Equal((before + after) / 2, recoverPerSec, tolerance: 1);
        Assert.True(report.GetProperty("submitTxPerSec").GetDouble() > 0);
        Assert.InRange(report.GetProperty("ratio").GetDouble(), 0.0001, 100);
        Assert.Equal(committedPerSec / recoverPerSec, report.GetProperty("ratio").GetDouble(), tolerance: 0.001);
        var p50 = report.GetProperty("p50LatencyMs").GetDouble();
        Assert.True(p50 > 0 && p50 <= report.GetProperty("p99LatencyMs").GetDouble(), $"latencies: {report}");
        Assert.True(report.GetProperty("nodePeakRssMiB").GetDouble() > 0);

        // The window's CPU, per local process: the bench itself and the devnet's one node, adding up.
        var cpu = report.GetProperty("cpu").EnumerateArray().ToList();
        Assert.Equal(["bench", "node0"], cpu.Select(c => c.GetProperty("process").GetString()));
        var committed = report.GetProperty("committed").GetInt32();
        foreach (var c in cpu)
        {
            var seconds = c.GetProperty("cpuSeconds").GetDouble();
            Assert.True(seconds >= 0, $"negative CPU time: {c}");
            Assert.Equal(seconds * 1e6 / committed, c.GetProperty("cpuMicrosPerTx").GetDouble(), tolerance: 0.05 * 1e6 / committed + 0.1);
            Assert.True(c.GetProperty("voluntarySwitchesPerTx").GetDouble() >= 0 && c.GetProperty("involuntarySwitchesPerTx").GetDouble() >= 0, $"switches: {c}");
        }
        var total = cpu.Sum(c => c.GetProperty("cpuSeconds").GetDouble());
        Assert.Equal(total * 1e6 / committed, report.GetProperty("cpuMicrosPerTx").GetDouble(), tolerance: 0.1 * 1e6 / committed + 0.1);
        // coresBusy is computed from unrounded figures; the check from the report's rounded ones (each process's seconds
        // to ±0.005, the window to ±0.005 s) can be off by that much relative to a short window, plus coresBusy's own rounding.
        var elapsed = report.GetProperty("elapsedSeconds").GetDouble();
        var roundingTolerance = 0.005 + 0.005 * cpu.Count / elapsed + total * 0.005 / (elapsed * elapsed) + 0.001;
        Assert.Equal(total / elapsed, report.GetProperty("coresBusy").GetDouble(), tolerance: roundingTolerance);
    }
}
