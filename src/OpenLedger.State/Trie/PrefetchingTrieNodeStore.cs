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
/// without copying them (cache entries are never changed), scans the RLP of the others for the one child reference
/// it needs instead of decoding them (the trie decodes them once, when it loads them), and never touches a trie's
/// own nodes.
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
    /// <param name="currentValue">The value the key holds at <paramref name="root"/> as far as the caller knows (null
    /// when unknown): the key's own leaf is then not read, because a trie given the same value rebuilds it (see
    /// <see cref="PatriciaTrie.Set(ReadOnlySpan{byte}, ReadOnlySpan{byte}, byte[])"/>).</param>
    /// <returns>How many nodes were read from the underlying store.</returns>
    public int WarmSecurePath(Hash256 root, ReadOnlySpan<byte> key, byte[]? currentValue = null)
    {
        Span<byte> hashed = stackalloc byte[Hash256.Length];
        Keccak256.Hash(key, hashed);
        Span<byte> path = stackalloc byte[Hash256.Length * 2];
        Nibbles.FromBytes(hashed, path);
        return WarmPath(root, path, currentValue is { Length: > 0 } ? currentValue : null);
    }

    private int WarmPath(Hash256 root, ReadOnlySpan<byte> path, byte[]? leafValue)
    {
        if (root == Hash256.EmptyTrieRoot) return 0;
        var reads = 0;
        var next = root;
        try
        {
            while (true)
            {
                // Upper levels: the cache's decoded nodes, read in place.
                if (_cache is not null && _cache.TryGetShared(next, out var shared))
                {
                    if (!TryStepThroughCached(shared, ref path, out next)) return reads;
                    continue;
                }
                // Below them: the stored RLP, scanned for the one child reference the path needs (no node objects).
                if (!_warmed.TryGetValue(next, out var rlp))
                {
                    if (leafValue is not null && TrieNodeCodec.IsLeaf(next, path, leafValue)) return reads;
                    rlp = _inner.Get(next);
                    if (rlp is null) return reads;
                    _warmed.TryAdd(next, rlp);
                    reads++;
                }
                if (!TryStepThroughEncoded(rlp, ref path, out next)) return reads;
            }
        }
        catch (Exception e) when (e is TrieException or OpenLedger.Core.Encoding.RlpException)
        {
            // A malformed node ends the warm; the trie reports it when it gets there.
            return reads;
        }
    }

    /// <summary>Follows the path through a cached node (and its embedded children) to the next node referenced by hash.</summary>
    private static bool TryStepThroughCached(TrieNode node, ref ReadOnlySpan<byte> path, out Hash256 next)
    {
        next = default;
        while (true)
        {
            switch (node)
            {
                case HashReferenceNode reference:
                    next = reference.Hash;
                    return true;
                case ExtensionNode extension:
                    if (!path.StartsWith(extension.Path)) return false;
                    path = path[extension.Path.Length..];
                    node = extension.Child;
                    break;
                case BranchNode branch:
                    if (path.IsEmpty || branch.Children[path[0]] is not { } child) return false;
                    path = path[1..];
                    node = child;
                    break;
                default:
                    return false;
            }
        }
    }

    /// <summary>Follows the path through an encoded node (and embedded children) to the next node referenced by hash.</summary>
    private static bool TryStepThroughEncoded(ReadOnlySpan<byte> encoded, ref ReadOnlySpan<byte> path, out Hash256 next)
    {
        next = default;
        while (true)
        {
            var items = new OpenLedger.Core.Encoding.RlpReader(encoded).ReadList();
            var count = 0;
            for (var counter = items; counter.HasMore; count++) counter.ReadEncodedItem();
            ReadOnlySpan<byte> reference;
            if (count == 17)
            {
                if (path.IsEmpty) return false;
                for (var i = 0; i < path[0]; i++) items.ReadEncodedItem();
                path = path[1..];
                reference = items.ReadEncodedItem();
            }
            else if (count == 2)
            {
                var compact = items.ReadBytes();
                if (compact.IsEmpty) return false;
                var flag = compact[0] >> 4;
                if (flag >= 2) return false; // a leaf: the path ends here
                if (!StartsWithCompactPath(path, compact, odd: (flag & 1) == 1, out var length)) return false;
                path = path[length..];
                reference = items.ReadEncodedItem();
            }
            else
            {
                return false;
            }
            var child = new OpenLedger.Core.Encoding.RlpReader(reference);
            if (child.PeekIsList())
            {
                encoded = reference; // an embedded node: walk on inside it
                continue;
            }
            var bytes = child.ReadBytes();
            if (bytes.Length != Hash256.Length) return false;
            next = new Hash256(bytes);
            return true;
        }
    }

    /// <summary>Whether <paramref name="path"/> starts with the nibbles of a hex-prefix encoded extension path.</summary>
    private static bool StartsWithCompactPath(ReadOnlySpan<byte> path, ReadOnlySpan<byte> compact, bool odd, out int length)
    {
        length = (compact.Length - 1) * 2 + (odd ? 1 : 0);
        if (path.Length < length) return false;
        var n = 0;
        if (odd && path[n++] != (compact[0] & 0x0f)) return false;
        for (var i = 1; i < compact.Length; i++)
        {
            if (path[n++] != compact[i] >> 4) return false;
            if (path[n++] != (compact[i] & 0x0f)) return false;
        }
        return true;
    }
}
