using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>
/// Decoded upper nodes of committed tries, kept between blocks so that a block's trie opened at its parent's root
/// does not read and decode the top of the trie from the store again for every touched path. Keyed by node hash,
/// so an entry can never be wrong, only stale: a trie that opens a cached node gets its own copy (the trie changes
/// nodes in place), and the entries themselves are never changed.
/// What goes in: nodes starting less than <see cref="MaxDepth"/> nibbles below a trie's root, when a trie loads
/// them from the store and when a commit writes them. What goes out: the previous version of every node a commit
/// rewrites. So the cache follows the committed state, and a block that is executed but never committed adds
/// only nodes of the state it was executed on. Memory is bounded by <see cref="Capacity"/>: the cache is emptied
/// when it would grow beyond it (it refills from the next blocks). Thread-safe (one lock: block execution is the
/// only user, and ConcurrentDictionary's Count takes every lock, which the capacity check would do per node).
/// </summary>
public sealed class TrieNodeCache
{
    private readonly Dictionary<Hash256, TrieNode> _nodes = new();
    private readonly Lock _lock = new();

    /// <param name="maxDepth">Nodes starting at fewer nibbles than this below the root are cached.</param>
    /// <param name="capacity">The most nodes held at once.</param>
    public TrieNodeCache(int maxDepth = DefaultMaxDepth, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        MaxDepth = maxDepth;
        Capacity = capacity;
    }

    /// <summary>
    /// Five levels: at a million accounts that is every branch above the leaves' parents (1 + 16 + 256 + 4,096 +
    /// 65,536 nodes, about 100 MiB at most), so a touched account costs one node read from the store at commit.
    /// </summary>
    public const int DefaultMaxDepth = 5;

    /// <summary>Room for the 69,905 nodes of five full levels, the storage tries' upper nodes and a block's new nodes.</summary>
    public const int DefaultCapacity = 90_000;

