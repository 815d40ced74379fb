using System.Buffers.Binary;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Storage;

namespace OpenLedger.Execution.Chain;

/// <summary>
/// Which double-sign evidence the chain has included, and where: column <see cref="DbColumn.Evidence"/>, key
/// "committed/" + evidence hash → big-endian block number, written in the block's own commit batch. Every
/// node derives it from the blocks, so "already committed" is a deterministic block-validity rule.
/// </summary>
public static class CommittedEvidenceIndex
{
    private static readonly byte[] Prefix = "committed/"u8.ToArray();

    public static ulong? Find(IKeyValueStore db, Hash256 evidenceHash) =>
        db.Get(DbColumn.Evidence, Key(evidenceHash)) is { Length: 8 } value ? BinaryPrimitives.ReadUInt64BigEndian(value) : null;

    public static void Write(IWriteBatch batch, Block block)
    {
        foreach (var evidence in block.Evidence)
        {
            var value = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(value, block.Number);
            batch.Put(DbColumn.Evidence, Key(evidence.Hash), value);
        }
    }

    private static byte[] Key(Hash256 hash) => [.. Prefix, .. hash.ToArray()];
}
