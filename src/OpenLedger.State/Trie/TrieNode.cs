using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>
/// A node of the in-memory trie. Each node caches its RLP and hash so that a root computation only encodes
/// and hashes the nodes that changed since the previous one; changing a node (and therefore every node on
/// the path above it) clears the cache. Fields rather than properties: these are internal hot-path objects.
/// </summary>
internal abstract class TrieNode
{
    /// <summary>The node's RLP, or null when the node changed since it was last encoded.</summary>
    public byte[]? Encoded;

    /// <summary>True until the node is written by a commit; nodes read from the store start clean.</summary>
    public bool IsDirty = true;

    private Hash256 _hash;
    private bool _hasHash;

    /// <summary>Keccak-256 of <see cref="Encoded"/>; only meaningful once the node is encoded.</summary>
    public virtual Hash256 Hash
    {
        get
        {
            if (!_hasHash)
            {
                _hash = Keccak256.Hash(Encoded ?? throw new InvalidOperationException("node is not encoded yet"));
                _hasHash = true;
            }
            return _hash;
        }
    }

    /// <summary>Marks the node as loaded from the store: its RLP and hash are known and it needs no writing.</summary>
    public void MarkLoaded(byte[] encoded, Hash256? hash)
    {
        Encoded = encoded;
        IsDirty = false;
        if (hash is { } known)
        {
            _hash = known;
            _hasHash = true;
        }
    }

    public void Invalidate()
    {
        Encoded = null;
        _hasHash = false;
        IsDirty = true;
    }
}

/// <summary>The end of a key: the remaining nibbles and the value.</summary>
internal sealed class LeafNode(byte[] path, byte[] value) : TrieNode
{
    public byte[] Path = path;
    public byte[] Value = value;
}

/// <summary>A run of nibbles shared by every key below it, followed by exactly one branch.</summary>
internal sealed class ExtensionNode(byte[] path, TrieNode child) : TrieNode
{
    public byte[] Path = path;
    public TrieNode Child = child;
}

/// <summary>Sixteen children, one per next nibble, and the value of the key that ends here (if any).</summary>
internal sealed class BranchNode : TrieNode
{
    public readonly TrieNode?[] Children = new TrieNode?[16];
    public byte[]? Value;

    public int ChildCount()
    {
        var count = 0;
        foreach (var child in Children)
            if (child is not null) count++;
        return count;
    }
}

/// <summary>A child that has not been loaded from the store yet: only its hash is known.</summary>
internal sealed class HashReferenceNode : TrieNode
{
    private readonly Hash256 _reference;

    public HashReferenceNode(Hash256 reference)
    {
        _reference = reference;
        IsDirty = false;
    }

    public override Hash256 Hash => _reference;
}
