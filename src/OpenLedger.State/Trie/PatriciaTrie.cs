using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>
/// Ethereum's hexary Merkle Patricia Trie. Nodes are loaded lazily from <see cref="ITrieNodeStore"/> by hash
/// and kept in memory once touched; changes stay in memory until <see cref="Commit"/>. Opening a trie at an
/// older root reads the state as of that root (as long as its nodes are still in the store).
/// Not thread-safe: one writer at a time.
/// </summary>
public sealed class PatriciaTrie
{
    // Keys longer than this are converted to nibbles on the heap instead of the stack.
    private const int MaxStackKeyLength = 128;

    private readonly ITrieNodeStore _store;
    private readonly TrieNodeCache? _cache;
    private readonly TrieNodeEncoder _encoder = new();
    private TrieNode? _root;
    // Nibbles in the key of the current Set/Delete: a node's depth is this minus the length of the path left at it.
    private int _keyNibbles;
    // The value the key of the current Set holds now, as the caller believes (see Set): its leaf need not be read.
    private byte[]? _currentValue;
    // Hashes of committed nodes this trie has changed or dropped since its last commit (only with a cache).
    private readonly List<Hash256> _replaced = new();

    /// <summary>Opens the trie whose root hash is <paramref name="root"/> (<see cref="Hash256.EmptyTrieRoot"/> for a new one).</summary>
    /// <param name="cache">Decoded committed nodes shared between tries (see <see cref="TrieNodeCache"/>); null for none.</param>
    public PatriciaTrie(ITrieNodeStore store, Hash256 root, TrieNodeCache? cache = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _cache = cache;
        _root = root == Hash256.EmptyTrieRoot ? null : new HashReferenceNode(root);
    }

    /// <summary>An empty trie.</summary>
    public PatriciaTrie(ITrieNodeStore store) : this(store, Hash256.EmptyTrieRoot)
    {
    }

    /// <summary>The root hash; encodes and hashes only the nodes changed since the previous call.</summary>
    public Hash256 RootHash
    {
        get
        {
            if (_root is null) return Hash256.EmptyTrieRoot;
            if (_root is BranchNode { Encoded: null } branch) EncodeSubtriesInParallel(branch);
            _encoder.EnsureEncoded(_root);
            return _root.Hash;
        }
    }

    // Below this many changed subtries under the root, hashing them on one thread is cheaper than scheduling.
    private const int MinChangedSubtriesForParallelEncoding = 4;

    /// <summary>
    /// Encodes and hashes the changed subtries under a changed root branch side by side (a block changes paths all
    /// over the account trie, and Keccak of the changed nodes is most of a root computation). The subtries share no
    /// node, each is encoded by its own encoder, and a node's encoding does not depend on the thread that made it, so
    /// the root is the same as when encoded on one thread.
    /// </summary>
    private static void EncodeSubtriesInParallel(BranchNode root)
    {
        var changed = new List<TrieNode>(16);
        var deep = 0;
        foreach (var child in root.Children)
        {
            if (child is null or HashReferenceNode || child.Encoded is not null) continue;
            changed.Add(child);
            if (child is BranchNode or ExtensionNode) deep++;
        }
        if (deep < MinChangedSubtriesForParallelEncoding) return;
        Parallel.For(0, changed.Count, static () => new TrieNodeEncoder(), (i, loop, encoder) =>
        {
            var node = changed[i];
            encoder.EnsureEncoded(node);
            if (TrieNodeEncoder.IsReferencedByHash(node)) _ = node.Hash;
            return encoder;
        }, static _ => { });
    }

    /// <summary>The value stored under <paramref name="key"/>, or null. The returned array is the caller's.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        var pathLength = key.Length * 2;
        Span<byte> path = key.Length <= MaxStackKeyLength ? stackalloc byte[pathLength] : new byte[pathLength];
        Nibbles.FromBytes(key, path);

