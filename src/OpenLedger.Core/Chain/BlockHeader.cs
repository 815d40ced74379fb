using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// A block header (SPEC §5). It commits to the state after its own transactions (Ethereum style).
/// Block hash = keccak256(RLP(header)) over the fields in declaration order.
/// </summary>
public sealed record BlockHeader
{
    public required Hash256 ParentHash { get; init; }
    public required ulong Number { get; init; }
    /// <summary>Milliseconds since the Unix epoch, strictly increasing from block to block.</summary>
    public required ulong TimestampMs { get; init; }
    /// <summary>The proposer's consensus address (derived from its consensus public key).</summary>
    public required Address Proposer { get; init; }
    public required Hash256 StateRoot { get; init; }
    public required Hash256 TransactionsRoot { get; init; }
    public required Hash256 ReceiptsRoot { get; init; }
    public required Bloom LogsBloom { get; init; }
    public required ulong GasUsed { get; init; }
    public required ulong GasLimit { get; init; }
    public required UInt128 BaseFeePerGas { get; init; }
    public required Hash256 ValidatorSetHash { get; init; }
    public required Hash256 NextValidatorSetHash { get; init; }
    public required Hash256 LastCommitHash { get; init; }
    public required Hash256 EvidenceHash { get; init; }

    private Hash256? _hash;

    public Hash256 Hash => _hash ??= Keccak256.Hash(Encode());

    public byte[] Encode()
    {
        var writer = new RlpWriter(600);
        Encode(writer);
        return writer.ToArray();
    }

    public void Encode(RlpWriter writer)
    {
        var start = writer.BeginList();
        writer.WriteBytes(ParentHash.Bytes);
        writer.WriteUInt64(Number);
        writer.WriteUInt64(TimestampMs);
        writer.WriteBytes(Proposer.Bytes);
        writer.WriteBytes(StateRoot.Bytes);
        writer.WriteBytes(TransactionsRoot.Bytes);
        writer.WriteBytes(ReceiptsRoot.Bytes);
        writer.WriteBytes(LogsBloom.Bytes);
        writer.WriteUInt64(GasUsed);
        writer.WriteUInt64(GasLimit);
        writer.WriteUInt128(BaseFeePerGas);
        writer.WriteBytes(ValidatorSetHash.Bytes);
        writer.WriteBytes(NextValidatorSetHash.Bytes);
        writer.WriteBytes(LastCommitHash.Bytes);
        writer.WriteBytes(EvidenceHash.Bytes);
        writer.EndList(start);
    }

    public static BlockHeader Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var header = Decode(ref reader);
        reader.EnsureEnd("block header");
        return header;
    }

    public static BlockHeader Decode(ref RlpReader reader)
    {
        var list = reader.ReadList();
        var header = new BlockHeader
        {
            ParentHash = new Hash256(list.ReadBytes(32, "parent hash")),
            Number = list.ReadUInt64("number"),
            TimestampMs = list.ReadUInt64("timestamp"),
            Proposer = new Address(list.ReadBytes(20, "proposer")),
            StateRoot = new Hash256(list.ReadBytes(32, "state root")),
            TransactionsRoot = new Hash256(list.ReadBytes(32, "transactions root")),
            ReceiptsRoot = new Hash256(list.ReadBytes(32, "receipts root")),
            LogsBloom = new Bloom(list.ReadBytes(Bloom.ByteLength, "logs bloom")),
            GasUsed = list.ReadUInt64("gas used"),
            GasLimit = list.ReadUInt64("gas limit"),
            BaseFeePerGas = list.ReadUInt128("base fee"),
            ValidatorSetHash = new Hash256(list.ReadBytes(32, "validator set hash")),
            NextValidatorSetHash = new Hash256(list.ReadBytes(32, "next validator set hash")),
            LastCommitHash = new Hash256(list.ReadBytes(32, "last commit hash")),
            EvidenceHash = new Hash256(list.ReadBytes(32, "evidence hash")),
        };
        list.EnsureEnd("block header");
        return header;
    }
}
