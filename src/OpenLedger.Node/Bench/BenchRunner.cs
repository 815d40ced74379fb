using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Node.Cli;
using OpenLedger.Rpc.V1;
using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Node.Bench;

/// <summary>
/// End-to-end load: funds M fresh senders from one dev account, pre-signs N transfers (signing is not what is
/// measured), streams them to the node over gRPC BroadcastStream, and watches committed blocks through
/// SubscribeBlocks until every transaction is in a block. Latency is submit → the block that holds it arriving.
/// </summary>
public sealed class BenchRunner(WalletClient client, PrivateKey funder, int transactions, int senders, int? nodePid, TextWriter progress)
{
    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var baseline = RecoveryBaseline.MeasureOneCore(TimeSpan.FromSeconds(2));
        progress.WriteLine($"bench: libsecp256k1 recovery on one core: {baseline:F0}/s ({Secp256k1.BackendName})");

        var status = await client.Node.StatusAsync(new StatusRequest(), cancellationToken: ct);
        var chainId = status.ChainId;
        var keys = Enumerable.Range(0, senders).Select(_ => PrivateKey.Generate()).ToArray();
        var perSender = (transactions + senders - 1) / senders;
        var baseFee = await BaseFeeAsync(ct);
        var tip = Wei.PerGwei;
        // Back-to-back full blocks raise the base fee 12.5% each; leave room for a long burst.
        var maxFee = 20 * baseFee + tip;
        var cost = (UInt128)21_000 * maxFee + 1;
        await FundAsync(keys, cost * (UInt128)perSender + Wei.PerOpen / 100, chainId, maxFee, tip, ct);

        progress.WriteLine($"bench: pre-signing {transactions} transfers from {senders} senders");
        var sink = new Core.Types.Address(Keccak256.HashToArray("openledger-bench-sink"u8)[12..]);
        var signed = new List<Transaction>(transactions);
        for (var n = 0; n < perSender && signed.Count < transactions; n++)
            foreach (var key in keys)
            {
                if (signed.Count == transactions) break;
                signed.Add(TransactionSigner.Sign(new UnsignedTransaction
                {
                    Type = TxType.DynamicFee, ChainId = chainId, Nonce = (ulong)n, MaxPriorityFeePerGas = tip, MaxFeePerGas = maxFee,
                    GasLimit = 21_000, To = sink, Value = 1,
                }, key));
            }