    public int MaxDepth { get; }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (_lock) return _nodes.Count;
        }
    }

    /// <summary>How often the cache was emptied because it was full.</summary>
    public long Resets
    {
        get
        {
            lock (_lock) return _resets;
        }
    }

    private long _resets;

    public void Clear()
    {
        lock (_lock) _nodes.Clear();
    }

    public bool Contains(Hash256 hash)
    {
        lock (_lock) return _nodes.ContainsKey(hash);
    }

    /// <summary>The hashes of the cached nodes (a snapshot, for tests and diagnostics).</summary>
    public IReadOnlyList<Hash256> Hashes
    {
        get
        {
            lock (_lock) return _nodes.Keys.ToList();
        }
    }

    /// <summary>
    /// Reads the nodes this cache keeps of the committed trie at <paramref name="root"/> (those starting less than
    /// <see cref="MaxDepth"/> nibbles below it) from <paramref name="store"/>, level by level from the root, so that
    /// the first blocks after a start do not read them one by one: filled by blocks alone, the 65,536 level-4 nodes of
    /// a million-account trie take thousands of blocks. Stops at <see cref="WarmLimit"/> nodes (room is left for the
    /// storage tries and a commit's new nodes, since a full cache is emptied), at a node the store does not have,
    /// or when <paramref name="keepGoing"/> turns false (e.g. the head moved on: the rest would be stale).
    /// </summary>
    /// <returns>How many nodes were read from the store.</returns>
    public int Warm(ITrieNodeStore store, Hash256 root, Func<bool>? keepGoing = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (root == Hash256.EmptyTrieRoot || MaxDepth == 0) return 0;
        var reads = 0;
        var level = new List<(Hash256 Hash, int Depth)> { (root, 0) };
        var next = new List<(Hash256 Hash, int Depth)>();
        while (level.Count > 0)
        {
            foreach (var (hash, depth) in level)
            {
                if (Count >= WarmLimit || (keepGoing is not null && !keepGoing())) return reads;
                if (!TryGetShared(hash, out var node))
                {
                    var rlp = store.Get(hash);
                    if (rlp is null) return reads;
                    node = TrieNodeCodec.Decode(rlp, hash);
                    reads++;
                    // Nobody else holds the node just decoded: it can be the entry itself.
                    Put(hash, node);
                }
                AddReferencedChildren(node, depth, next);
            }
            (level, next) = (next, level);
            next.Clear();
        }
        return reads;
    }

    /// <summary>The most nodes <see cref="Warm"/> fills the cache with: seven eighths of <see cref="Capacity"/>.</summary>
    public int WarmLimit => Capacity - Capacity / 8;

    /// <summary>The children stored by hash that start within the cached depth (embedded nodes hold no references: they are under 32 bytes).</summary>
    private void AddReferencedChildren(TrieNode node, int depth, List<(Hash256 Hash, int Depth)> children)
    {
        switch (node)
        {
            case BranchNode branch when depth + 1 < MaxDepth:
                foreach (var child in branch.Children)
                    if (child is HashReferenceNode reference) children.Add((reference.Hash, depth + 1));
                break;
            case ExtensionNode { Child: HashReferenceNode reference } extension when depth + extension.Path.Length < MaxDepth:
                children.Add((reference.Hash, depth + extension.Path.Length));
                break;
        }
    }

    /// <summary>A private, changeable copy of the cached node with this hash.</summary>
    internal bool TryGetCopy(Hash256 hash, out TrieNode node)
    {
        TrieNode? cached;
        lock (_lock) _nodes.TryGetValue(hash, out cached);
        if (cached is not null)
        {
            node = Copy(cached);
            node.MarkLoaded(cached.Encoded!, hash);
            return true;
        }
        node = null!;
        return false;
    }

    /// <summary>The cached node itself, for reading only (see <see cref="PrefetchingTrieNodeStore"/>): entries are never changed.</summary>
    internal bool TryGetShared(Hash256 hash, out TrieNode node)
    {
        lock (_lock) return _nodes.TryGetValue(hash, out node!);
    }

    /// <summary>Caches a node just decoded from the store; the caller keeps <paramref name="decoded"/> and this keeps a copy.</summary>
    internal void AddLoaded(Hash256 hash, TrieNode decoded)
    {
        var entry = Copy(decoded);
        entry.MarkLoaded(decoded.Encoded!, hash);
        Put(hash, entry);
    }

    /// <summary>Caches a node a commit is writing (encoded, referenced by hash); its children become references.</summary>
    internal void AddCommitted(TrieNode node)
    {
        var entry = Snapshot(node);
        entry.MarkLoaded(node.Encoded!, node.Hash);
        Put(node.Hash, entry);
    }

    internal void Remove(Hash256 hash)
    {
        lock (_lock) _nodes.Remove(hash);
    }

    private void Put(Hash256 hash, TrieNode entry)
    {
        lock (_lock)
        {
            if (_nodes.Count >= Capacity && !_nodes.ContainsKey(hash))
            {
                _nodes.Clear();
                _resets++;
            }
            _nodes[hash] = entry;
        }
    }

    /// <summary>A copy sharing what the trie never changes in place (arrays, references by hash), copying the rest.</summary>
    private static TrieNode Copy(TrieNode node)
    {
        TrieNode copy = node switch
        {
            LeafNode leaf => new LeafNode(leaf.Path, leaf.Value),
            ExtensionNode extension => new ExtensionNode(extension.Path, CopyChild(extension.Child)!),
            BranchNode branch => CopyBranch(branch),
            _ => throw new InvalidOperationException($"cannot cache a {node.GetType().Name}"),
        };
        return copy;
    }

    private static BranchNode CopyBranch(BranchNode branch)
    {
        var copy = new BranchNode { Value = branch.Value };
        for (var i = 0; i < 16; i++) copy.Children[i] = CopyChild(branch.Children[i]);
        return copy;
    }

    private static TrieNode? CopyChild(TrieNode? child)
    {
        if (child is null or HashReferenceNode) return child;
        // An embedded child (RLP under 32 bytes) is a node object of its own that a trie may change.
        var copy = Copy(child);
        copy.MarkLoaded(child.Encoded!, null);
        return copy;
    }

    /// <summary>The committed form of a live node: children referenced by hash become hash references.</summary>
    private static TrieNode Snapshot(TrieNode node) => node switch
    {
        LeafNode leaf => new LeafNode(leaf.Path, leaf.Value),
        ExtensionNode extension => new ExtensionNode(extension.Path, SnapshotChild(extension.Child)),
        BranchNode branch => SnapshotBranch(branch),
        _ => throw new InvalidOperationException($"cannot cache a {node.GetType().Name}"),
    };

    private static BranchNode SnapshotBranch(BranchNode branch)
    {
        var copy = new BranchNode { Value = branch.Value };
        for (var i = 0; i < 16; i++)
            if (branch.Children[i] is { } child) copy.Children[i] = SnapshotChild(child);
        return copy;
    }

    private static TrieNode SnapshotChild(TrieNode child)
    {
        if (child is HashReferenceNode) return child;
        if (TrieNodeEncoder.IsReferencedByHash(child)) return new HashReferenceNode(child.Hash);
        var copy = Snapshot(child);
        copy.MarkLoaded(child.Encoded!, null);
        return copy;
    }
}
