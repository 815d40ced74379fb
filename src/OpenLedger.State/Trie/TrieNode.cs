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

    protected TrieNode()
    {
    }

    /// <summary>A node whose hash is known before (or without) its encoding.</summary>
    protected TrieNode(Hash256 knownHash)
    {
        _hash = knownHash;
        _hasHash = true;
    }

    /// <summary>Keccak-256 of <see cref="Encoded"/>; only meaningful once the node is encoded.</summary>
    public Hash256 Hash
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
