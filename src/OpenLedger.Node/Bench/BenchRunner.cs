using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using OpenLedger.Core.Crypto;
using OpenLedger.Node.Cli;
using OpenLedger.Rpc.V1;
using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Node.Bench;

/// <summary>
/// End-to-end load: funds M fresh senders from one account, prepares and pre-signs N transactions (transfers or
/// the module mix; setup and signing are not what is measured), submits them over gRPC BroadcastStream or JSON-RPC
/// batches, and watches committed blocks through SubscribeBlocks until every transaction is in a block. Latency is
/// submit → the block that holds it arriving. Afterwards every receipt is read (JSON-RPC batches when the node's
/// JSON-RPC URL is known, else gRPC): a committed transaction with status 0 counts as failed.
/// </summary>
public sealed class BenchRunner(WalletClient client, PrivateKey funder, BenchOptions options, TextWriter progress)
{
    private const int ReportedErrors = 5;

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var baseline = RecoveryBaseline.MeasureOneCore(TimeSpan.FromSeconds(2));
        progress.WriteLine($"bench: libsecp256k1 recovery on one core: {baseline:F0}/s ({Secp256k1.BackendName})");

        if (options.RateTxPerSec is not null && options.Via == BenchVia.JsonRpc)
            throw new CliException("--rate paces one gRPC stream; it cannot be combined with --via jsonrpc");
        ITransactionSubmitter burstSubmitter = options.Via == BenchVia.JsonRpc
            ? new JsonRpcBatchSubmitter(options.JsonRpcUrl ?? throw new CliException("--via jsonrpc needs the node's JSON-RPC URL (--jsonrpc URL)"), options.JsonRpcBatchSize)
            : new GrpcStreamSubmitter(client);
        ITransactionSubmitter submitter = options.RateTxPerSec is { } rate ? new PacedStreamSubmitter(client, rate) : burstSubmitter;

        if (options.WarmupTransactions > 0)
            await WarmUpAsync(await BenchChain.ConnectAsync(client, ct), burstSubmitter, ct);
        // Connected after the warm-up: its blocks have raised the base fee the measured transactions must pay.
        var chain = await BenchChain.ConnectAsync(client, ct);
        var workload = await PrepareAsync(chain, options.Transactions, options.Senders, ct);
        var signed = workload.Transactions;

