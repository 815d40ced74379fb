using System.Buffers.Binary;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Storage;

namespace OpenLedger.Execution.Chain;

/// <summary>
/// Blocks, receipts, the transaction index, commits and validator sets in the key-value store. Writes go into
/// the caller's batch so that a block, its receipts, its state nodes and the new head land in one atomic write.
/// Layout (column: key → value): Headers: hash → header RLP; Blocks: hash → block RLP; BlockNumbers:
/// number (8 bytes BE) → hash; Receipts: block hash → RLP list of receipts; TxIndex: tx hash → RLP [number, index];
/// Meta: "head" → hash, "commit/"+number → the commit that finalized that block, "valset/"+hash → validator set.
/// </summary>
public sealed class BlockStore(IKeyValueStore db)
{
    private static readonly byte[] HeadKey = "head"u8.ToArray();
    private readonly Lock _receiptsBufferGate = new();
    private byte[] _receiptsBuffer = [];

    public IKeyValueStore Database => db;

    public Hash256? HeadHash => db.Get(DbColumn.Meta, HeadKey) is { } bytes ? new Hash256(bytes) : null;

    public Hash256? GetHash(ulong number) => db.Get(DbColumn.BlockNumbers, NumberKey(number)) is { } bytes ? new Hash256(bytes) : null;

    public BlockHeader? GetHeader(Hash256 hash) => db.Get(DbColumn.Headers, hash.Bytes) is { } bytes ? BlockHeader.Decode(bytes) : null;

    public BlockHeader? GetHeader(ulong number) => GetHash(number) is { } hash ? GetHeader(hash) : null;

    public Block? GetBlock(Hash256 hash) => db.Get(DbColumn.Blocks, hash.Bytes) is { } bytes ? Block.Decode(bytes) : null;

    public Block? GetBlock(ulong number) => GetHash(number) is { } hash ? GetBlock(hash) : null;

    public byte[]? GetEncodedBlock(ulong number) => GetHash(number) is { } hash ? GetEncodedBlock(hash) : null;

    public byte[]? GetEncodedBlock(Hash256 hash) => db.Get(DbColumn.Blocks, hash.Bytes);

    public IReadOnlyList<TransactionReceipt>? GetReceipts(Hash256 blockHash)
    {
        var bytes = db.Get(DbColumn.Receipts, blockHash.Bytes);
        if (bytes is null) return null;
        var reader = new RlpReader(bytes);
        var list = reader.ReadList();
        var receipts = new List<TransactionReceipt>();
        while (list.HasMore) receipts.Add(TransactionReceipt.DecodeStorage(list.ReadBytes()));
        return receipts;
    }

    public TransactionLocation? GetTransactionLocation(Hash256 txHash)
    {
        var bytes = db.Get(DbColumn.TxIndex, txHash.Bytes);
        if (bytes is null) return null;
        var reader = new RlpReader(bytes);
        var list = reader.ReadList();
        var number = list.ReadUInt64("block number");
        var index = (int)list.ReadUInt64("tx index");
        var hash = GetHash(number);
        return hash is null ? null : new TransactionLocation(number, hash.Value, index);
    }

    /// <summary>The commit certificate that finalized block <paramref name="number"/>.</summary>
    public Commit? GetCommit(ulong number) => db.Get(DbColumn.Meta, CommitKey(number)) is { } bytes ? Commit.Decode(bytes) : null;

    public ValidatorSet? GetValidatorSet(Hash256 setHash) =>
        db.Get(DbColumn.Meta, ValidatorSetKey(setHash)) is { } bytes ? ValidatorSet.Decode(bytes) : null;

    public void WriteValidatorSet(IWriteBatch batch, ValidatorSet set) =>
        batch.Put(DbColumn.Meta, ValidatorSetKey(set.Hash), set.Encode());

    /// <param name="receiptEncodings">The receipts' consensus encodings when already made (in receipt order), else null.</param>
    public void WriteBlock(IWriteBatch batch, Block block, byte[] encodedBlock, IReadOnlyList<TransactionReceipt> receipts, Commit commit,
        IReadOnlyList<byte[]>? receiptEncodings = null)
    {
        var hash = block.Hash;
        batch.Put(DbColumn.Headers, hash.Bytes, block.Header.Encode());
        batch.Put(DbColumn.Blocks, hash.Bytes, encodedBlock);
        batch.Put(DbColumn.BlockNumbers, NumberKey(block.Number), hash.Bytes);
        // A full block's receipts are about a megabyte and the batch copies them: the list is written straight into a
        // buffer this store keeps for the purpose, rather than into an array per receipt and then a fresh
        // large-object array per block (each of those brings a gen-2 collection closer; the shared ArrayPool does not
        // keep arrays this large around).
        var consensus = receiptEncodings ?? receipts.Select(r => r.EncodeConsensus()).ToArray();
        var bound = 16;
        for (var i = 0; i < receipts.Count; i++) bound += receipts[i].StorageLengthBound(consensus[i].Length) + 9;
        lock (_receiptsBufferGate)
        {
            if (_receiptsBuffer.Length < bound) _receiptsBuffer = new byte[Math.Max(bound, _receiptsBuffer.Length * 2)];
            var writer = new RlpWriter(_receiptsBuffer);
            var list = writer.BeginList();
            for (var i = 0; i < receipts.Count; i++)
            {
                // Each receipt is a byte string holding its storage encoding (the layout GetReceipts reads).
                var item = writer.BeginList();
                receipts[i].WriteStorage(writer, consensus[i]);
                writer.EndBytes(item);
            }
            writer.EndList(list);
            batch.Put(DbColumn.Receipts, hash.Bytes, writer.WrittenSpan);
        }
        var location = new RlpWriter(16);
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            location.Reset();
            var l = location.BeginList();
            location.WriteUInt64(block.Number);
            location.WriteUInt64((ulong)i);
            location.EndList(l);
            batch.Put(DbColumn.TxIndex, block.Transactions[i].Hash.Bytes, location.WrittenSpan);
        }
        batch.Put(DbColumn.Meta, CommitKey(block.Number), commit.Encode());
        batch.Put(DbColumn.Meta, HeadKey, hash.Bytes);
    }

    private static byte[] NumberKey(ulong number)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, number);
        return key;
    }

    private static byte[] CommitKey(ulong number)
    {
        var key = new byte[15];
        "commit/"u8.CopyTo(key);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(7), number);
        return key;
    }

    private static byte[] ValidatorSetKey(Hash256 hash)
    {
        var key = new byte[39];
        "valset/"u8.CopyTo(key);
        hash.Bytes.CopyTo(key.AsSpan(7));
        return key;
    }
}

public readonly record struct TransactionLocation(ulong BlockNumber, Hash256 BlockHash, int Index);