        if (_root is null) return null;
        _root = Resolve(_root, 0);
        var node = _root;
        while (true)
        {
            switch (node)
            {
                case LeafNode leaf:
                    return path.SequenceEqual(leaf.Path) ? leaf.Value.ToArray() : null;
                case ExtensionNode extension:
                    if (!path.StartsWith(extension.Path)) return null;
                    path = path[extension.Path.Length..];
                    node = extension.Child = Resolve(extension.Child, pathLength - path.Length);
                    break;
                case BranchNode branch:
                    if (path.IsEmpty) return branch.Value?.ToArray();
                    var index = path[0];
                    var child = branch.Children[index];
                    if (child is null) return null;
                    path = path[1..];
                    node = branch.Children[index] = Resolve(child, pathLength - path.Length);
                    break;
                default:
                    throw new InvalidOperationException($"unexpected trie node type {node!.GetType().Name}");
            }
        }
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>; an empty value deletes the key.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Set(key, value, null);

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/>, given what the caller believes the key holds now
    /// (<paramref name="currentValue"/>, e.g. from a flat table of the committed state; null when unknown). The key's
    /// leaf is then rebuilt from it instead of read from the store when, and only when, the rebuilt leaf hashes to the
    /// reference its parent holds: a wrong belief costs one hash, never a wrong root.
    /// </summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, byte[]? currentValue)
    {
        if (value.IsEmpty)
        {
            Delete(key);
            return;
        }
        var pathLength = key.Length * 2;
        Span<byte> path = key.Length <= MaxStackKeyLength ? stackalloc byte[pathLength] : new byte[pathLength];
        Nibbles.FromBytes(key, path);
        _keyNibbles = pathLength;
        _currentValue = currentValue is { Length: > 0 } ? currentValue : null;
        try
        {
            _root = Insert(_root, path, value, out _);
        }
        finally
        {
            _currentValue = null;
        }
    }

    /// <summary>How many leaves <see cref="Set(ReadOnlySpan{byte}, ReadOnlySpan{byte}, byte[])"/> rebuilt from a known value instead of reading them.</summary>
    public int RebuiltLeaves { get; private set; }

    public void Delete(ReadOnlySpan<byte> key)
    {
        var pathLength = key.Length * 2;
        Span<byte> path = key.Length <= MaxStackKeyLength ? stackalloc byte[pathLength] : new byte[pathLength];
        Nibbles.FromBytes(key, path);
        _keyNibbles = pathLength;
        _root = Remove(_root, path, out _);
    }

    /// <summary>
    /// Writes every node created or changed since the last commit (and only those) to <paramref name="sink"/>,
    /// and returns the root hash. The root node is always stored under its hash, even when shorter than 32 bytes.
    /// This instance keeps every node it has touched in memory; to bound memory for a large state, open a new
    /// trie at the returned root now and then (it loads nodes again on demand).
    /// </summary>
    public Hash256 Commit(ITrieNodeSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var root = RootHash;
        if (_cache is not null)
        {
            foreach (var replaced in _replaced) _cache.Remove(replaced);
            _replaced.Clear();
        }
        if (_root is null or HashReferenceNode) return root;
        CommitNode(_root, sink, isRoot: true, depth: 0);
        return root;
    }

    /// <summary>
    /// The Merkle proof for <paramref name="key"/> as eth_getProof returns it: the RLP of every node on the
    /// key's path that is stored by hash, root first (embedded nodes travel inside their parent). For an
    /// absent key the proof shows where the path ends. Empty for an empty trie.
    /// </summary>
    public IReadOnlyList<byte[]> GetProof(ReadOnlySpan<byte> key)
    {
        var pathLength = key.Length * 2;
        Span<byte> path = key.Length <= MaxStackKeyLength ? stackalloc byte[pathLength] : new byte[pathLength];
        Nibbles.FromBytes(key, path);

        var proof = new List<byte[]>();
        if (_root is null) return proof;
        _ = RootHash;
        _root = Resolve(_root, 0);
        var node = _root;
        while (true)
        {
            if (ReferenceEquals(node, _root) || TrieNodeEncoder.IsReferencedByHash(node))
                proof.Add(node.Encoded!.ToArray());
            switch (node)
            {
                case ExtensionNode extension when path.StartsWith(extension.Path):
                    path = path[extension.Path.Length..];
                    node = extension.Child = Resolve(extension.Child, pathLength - path.Length);
                    break;
                case BranchNode branch when !path.IsEmpty && branch.Children[path[0]] is { } child:
                    node = branch.Children[path[0]] = Resolve(child, pathLength - path.Length + 1);
                    path = path[1..];
                    break;
                default:
                    return proof;
            }
        }
    }

    /// <summary>
    /// Every entry in key order. This walks (and loads) the whole trie: for tools and tests, not for block
    /// processing.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate()
    {
        if (_root is null) yield break;
        var stack = new Stack<(TrieNode Node, byte[] Prefix)>();
        stack.Push((_root, []));
        while (stack.Count > 0)
        {
            var (node, prefix) = stack.Pop();
            switch (LoadIfReference(node, int.MaxValue))
            {
                case LeafNode leaf:
                    var full = Nibbles.Concat(prefix, leaf.Path);
                    if (full.Length % 2 == 0) yield return new(Nibbles.ToBytes(full), leaf.Value.ToArray());
                    break;
                case ExtensionNode extension:
                    stack.Push((extension.Child, Nibbles.Concat(prefix, extension.Path)));
                    break;
                case BranchNode branch:
                    for (var i = 15; i >= 0; i--)
                        if (branch.Children[i] is { } child) stack.Push((child, Nibbles.Concat(prefix, [(byte)i])));
                    if (branch.Value is not null && prefix.Length % 2 == 0)
                        yield return new(Nibbles.ToBytes(prefix), branch.Value.ToArray());
                    break;
            }
        }
    }

