using System.Collections.Concurrent;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>
/// A node store that can be warmed ahead of time: <see cref="WarmSecurePath"/> walks the committed trie at a root
/// down to a key (on another thread, while the block's transactions run) and keeps the RLP of every node it had to
/// read from the underlying store; <see cref="Get"/> then answers those from memory. Nodes are keyed by their hash,
/// so warming can only make reads faster, never change what they return: a node that is not warmed (yet) is read
/// from the underlying store as before. The walk reads the upper nodes from the shared <see cref="TrieNodeCache"/>
/// without copying them (cache entries are never changed) and never touches a trie's own nodes.
/// Thread-safe: any number of warming threads and readers. Warmed nodes stay until the store is dropped, so use
/// one instance per block.
/// </summary>
public sealed class PrefetchingTrieNodeStore : ITrieNodeStore
{
    private readonly ITrieNodeStore _inner;
    private readonly TrieNodeCache? _cache;
    private readonly ConcurrentDictionary<Hash256, byte[]> _warmed = new();

    public PrefetchingTrieNodeStore(ITrieNodeStore inner, TrieNodeCache? cache = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _cache = cache;
    }

    /// <summary>How many nodes warming has read from the underlying store.</summary>
    public int WarmedCount => _warmed.Count;

    /// <summary>The warmed nodes (a snapshot, for tests and diagnostics).</summary>
    public IReadOnlyList<KeyValuePair<Hash256, byte[]>> Warmed => _warmed.ToArray();

    public byte[]? Get(Hash256 nodeHash) => _warmed.TryGetValue(nodeHash, out var rlp) ? rlp : _inner.Get(nodeHash);

    /// <summary>
    /// Reads the nodes on the path of keccak256(<paramref name="key"/>) in the trie at <paramref name="root"/>, as a
    /// <see cref="SecureTrie"/> opened at that root will when it reads or writes that key. Stops where the path ends
    /// or at a node the store does not have (the trie itself reports that when it gets there).
    /// </summary>
    /// <returns>How many nodes were read from the underlying store.</returns>
    public int WarmSecurePath(Hash256 root, ReadOnlySpan<byte> key)
    {
        Span<byte> hashed = stackalloc byte[Hash256.Length];
        Keccak256.Hash(key, hashed);
        Span<byte> path = stackalloc byte[Hash256.Length * 2];
        Nibbles.FromBytes(hashed, path);
        return WarmPath(root, path);
    }

    private int WarmPath(Hash256 root, ReadOnlySpan<byte> path)
    {
        if (root == Hash256.EmptyTrieRoot) return 0;
        var reads = 0;
        TrieNode? node = new HashReferenceNode(root);
        while (node is not null)
        {
            if (node is HashReferenceNode reference)
            {
                node = Resolve(reference.Hash, ref reads);
                if (node is null) return reads;
            }
            switch (node)
            {
                case ExtensionNode extension:
                    if (!path.StartsWith(extension.Path)) return reads;
                    path = path[extension.Path.Length..];
                    node = extension.Child;
                    break;
                case BranchNode branch:
                    if (path.IsEmpty) return reads;
                    node = branch.Children[path[0]];
                    path = path[1..];
                    break;
                default:
                    return reads;
            }
        }
        return reads;
    }

    /// <summary>The node with this hash for reading only: a shared cache entry, or decoded from warmed or stored RLP.</summary>
    private TrieNode? Resolve(Hash256 hash, ref int reads)
    {
        if (_cache is not null && _cache.TryGetShared(hash, out var shared)) return shared;
        if (!_warmed.TryGetValue(hash, out var rlp))
        {
            rlp = _inner.Get(hash);
            if (rlp is null) return null;
            _warmed.TryAdd(hash, rlp);
            reads++;
        }
        return TrieNodeCodec.Decode(rlp, hash);
    }
}
