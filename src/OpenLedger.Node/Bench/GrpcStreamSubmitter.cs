using Google.Protobuf;
using OpenLedger.Node.Cli;
using OpenLedger.Rpc.V1;
using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Node.Bench;

/// <summary>Every transaction on one gRPC BroadcastStream (client streaming); the node admits what has arrived in bursts.</summary>
public sealed class GrpcStreamSubmitter(WalletClient client) : ITransactionSubmitter
{
    public string Name => "gRPC BroadcastStream";

    public async Task<SubmitSummary> SubmitAsync(IReadOnlyList<Transaction> transactions, Action<Transaction> sending, CancellationToken ct)
    {
        using var stream = client.Tx.BroadcastStream(cancellationToken: ct);
        foreach (var tx in transactions)
        {
            sending(tx);
            await stream.RequestStream.WriteAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(tx.Encoded) }, ct);
        }
        await stream.RequestStream.CompleteAsync();
        var summary = await stream.ResponseAsync;
        return new SubmitSummary((int)summary.Accepted, (int)summary.Rejected,
            summary.FirstRejections.Select(r => (r.TransactionHash, r.ErrorMessage)).ToList());
    }
}
