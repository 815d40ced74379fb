using OpenLedger.Core.Types;
using OpenLedger.State.Trie;

namespace OpenLedger.State.Tests.Support;

/// <summary>An in-memory node store that counts reads (thread-safe).</summary>
public sealed class CountingTrieNodeStore : ITrieNodeStore, ITrieNodeSink
{
    private int _reads;

    public MemoryTrieNodeStore Nodes { get; } = new();

    public int Reads => Volatile.Read(ref _reads);

    public byte[]? Get(Hash256 nodeHash)
    {
        Interlocked.Increment(ref _reads);
        return Nodes.Get(nodeHash);
    }

    public void Put(Hash256 nodeHash, byte[] rlp) => Nodes.Put(nodeHash, rlp);
}
