using OpenLedger.Core.Types;
using OpenLedger.Storage;

namespace OpenLedger.State.Trie;

/// <summary>Collects committed trie nodes in a write batch (column <see cref="DbColumn.TrieNodes"/>).</summary>
public sealed class WriteBatchTrieNodeSink(IWriteBatch batch) : ITrieNodeSink
{
    private readonly IWriteBatch _batch = batch ?? throw new ArgumentNullException(nameof(batch));

    public void Put(Hash256 nodeHash, byte[] rlp) => _batch.Put(DbColumn.TrieNodes, nodeHash.Bytes, rlp);
}