        var pending = new PendingTransactions(signed);
        // Written only by the watcher, read after it has finished.
        var latencies = new List<double>(signed.Count);
        var blocks = 0;
        var allCommitted = new TaskCompletionSource();
        using var watchCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var subscription = client.Node.SubscribeBlocks(new SubscribeBlocksRequest(), cancellationToken: watchCancel.Token);
        // Latencies are differences of Stopwatch timestamps: from the moment a transaction was sent (or, paced, due) to
        // the SubscribeBlocks event of the block holding it.
        var watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var block in subscription.ResponseStream.ReadAllAsync(watchCancel.Token))
                {
                    var now = Stopwatch.GetTimestamp();
                    var ours = 0;
                    foreach (var hash in block.TransactionHashes)
                    {
                        if (!pending.TryComplete(hash, out var submitted)) continue;
                        ours++;
                        latencies.Add((now - submitted) * 1000.0 / Stopwatch.Frequency);
                    }
                    if (ours > 0) Interlocked.Increment(ref blocks);
                    if (pending.Remaining == 0)
                    {
                        allCommitted.TrySetResult();
                        return;
                    }
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
            }
        }, ct);

        progress.WriteLine($"bench: submitting {signed.Count} transactions over {submitter.Name}");
        var processes = options.LocalProcesses.Prepend((Name: "bench", ProcessId: Environment.ProcessId)).ToList();
        var cpuBefore = processes.Select(p => ProcessCpu.Read(p.ProcessId)).ToList();
        var submitWatch = Stopwatch.StartNew();
        var start = Stopwatch.GetTimestamp();
        var summary = submitter is PacedStreamSubmitter paced
            ? await paced.SubmitAsync(signed, pending.Sent, ct)
            : await submitter.SubmitAsync(signed, index => pending.Sent(index, Stopwatch.GetTimestamp()), ct);
        var submitSeconds = submitWatch.Elapsed.TotalSeconds;
        progress.WriteLine($"bench: submitted in {submitSeconds:F2} s ({summary.Accepted} accepted, {summary.Rejected} rejected)");
        var errors = summary.Rejections.Take(ReportedErrors).Select(r => $"refused {r.Hash}: {r.Reason}").ToList();
        if (summary.Rejected > summary.Rejections.Count)
            throw new InvalidOperationException($"the node refused {summary.Rejected} of {signed.Count} transactions: {string.Join("; ", errors)}");
        foreach (var (hash, _) in summary.Rejections) pending.Forget(hash);
        if (pending.Remaining == 0) allCommitted.TrySetResult();

        var deadline = Task.Delay(TimeSpan.FromSeconds(120 + signed.Count / 100), ct);
        while (!allCommitted.Task.IsCompleted && !deadline.IsCompleted)
        {
            await Task.WhenAny(allCommitted.Task, deadline, Task.Delay(1000, ct));
            progress.WriteLine($"bench: {signed.Count - summary.Rejected - pending.Remaining}/{signed.Count - summary.Rejected} committed in {blocks} blocks");
        }
        if (!allCommitted.Task.IsCompleted)
            throw new TimeoutException($"{pending.Remaining} of {signed.Count} transactions were not committed in time");
        var elapsed = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        var cpuAfter = processes.Select(p => ProcessCpu.Read(p.ProcessId)).ToList();
        await watchCancel.CancelAsync();
        try
        {
            await watcher;
        }
        catch (OperationCanceledException)
        {
        }

        var sorted = latencies.OrderBy(x => x).ToArray();
        var committed = sorted.Length;
        progress.WriteLine($"bench: reading {committed} receipts");
        var rejectedHashes = summary.Rejections.Select(r => r.Hash).ToHashSet();
        var committedHashes = signed.Select(t => t.Hash.ToString()).Where(h => !rejectedHashes.Contains(h)).ToList();
        var failed = options.JsonRpcUrl is { } url
            ? (await new JsonRpcReceiptReader(url).ReadAsync(committedHashes, ct)).Where(r => !r.Success).Select(r => r.Hash).ToList()
            : (await chain.ReceiptsAsync(committedHashes, ct)).Where(r => !r.Success).Select(r => r.TransactionHash).ToList();
        // The reasons of the first few failures, from the full gRPC receipts.
        foreach (var r in await chain.ReceiptsAsync(failed.Take(ReportedErrors).ToList(), ct))
            errors.Add($"failed {r.TransactionHash} in block {r.BlockNumber}: {(r.RevertReason.Length > 0 ? r.RevertReason : "no reason given")}");

        // The second yardstick sample, with the node idle again (see BenchReport.RecoverPerSecOneCore).
        var baselineAfter = RecoveryBaseline.MeasureOneCore(TimeSpan.FromSeconds(2));
        progress.WriteLine($"bench: libsecp256k1 recovery on one core after the load: {baselineAfter:F0}/s");
        var yardstick = (baseline + baselineAfter) / 2;
        var committedPerSec = committed / elapsed;
        var cpu = CpuShares(processes.Select(p => p.Name).ToList(), cpuBefore, cpuAfter, committed);
        var cpuSeconds = cpu.Sum(c => c.CpuSeconds);
        return new BenchReport
        {
            Mix = options.Mix == BenchMix.Modules ? "modules" : "transfers",
            Via = options.Via == BenchVia.JsonRpc ? "jsonrpc" : "grpc",
            Transactions = signed.Count,
            Calls = workload.CountByKind,
            Senders = options.Senders,
            WarmupTransactions = options.WarmupTransactions,
            RateTxPerSec = options.RateTxPerSec,
            SubmitTxPerSec = Math.Round(signed.Count / submitSeconds, 1),
            CommittedTxPerSec = Math.Round(committedPerSec, 1),
            P50LatencyMs = Math.Round(Percentiles.Of(sorted, 0.50), 1),
            P99LatencyMs = Math.Round(Percentiles.Of(sorted, 0.99), 1),
            Blocks = blocks,
            TxPerBlock = blocks == 0 ? 0 : Math.Round(committed / (double)blocks, 1),
            NodePeakRssMiB = options.NodeProcessId is { } pid ? PeakRssMiB(pid) : null,
            RecoverPerSecOneCore = Math.Round(yardstick, 0),
            RecoverPerSecBefore = Math.Round(baseline, 0),
            RecoverPerSecAfter = Math.Round(baselineAfter, 0),
            Ratio = Math.Round(committedPerSec / yardstick, 4),
            Committed = committed,
            Rejected = summary.Rejected,
            Failed = failed.Count,
            Errors = errors,
            ElapsedSeconds = Math.Round(elapsed, 2),
            Cpu = cpu,
            CpuMicrosPerTx = cpu.Count == 0 || committed == 0 ? null : Math.Round(cpuSeconds * 1e6 / committed, 1),
            CoresBusy = cpu.Count == 0 ? null : Math.Round(cpuSeconds / elapsed, 2),
        };
    }

    /// <summary>The processes read at both ends of the window (one that exited or could not be read is left out).</summary>
    private static List<ProcessCpuReport> CpuShares(List<string> names, List<ProcessCpu.Sample?> before, List<ProcessCpu.Sample?> after, int committed)
    {
        var shares = new List<ProcessCpuReport>();
        var perTx = Math.Max(committed, 1);
        for (var i = 0; i < names.Count; i++)
        {
            if (before[i] is not { } b || after[i] is not { } a) continue;
            var seconds = a.CpuSeconds - b.CpuSeconds;
            shares.Add(new ProcessCpuReport
            {
                Process = names[i],
                CpuSeconds = Math.Round(seconds, 2),
                CpuMicrosPerTx = Math.Round(seconds * 1e6 / perTx, 1),
                VoluntarySwitchesPerTx = Math.Round((a.VoluntarySwitches - b.VoluntarySwitches) / (double)perTx, 3),
                InvoluntarySwitchesPerTx = Math.Round((a.InvoluntarySwitches - b.InvoluntarySwitches) / (double)perTx, 3),
            });
        }
        return shares;
    }

    private Task<BenchWorkload> PrepareAsync(BenchChain chain, int transactions, int senders, CancellationToken ct) =>
        options.Mix == BenchMix.Modules
            ? ModuleMixWorkload.PrepareAsync(chain, funder, transactions, senders, progress, ct)
            : TransferWorkload.PrepareAsync(chain, funder, transactions, senders, progress, ct);

    /// <summary>
    /// Sends the warm-up (same mix and path as the run, its own senders, all at once) and waits until it is committed,
    /// so the measured run meets a node that has already executed this kind of load.
    /// </summary>
    private async Task WarmUpAsync(BenchChain chain, ITransactionSubmitter submitter, CancellationToken ct)
    {
        var count = options.WarmupTransactions;
        var workload = await PrepareAsync(chain, count, Math.Min(options.Senders, count), ct);
        progress.WriteLine($"bench: warming the node up with {count} transactions (not measured)");
        var watch = Stopwatch.StartNew();
        var summary = await submitter.SubmitAsync(workload.Transactions, _ => { }, ct);
        if (summary.Rejected > 0)
            throw new InvalidOperationException($"warm-up: the node refused {summary.Rejected} of {count} transactions" +
                (summary.Rejections.Count > 0 ? $", e.g. {summary.Rejections[0].Reason}" : ""));
        await chain.WaitCommittedAsync(workload.Transactions, ct);
        progress.WriteLine($"bench: warm-up committed in {watch.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>The node's peak resident set size (VmHWM), or null where it cannot be read (not a local Linux process).</summary>
    private static double? PeakRssMiB(int pid) => Rss.PeakMiB(pid) is > 0 and var peak ? peak : null;

    public static string ToJson<T>(T report) =>
        JsonSerializer.Serialize(report, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true });
}
