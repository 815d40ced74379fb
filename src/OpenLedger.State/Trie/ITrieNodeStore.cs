using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>Where a trie reads its nodes from: the RLP of a node, looked up by its Keccak-256 hash.</summary>
public interface ITrieNodeStore
{
    /// <summary>The node's RLP, or null when no node with that hash was ever stored (or it was pruned).</summary>
    byte[]? Get(Hash256 nodeHash);
}
