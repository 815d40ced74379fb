using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// The outcome of one transaction. The consensus part (type, status, cumulative gas, bloom, logs) is what the
/// receipts root commits to, encoded exactly as Ethereum's typed receipts; the rest is stored beside it for RPC.
/// </summary>
public sealed record TransactionReceipt
{
    public required byte TxType { get; init; }
    public required bool Success { get; init; }
    public required ulong CumulativeGasUsed { get; init; }
    public required Bloom Bloom { get; init; }
    public required IReadOnlyList<LogEntry> Logs { get; init; }

    // Indexing fields: not part of the receipts root.
    public required Hash256 TransactionHash { get; init; }
    public required int TransactionIndex { get; init; }
    public required Address From { get; init; }
    public Address? To { get; init; }
    public required ulong GasUsed { get; init; }
    public required UInt128 EffectiveGasPrice { get; init; }
    /// <summary>Human-readable reason when <see cref="Success"/> is false; ABI Error(string) is in <see cref="ReturnData"/>.</summary>
    public string? RevertReason { get; init; }
    public byte[] ReturnData { get; init; } = [];

    /// <summary>The EIP-2718 receipt encoding committed to by the receipts root.</summary>
    public byte[] EncodeConsensus()
    {
        // The thread's reusable writer: the result is the only allocation (a block encodes thousands of receipts).
        var writer = RlpWriter.RentForThread();
        WriteConsensus(writer);
        var encoded = writer.ToArray();
        RlpWriter.ReturnForThread(writer);
        return encoded;
    }

    private void WriteConsensus(RlpWriter writer)
    {
        if (TxType != 0) writer.WriteEncoded([TxType]);
        var start = writer.BeginList();
        writer.WriteUInt64(Success ? 1UL : 0UL);
        writer.WriteUInt64(CumulativeGasUsed);
        writer.WriteBytes(Bloom.Bytes);
        var logs = writer.BeginList();
        foreach (var log in Logs) log.Encode(writer);
        writer.EndList(logs);
        writer.EndList(start);
    }

    /// <summary>The full storage encoding (consensus part plus indexing fields).</summary>
    public byte[] EncodeStorage() => EncodeStorage(EncodeConsensus());

    /// <summary>The same, around a consensus encoding already at hand (the block executor made it for the receipts root).</summary>
    public byte[] EncodeStorage(ReadOnlySpan<byte> consensus)
    {
        var writer = new RlpWriter(StorageLengthBound(consensus.Length));
        WriteStorage(writer, consensus);
        return writer.ToArray();
    }

    /// <summary>At least the length of the storage encoding around a consensus encoding of this length.</summary>
    public int StorageLengthBound(int consensusLength) => consensusLength + 160 + ReturnData.Length + (RevertReason?.Length ?? 0) * 3;

    /// <summary>The storage encoding, written into <paramref name="writer"/> (a block's receipts go into one buffer).</summary>
    public void WriteStorage(RlpWriter writer, ReadOnlySpan<byte> consensus)
    {
        var start = writer.BeginList();
        writer.WriteBytes(consensus);
        writer.WriteBytes(TransactionHash.Bytes);
        writer.WriteUInt64((ulong)TransactionIndex);
        writer.WriteBytes(From.Bytes);
        writer.WriteBytes(To is { } to ? to.Bytes : []);
        writer.WriteUInt64(GasUsed);
        writer.WriteUInt128(EffectiveGasPrice);
        writer.WriteString(RevertReason ?? "");
        writer.WriteBytes(ReturnData);
        writer.EndList(start);
    }

    public static TransactionReceipt DecodeStorage(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        var list = outer.ReadList();
        var consensus = list.ReadBytes();
        byte type = 0;
        if (consensus.Length > 0 && consensus[0] < 0x80)
        {
            type = consensus[0];
            consensus = consensus[1..];
        }
        var inner = new RlpReader(consensus);
        var fields = inner.ReadList();
        var success = fields.ReadUInt64("status") == 1;
        var cumulative = fields.ReadUInt64("cumulative gas");
        var bloomBytes = fields.ReadBytes(Bloom.ByteLength, "bloom");
        var bloom = bloomBytes.ContainsAnyExcept((byte)0) ? new Bloom(bloomBytes) : Bloom.Empty;
        var logsReader = fields.ReadList();
        var logs = new List<LogEntry>();
        while (logsReader.HasMore) logs.Add(LogEntry.Decode(ref logsReader));
        var txHash = new Hash256(list.ReadBytes(Hash256.Length, "tx hash"));
        var index = (int)list.ReadUInt64("tx index");
        var from = new Address(list.ReadBytes(Address.Length, "from"));
        var toBytes = list.ReadBytes();
        var gasUsed = list.ReadUInt64("gas used");
        var price = list.ReadUInt128("effective gas price");
        var reason = System.Text.Encoding.UTF8.GetString(list.ReadBytes());
        var returnData = list.ReadBytes().ToArray();
        return new TransactionReceipt
        {
            TxType = type,
            Success = success,
            CumulativeGasUsed = cumulative,
            Bloom = bloom,
            Logs = logs,
            TransactionHash = txHash,
            TransactionIndex = index,
            From = from,
            To = toBytes.Length == 0 ? null : new Address(toBytes),
            GasUsed = gasUsed,
            EffectiveGasPrice = price,
            RevertReason = reason.Length == 0 ? null : reason,
            ReturnData = returnData,
        };
    }
}
