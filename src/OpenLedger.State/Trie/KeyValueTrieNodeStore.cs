using OpenLedger.Core.Types;
using OpenLedger.Storage;

namespace OpenLedger.State.Trie;

/// <summary>
/// Trie nodes in the <see cref="DbColumn.TrieNodes"/> column, keyed by their 32-byte hash. Putting through this
/// class writes each node immediately; a block commit should instead collect its nodes in the block's write
/// batch through <see cref="CreateBatchSink"/>, so that state and block land in one atomic write.
/// </summary>
public sealed class KeyValueTrieNodeStore(IKeyValueStore store) : ITrieNodeStore, ITrieNodeSink
{
    private readonly IKeyValueStore _store = store ?? throw new ArgumentNullException(nameof(store));

    public byte[]? Get(Hash256 nodeHash) => _store.Get(DbColumn.TrieNodes, nodeHash.Bytes);

    public void Put(Hash256 nodeHash, byte[] rlp) => _store.Put(DbColumn.TrieNodes, nodeHash.Bytes, rlp);

    /// <summary>A sink that adds nodes to <paramref name="batch"/>; they become visible when the batch is written.</summary>
    public static ITrieNodeSink CreateBatchSink(IWriteBatch batch) => new WriteBatchTrieNodeSink(batch);
}
