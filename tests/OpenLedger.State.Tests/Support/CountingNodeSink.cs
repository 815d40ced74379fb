using OpenLedger.Core.Types;
using OpenLedger.State.Trie;

namespace OpenLedger.State.Tests.Support;

/// <summary>Records what a commit writes, and passes it on to a store.</summary>
public sealed class CountingNodeSink(ITrieNodeSink inner) : ITrieNodeSink
{
    public List<Hash256> Written { get; } = [];

    public void Put(Hash256 nodeHash, byte[] rlp)
    {
        Written.Add(nodeHash);
        inner.Put(nodeHash, rlp);
    }
}