        var pending = new ConcurrentDictionary<string, long>(signed.Select(t => KeyValuePair.Create(t.Hash.ToString(), 0L)));
        var latencies = new ConcurrentBag<double>();
        var blocks = 0;
        var firstCommitted = new TaskCompletionSource();
        var allCommitted = new TaskCompletionSource();
        using var watchCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var subscription = client.Node.SubscribeBlocks(new SubscribeBlocksRequest(), cancellationToken: watchCancel.Token);
        var clock = Stopwatch.StartNew();
        var watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var block in subscription.ResponseStream.ReadAllAsync(watchCancel.Token))
                {
                    var now = clock.ElapsedTicks;
                    var ours = 0;
                    foreach (var hash in block.TransactionHashes)
                    {
                        if (!pending.TryRemove(hash, out var submitted)) continue;
                        ours++;
                        latencies.Add((now - submitted) * 1000.0 / Stopwatch.Frequency);
                    }
                    if (ours > 0) Interlocked.Increment(ref blocks);
                    if (ours > 0) firstCommitted.TrySetResult();
                    if (pending.IsEmpty)
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

        progress.WriteLine($"bench: submitting {signed.Count} transactions over gRPC BroadcastStream");
        var submitWatch = Stopwatch.StartNew();
        var start = clock.ElapsedTicks;
        using var stream = client.Tx.BroadcastStream(cancellationToken: ct);
        foreach (var tx in signed)
        {
            pending[tx.Hash.ToString()] = clock.ElapsedTicks;
            await stream.RequestStream.WriteAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(tx.Encoded) }, ct);
        }
        await stream.RequestStream.CompleteAsync();
        var summary = await stream.ResponseAsync;
        var submitSeconds = submitWatch.Elapsed.TotalSeconds;
        progress.WriteLine($"bench: submitted in {submitSeconds:F2} s ({summary.Accepted} accepted, {summary.Rejected} rejected)");
        foreach (var rejection in summary.FirstRejections) pending.TryRemove(rejection.TransactionHash, out _);
        if (pending.IsEmpty) allCommitted.TrySetResult();

        var deadline = Task.Delay(TimeSpan.FromSeconds(120 + transactions / 200), ct);
        while (!allCommitted.Task.IsCompleted && !deadline.IsCompleted)
        {
            await Task.WhenAny(allCommitted.Task, deadline, Task.Delay(1000, ct));
            progress.WriteLine($"bench: {signed.Count - pending.Count}/{signed.Count} committed in {blocks} blocks");
        }
        if (!allCommitted.Task.IsCompleted)
            throw new TimeoutException($"{pending.Count} of {signed.Count} transactions were not committed in time");
        var elapsed = (clock.ElapsedTicks - start) / (double)Stopwatch.Frequency;
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
        var committedPerSec = committed / elapsed;
        return new BenchReport
        {
            Transactions = signed.Count,
            Senders = senders,
            Via = "grpc",
            SubmitTxPerSec = Math.Round(signed.Count / submitSeconds, 1),
            CommittedTxPerSec = Math.Round(committedPerSec, 1),
            P50LatencyMs = Math.Round(Percentile(sorted, 0.50), 1),
            P99LatencyMs = Math.Round(Percentile(sorted, 0.99), 1),
            Blocks = blocks,
            TxPerBlock = blocks == 0 ? 0 : Math.Round(committed / (double)blocks, 1),
            NodePeakRssMiB = nodePid is { } pid ? PeakRssMiB(pid) : null,
            RecoverPerSecOneCore = Math.Round(baseline, 0),
            Ratio = Math.Round(committedPerSec / baseline, 4),
            Rejected = (int)summary.Rejected,
            ElapsedSeconds = Math.Round(elapsed, 2),
        };
    }

    private async Task<UInt128> BaseFeeAsync(CancellationToken ct)
    {
        var head = await client.Query.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Tag = BlockTag.Latest } }, cancellationToken: ct);
        return UInt128.Parse(head.Header.BaseFeePerGas, CultureInfo.InvariantCulture);
    }

    private async Task FundAsync(PrivateKey[] keys, UInt128 each, ulong chainId, UInt128 maxFee, UInt128 tip, CancellationToken ct)
    {
        progress.WriteLine($"bench: funding {keys.Length} senders with {Wei.FormatOpen(each)} OPEN each");
        var account = await client.Query.GetAccountAsync(new GetAccountRequest { Address = funder.Address.ToChecksumString() }, cancellationToken: ct);
        var nonce = account.PendingNonce;
        string? last = null;
        foreach (var key in keys)
        {
            var tx = TransactionSigner.Sign(new UnsignedTransaction
            {
                Type = TxType.DynamicFee, ChainId = chainId, Nonce = nonce++, MaxPriorityFeePerGas = tip, MaxFeePerGas = maxFee,
                GasLimit = 21_000, To = key.Address, Value = each,
            }, funder);
            last = (await client.Tx.BroadcastAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(tx.Encoded) }, cancellationToken: ct)).TransactionHash;
        }
        if (last is not null)
        {
            var receipt = await client.Tx.WaitReceiptAsync(new WaitReceiptRequest { Hash = last, TimeoutMs = 120_000 }, cancellationToken: ct);
            if (!receipt.Success) throw new InvalidOperationException($"funding transaction {last} failed: {receipt.RevertReason}");
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>VmHWM of a local process (Linux), the peak resident set size.</summary>
    private static double? PeakRssMiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return Math.Round(double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0, 1);
        }
        catch (IOException)
        {
        }
        return null;
    }

    public static string ToJson<T>(T report) =>
        JsonSerializer.Serialize(report, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true });
}