    private TrieNode Insert(TrieNode? node, ReadOnlySpan<byte> path, ReadOnlySpan<byte> value, out bool changed)
    {
        changed = true;
        switch (node is null ? null : ResolveOnKeyPath(node, path))
        {
            case null:
                return new LeafNode(path.ToArray(), value.ToArray());

            case LeafNode leaf:
            {
                var common = path.CommonPrefixLength(leaf.Path);
                if (common == path.Length && common == leaf.Path.Length)
                {
                    if (value.SequenceEqual(leaf.Value))
                    {
                        changed = false;
                        return leaf;
                    }
                    leaf.Value = value.ToArray();
                    Changed(leaf);
                    return leaf;
                }
                var branch = new BranchNode();
                if (common == leaf.Path.Length)
                {
                    branch.Value = leaf.Value;
                }
                else
                {
                    var index = leaf.Path[common];
                    leaf.Path = leaf.Path[(common + 1)..];
                    Changed(leaf);
                    branch.Children[index] = leaf;
                }
                PlaceInNewBranch(branch, path[common..], value);
                return common == 0 ? branch : new ExtensionNode(path[..common].ToArray(), branch);
            }

            case ExtensionNode extension:
            {
                var common = path.CommonPrefixLength(extension.Path);
                if (common == extension.Path.Length)
                {
                    var child = Insert(extension.Child, path[common..], value, out changed);
                    extension.Child = child;
                    if (changed) Changed(extension);
                    return extension;
                }
                var branch = new BranchNode();
                var index = extension.Path[common];
                if (common + 1 == extension.Path.Length)
                {
                    Retired(extension);
                    branch.Children[index] = extension.Child;
                }
                else
                {
                    extension.Path = extension.Path[(common + 1)..];
                    Changed(extension);
                    branch.Children[index] = extension;
                }
                PlaceInNewBranch(branch, path[common..], value);
                return common == 0 ? branch : new ExtensionNode(path[..common].ToArray(), branch);
            }

            case BranchNode branch:
            {
                if (path.IsEmpty)
                {
                    if (branch.Value is not null && value.SequenceEqual(branch.Value))
                    {
                        changed = false;
                        return branch;
                    }
                    branch.Value = value.ToArray();
                    Changed(branch);
                    return branch;
                }
                var index = path[0];
                branch.Children[index] = Insert(branch.Children[index], path[1..], value, out changed);
                if (changed) Changed(branch);
                return branch;
            }

            default:
                throw new InvalidOperationException($"unexpected trie node type {node!.GetType().Name}");
        }
    }

    /// <summary>Puts a new key's remaining path into a branch just created by a split.</summary>
    private static void PlaceInNewBranch(BranchNode branch, ReadOnlySpan<byte> path, ReadOnlySpan<byte> value)
    {
        if (path.IsEmpty) branch.Value = value.ToArray();
        else branch.Children[path[0]] = new LeafNode(path[1..].ToArray(), value.ToArray());
    }

    private TrieNode? Remove(TrieNode? node, ReadOnlySpan<byte> path, out bool changed)
    {
        changed = false;
        switch (node is null ? null : Resolve(node, _keyNibbles - path.Length))
        {
            case null:
                return null;

            case LeafNode leaf:
                if (!path.SequenceEqual(leaf.Path)) return leaf;
                changed = true;
                Retired(leaf);
                return null;

            case ExtensionNode extension:
            {
                if (!path.StartsWith(extension.Path)) return extension;
                var child = Remove(extension.Child, path[extension.Path.Length..], out changed);
                if (!changed)
                {
                    extension.Child = child!;
                    return extension;
                }
                if (child is null or LeafNode or ExtensionNode) Retired(extension);
                switch (child)
                {
                    case null:
                        return null;
                    case LeafNode leafChild:
                        leafChild.Path = Nibbles.Concat(extension.Path, leafChild.Path);
                        Changed(leafChild);
                        return leafChild;
                    case ExtensionNode extensionChild:
                        extensionChild.Path = Nibbles.Concat(extension.Path, extensionChild.Path);
                        Changed(extensionChild);
                        return extensionChild;
                    default:
                        extension.Child = child;
                        Changed(extension);
                        return extension;
                }
            }

            case BranchNode branch:
            {
                if (path.IsEmpty)
                {
                    if (branch.Value is null) return branch;
                    branch.Value = null;
                }
                else
                {
                    var index = path[0];
                    var child = branch.Children[index];
                    if (child is null) return branch;
                    branch.Children[index] = Remove(child, path[1..], out changed);
                    if (!changed) return branch;
                }
                changed = true;
                Changed(branch);
                return CollapseIfSingle(branch);
            }

            default:
                throw new InvalidOperationException($"unexpected trie node type {node!.GetType().Name}");
        }
    }

