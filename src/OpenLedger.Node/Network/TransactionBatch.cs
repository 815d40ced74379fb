using OpenLedger.Core.Encoding;

namespace OpenLedger.Node.Network;

/// <summary>
/// The payload of one message on the transaction batch topic (<c>/openledger/&lt;chainId&gt;/txbatch/1</c>): an RLP
/// list of byte strings, each one raw signed transaction exactly as it would travel alone on the transaction topic.
/// One gossipsub envelope (one Ed25519 signature at the origin, one verification per peer, one message id) then
/// carries many transactions. A batch holds 1 to <see cref="MaxTransactions"/> transactions and at most
/// <see cref="MaxBytes"/> bytes, so it always fits one gossipsub RPC frame; anything else is rejected as a whole.
/// </summary>
public static class TransactionBatch
{
    /// <summary>Transactions in one batch at most.</summary>
    public const int MaxTransactions = 1024;

    /// <summary>Encoded size of one batch at most (a quarter of the 1 MiB gossipsub frame limit).</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>Encodes raw transactions as one batch; the caller keeps within the limits (<see cref="Fits"/>).</summary>
    public static byte[] Encode(IReadOnlyList<byte[]> transactions)
    {
        if (transactions.Count is 0 or > MaxTransactions)
            throw new ArgumentException($"a batch holds 1 to {MaxTransactions} transactions, not {transactions.Count}", nameof(transactions));
        var payload = 0;
        foreach (var tx in transactions) payload += RlpWriter.BytesLength(tx);
        var encoded = new byte[RlpWriter.HeaderLength(payload) + payload];
        if (encoded.Length > MaxBytes) throw new ArgumentException($"the batch is {encoded.Length} bytes, more than {MaxBytes}", nameof(transactions));
        var writer = new RlpWriter(encoded);
        writer.WriteListHeader(payload);
        foreach (var tx in transactions) writer.WriteBytes(tx);
        return encoded;
    }

    /// <summary>Whether a batch of <paramref name="count"/> transactions whose raw encodings total <paramref name="payloadBytes"/> (RLP string headers included) is within the limits.</summary>
    public static bool Fits(int count, int payloadBytes) =>
        count is > 0 and <= MaxTransactions && RlpWriter.HeaderLength(payloadBytes) + payloadBytes <= MaxBytes;

    /// <summary>The raw transactions of a batch (slices of <paramref name="data"/>); throws <see cref="RlpException"/> if it is not a well-formed batch within the limits.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Decode(ReadOnlyMemory<byte> data)
    {
        if (data.Length > MaxBytes) throw new RlpException($"transaction batch of {data.Length} bytes exceeds {MaxBytes}");
        var outer = new RlpReader(data.Span);
        if (!outer.HasMore || !outer.PeekIsList()) throw new RlpException("a transaction batch is an RLP list");
        var list = outer.ReadList();
        outer.EnsureEnd("transaction batch");
        var offset = data.Length - list.Remaining;
        var transactions = new List<ReadOnlyMemory<byte>>();
        while (list.HasMore)
        {
            if (transactions.Count == MaxTransactions) throw new RlpException($"transaction batch holds more than {MaxTransactions} transactions");
            if (list.PeekIsList()) throw new RlpException($"transaction batch member {transactions.Count} is a list, not a byte string");
            var raw = list.ReadBytes();
            var start = offset + list.Position - raw.Length;
            if (raw.Length == 0) throw new RlpException($"transaction batch member {transactions.Count} is empty");
            transactions.Add(data.Slice(start, raw.Length));
        }
        if (transactions.Count == 0) throw new RlpException("transaction batch is empty");
        return transactions;
    }
}
