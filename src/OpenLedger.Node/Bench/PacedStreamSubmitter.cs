using System.Diagnostics;
using Google.Protobuf;
using OpenLedger.Node.Cli;
using OpenLedger.Rpc.V1;
using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Node.Bench;

/// <summary>
/// Open-loop load at a steady rate: transaction i is due at start + i / rate and is written to one long-lived gRPC
/// BroadcastStream when due (the node admits what has arrived whenever the stream goes quiet, so each one is admitted
/// promptly). <c>sending</c> is called with each transaction's due time rather than the moment it actually left, so a
/// client or a stream that falls behind does not hide the delay from the latency figures (coordinated omission).
/// </summary>
public sealed class PacedStreamSubmitter(WalletClient client, double ratePerSecond) : ITransactionSubmitter
{
    // The pacer sleeps until the next transaction is due, within these bounds (timer resolution is about 1 ms).
    private static readonly TimeSpan MinSleep = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(1);

    public string Name => $"gRPC BroadcastStream paced at {ratePerSecond:0.#} tx/s";

    /// <summary>The due time of transaction <paramref name="index"/>, in Stopwatch ticks after the start.</summary>
    public static long DueTicks(int index, double ratePerSecond) => (long)(index / ratePerSecond * Stopwatch.Frequency);

    public Task<SubmitSummary> SubmitAsync(IReadOnlyList<Transaction> transactions, Action<int> sending, CancellationToken ct) =>
        SubmitAsync(transactions, (index, _) => sending(index), ct);

    /// <summary>As <see cref="ITransactionSubmitter.SubmitAsync"/>, with each transaction's due time (Stopwatch timestamp).</summary>
    public async Task<SubmitSummary> SubmitAsync(IReadOnlyList<Transaction> transactions, Action<int, long> sending, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ratePerSecond, 0);
        using var stream = client.Tx.BroadcastStream(cancellationToken: ct);
        var start = Stopwatch.GetTimestamp();
        var next = 0;
        while (next < transactions.Count)
        {
            var elapsed = Stopwatch.GetTimestamp() - start;
            while (next < transactions.Count && DueTicks(next, ratePerSecond) <= elapsed)
            {
                var tx = transactions[next];
                sending(next, start + DueTicks(next, ratePerSecond));
                await stream.RequestStream.WriteAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(tx.Encoded) }, ct);
                next++;
            }
            if (next < transactions.Count)
            {
                var untilNext = TimeSpan.FromSeconds((DueTicks(next, ratePerSecond) - (Stopwatch.GetTimestamp() - start)) / (double)Stopwatch.Frequency);
                await Task.Delay(untilNext < MinSleep ? MinSleep : untilNext > MaxSleep ? MaxSleep : untilNext, ct);
            }
        }
        await stream.RequestStream.CompleteAsync();
        var summary = await stream.ResponseAsync;
        return new SubmitSummary((int)summary.Accepted, (int)summary.Rejected,
            summary.FirstRejections.Select(r => (r.TransactionHash, r.ErrorMessage)).ToList());
    }
}
