using System.Globalization;
using Google.Protobuf;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Node.Cli;
using OpenLedger.Rpc.V1;
using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Node.Bench;

/// <summary>
/// The bench's gRPC helpers for the unmeasured parts of a run: signing with the run's fee caps, sending setup
/// transactions and waiting for them, estimating gas, and reading receipts in parallel.
/// </summary>
public sealed class BenchChain
{
    private const int ReceiptParallelism = 32;

    private BenchChain(WalletClient client, ulong chainId, UInt128 baseFee)
    {
        Client = client;
        ChainId = chainId;
        BaseFee = baseFee;
    }

    public WalletClient Client { get; }

    public ulong ChainId { get; }

    /// <summary>The head block's base fee when the run started.</summary>
    public UInt128 BaseFee { get; }

    public static UInt128 Tip => Wei.PerGwei;

    public static async Task<BenchChain> ConnectAsync(WalletClient client, CancellationToken ct)
    {
        var status = await client.Node.StatusAsync(new StatusRequest(), cancellationToken: ct);
        var head = await client.Query.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Tag = BlockTag.Latest } }, cancellationToken: ct);
        return new BenchChain(client, status.ChainId, UInt128.Parse(head.Header.BaseFeePerGas, CultureInfo.InvariantCulture));
    }

    public Transaction Sign(PrivateKey key, ulong nonce, Address to, UInt128 value, byte[] data, ulong gasLimit, UInt128 maxFee) =>
        TransactionSigner.Sign(new UnsignedTransaction
        {
            Type = TxType.DynamicFee, ChainId = ChainId, Nonce = nonce, MaxPriorityFeePerGas = Tip, MaxFeePerGas = maxFee,
            GasLimit = gasLimit, To = to, Value = value, Data = data,
        }, key);

    public async Task<ulong> PendingNonceAsync(Address address, CancellationToken ct) =>
        (await Client.Query.GetAccountAsync(new GetAccountRequest { Address = address.ToChecksumString() }, cancellationToken: ct)).PendingNonce;

    /// <summary>Sends setup transactions on one stream; throws naming the node's reason if any is refused.</summary>
    public async Task BroadcastAllAsync(IReadOnlyList<Transaction> transactions, string what, CancellationToken ct)
    {
        var summary = await new GrpcStreamSubmitter(Client).SubmitAsync(transactions, _ => { }, ct);
        if (summary.Rejected > 0)
            throw new InvalidOperationException($"{what}: the node refused {summary.Rejected} of {transactions.Count} transactions" +
                (summary.Rejections.Count > 0 ? $", e.g. {summary.Rejections[0].Reason}" : ""));
    }

    /// <summary>
    /// Sends setup transactions, waits until all are in blocks and returns their receipts in the same order;
    /// throws naming the call and its revert reason if any failed.
    /// </summary>
    public async Task<Receipt[]> ExecuteAsync(IReadOnlyList<Transaction> transactions, string what, CancellationToken ct)
    {
        await BroadcastAllAsync(transactions, what, ct);
        await WaitCommittedAsync(transactions, ct);
        var receipts = await ReceiptsAsync(transactions.Select(t => t.Hash.ToString()).ToList(), ct);
        for (var i = 0; i < receipts.Length; i++)
            if (!receipts[i].Success)
                throw new InvalidOperationException($"{what}: transaction {receipts[i].TransactionHash} failed in block {receipts[i].BlockNumber}: {receipts[i].RevertReason}");
        return receipts;
    }

    /// <summary>Waits until every one of <paramref name="transactions"/> (already sent) is in a block.</summary>
    public async Task WaitCommittedAsync(IReadOnlyList<Transaction> transactions, CancellationToken ct)
    {
        // A sender's transactions execute in nonce order: once its last one has a receipt, all of them have.
        var lastPerSender = transactions.GroupBy(t => t.RecoverSender()).Select(g => g.MaxBy(t => t.Nonce)!.Hash.ToString());
        await Parallel.ForEachAsync(lastPerSender, new ParallelOptions { MaxDegreeOfParallelism = ReceiptParallelism, CancellationToken = ct },
            async (hash, token) => await Client.Tx.WaitReceiptAsync(new WaitReceiptRequest { Hash = hash, TimeoutMs = 300_000 }, cancellationToken: token));
    }

    /// <summary>The receipts of committed transactions, in the order of <paramref name="hashes"/>.</summary>
    public async Task<Receipt[]> ReceiptsAsync(IReadOnlyList<string> hashes, CancellationToken ct)
    {
        var receipts = new Receipt[hashes.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, hashes.Count), new ParallelOptions { MaxDegreeOfParallelism = ReceiptParallelism, CancellationToken = ct },
            async (i, token) => receipts[i] = await Client.Tx.GetReceiptAsync(new TxHashRequest { Hash = hashes[i] }, cancellationToken: token));
        return receipts;
    }

    /// <summary>The gas a call uses at the latest state (eth_estimateGas); throws with the revert reason if it would fail.</summary>
    public async Task<ulong> EstimateGasAsync(Address from, Address to, UInt128 value, byte[] data, string what, CancellationToken ct)
    {
        try
        {
            var estimate = await Client.Tx.EstimateGasAsync(new CallRequest
            {
                From = from.ToChecksumString(), To = to.ToChecksumString(), Value = value.ToString(CultureInfo.InvariantCulture), Data = ByteString.CopyFrom(data),
            }, cancellationToken: ct);
            return estimate.GasLimit;
        }
        catch (Grpc.Core.RpcException e)
        {
            throw new InvalidOperationException($"{what} would fail: {e.Status.Detail}", e);
        }
    }
}
