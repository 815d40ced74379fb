using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>Where <see cref="PatriciaTrie.Commit"/> writes the nodes that are new since the last commit.</summary>
public interface ITrieNodeSink
{
    void Put(Hash256 nodeHash, byte[] rlp);
}
