using System.Collections.Concurrent;
using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>Trie nodes in a dictionary: for tests, proofs and short-lived tries (transactions/receipts roots).</summary>
public sealed class MemoryTrieNodeStore : ITrieNodeStore, ITrieNodeSink
{
    private readonly ConcurrentDictionary<Hash256, byte[]> _nodes = new();

    public int Count => _nodes.Count;

    public byte[]? Get(Hash256 nodeHash) => _nodes.TryGetValue(nodeHash, out var rlp) ? rlp : null;

    public void Put(Hash256 nodeHash, byte[] rlp) => _nodes[nodeHash] = rlp;
}
