using Google.Protobuf;
using OpenLedger.Node.Cli;
using OpenLedger.Rpc.V1;
using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Node.Bench;

/// <summary>
/// Every transaction on one gRPC BroadcastBatches stream (client streaming), <see cref="PerMessage"/> transactions per
/// message; the node admits each message's transactions as one parallel-recovery burst.
/// </summary>
public sealed class GrpcStreamSubmitter(WalletClient client) : ITransactionSubmitter
{
    /// <summary>
    /// About 28 KB of transfers per message: enough that per-message HTTP/2 and protobuf costs vanish, small enough
    /// that the node starts admitting while the client is still sending.
    /// </summary>
    public const int PerMessage = 256;

    public string Name => $"gRPC BroadcastBatches ({PerMessage} per message)";

    public async Task<SubmitSummary> SubmitAsync(IReadOnlyList<Transaction> transactions, Action<int> sending, CancellationToken ct)
    {
        using var stream = client.Tx.BroadcastBatches(cancellationToken: ct);
        for (var start = 0; start < transactions.Count; start += PerMessage)
        {
            var message = new BroadcastBatchRequest();
            var end = Math.Min(transactions.Count, start + PerMessage);
            for (var i = start; i < end; i++)
            {
                sending(i);
                message.RawTransactions.Add(ByteString.CopyFrom(transactions[i].Encoded));
            }
            await stream.RequestStream.WriteAsync(message, ct);
        }
        await stream.RequestStream.CompleteAsync();
        var summary = await stream.ResponseAsync;
        return new SubmitSummary((int)summary.Accepted, (int)summary.Rejected,
            summary.FirstRejections.Select(r => (r.TransactionHash, r.ErrorMessage)).ToList());
    }
}