    /// <summary>A branch left with one entry is not canonical: fold it into its only child (or a leaf).</summary>
    private TrieNode CollapseIfSingle(BranchNode branch)
    {
        var count = branch.ChildCount();
        if (count == 0)
        {
            // Only the value is left (a branch always had at least two entries before the removal).
            return new LeafNode([], branch.Value!);
        }
        if (count > 1 || branch.Value is not null) return branch;

        var index = (byte)Array.FindIndex(branch.Children, c => c is not null);
        var only = Resolve(branch.Children[index]!, int.MaxValue);
        switch (only)
        {
            case LeafNode leaf:
                leaf.Path = Nibbles.Concat(index, leaf.Path);
                Changed(leaf);
                return leaf;
            case ExtensionNode extension:
                extension.Path = Nibbles.Concat(index, extension.Path);
                Changed(extension);
                return extension;
            default:
                return new ExtensionNode([index], only);
        }
    }

    private void CommitNode(TrieNode node, ITrieNodeSink sink, bool isRoot, int depth)
    {
        if (node is HashReferenceNode) return;
        if (node.IsDirty)
        {
            switch (node)
            {
                case ExtensionNode extension:
                    CommitNode(extension.Child, sink, isRoot: false, depth + extension.Path.Length);
                    break;
                case BranchNode branch:
                    foreach (var child in branch.Children)
                        if (child is not null) CommitNode(child, sink, isRoot: false, depth + 1);
                    break;
            }
        }
        var referencedByHash = TrieNodeEncoder.IsReferencedByHash(node);
        // A small root is written even when clean: it may have been embedded in a parent until now.
        if ((node.IsDirty && referencedByHash) || (isRoot && !referencedByHash))
            sink.Put(node.Hash, node.Encoded!);
        if (node.IsDirty && referencedByHash && _cache is not null && depth < _cache.MaxDepth) _cache.AddCommitted(node);
        node.IsDirty = false;
    }

    /// <summary>
    /// Clears a node's encoding before it changes. A clean node stored by hash is a committed version about to be
    /// replaced: remembered, so that committing this trie drops that version from the shared cache.
    /// </summary>
    private void Changed(TrieNode node)
    {
        if (_cache is not null && !node.IsDirty && node.Encoded is { Length: >= 32 }) _replaced.Add(node.Hash);
        node.Invalidate();
    }

    /// <summary>A committed node that leaves the trie without being changed (merged into a neighbour or deleted).</summary>
    private void Retired(TrieNode node)
    {
        if (_cache is not null && node is not HashReferenceNode && !node.IsDirty && node.Encoded is { Length: >= 32 }) _replaced.Add(node.Hash);
    }

    /// <param name="depth">Nibbles between the root and the node (<see cref="int.MaxValue"/> when unknown: not cached).</param>
    private TrieNode Resolve(TrieNode node, int depth) => node is HashReferenceNode ? LoadIfReference(node, depth) : node;

    /// <summary>
    /// Resolves a node on the path of the current Set's key (<paramref name="pathLeft"/> nibbles of it below the
    /// node): when the caller gave the key's current value, a referenced node that is the key's leaf is rebuilt from
    /// it instead of read.
    /// </summary>
    private TrieNode ResolveOnKeyPath(TrieNode node, ReadOnlySpan<byte> pathLeft) =>
        node is HashReferenceNode ? LoadIfReference(node, _keyNibbles - pathLeft.Length, pathLeft, _currentValue) : node;

    private TrieNode LoadIfReference(TrieNode node, int depth) => LoadIfReference(node, depth, default, null);

    private TrieNode LoadIfReference(TrieNode node, int depth, ReadOnlySpan<byte> pathLeft, byte[]? leafValue)
    {
        if (node is not HashReferenceNode reference) return node;
        var hash = reference.Hash;
        if (_cache is not null && _cache.TryGetCopy(hash, out var cached)) return cached;
        TrieNode decoded;
        if (leafValue is not null && TrieNodeCodec.TryRebuildLeaf(hash, pathLeft, leafValue) is { } leaf)
        {
            decoded = leaf;
            RebuiltLeaves++;
        }
        else
        {
            var rlp = _store.Get(hash)
                      ?? throw new TrieException(
                          $"trie node {hash} is missing from the node store (the state at this root was never committed or has been pruned)");
            decoded = TrieNodeCodec.Decode(rlp, hash);
        }
        if (_cache is not null && depth < _cache.MaxDepth) _cache.AddLoaded(hash, decoded);
        return decoded;
    }
}
