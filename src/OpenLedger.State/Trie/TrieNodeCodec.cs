using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>
/// Reads trie nodes from their RLP: a 17-item list is a branch, a 2-item list a leaf or an extension (told apart
/// by the hex-prefix flag). A child reference is either a 32-byte hash, an empty string (no child), or the
/// child's own RLP list embedded in place when that encoding is shorter than 32 bytes.
/// </summary>
internal static class TrieNodeCodec
{
    /// <summary>Decodes a node stored under <paramref name="hash"/> (null for a root given without its hash).</summary>
    public static TrieNode Decode(byte[] rlp, Hash256? hash)
    {
        try
        {
            var node = DecodeNode(rlp);
            node.MarkLoaded(rlp, hash);
            return node;
        }
        catch (RlpException e)
        {
            throw new TrieException($"invalid trie node{(hash is { } h ? " " + h : "")}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The leaf that holds <paramref name="value"/> at the end of <paramref name="pathLeft"/>, if it is the node
    /// stored under <paramref name="hash"/>: its RLP is built and hashed instead of read from the store. A caller that
    /// knows a key's current value (the flat account table) saves the read of its leaf; a wrong guess (the key is
    /// absent, the value differs, the node is a branch) gives a different hash and null, never a wrong node.
    /// </summary>
    public static LeafNode? TryRebuildLeaf(Hash256 hash, ReadOnlySpan<byte> pathLeft, ReadOnlySpan<byte> value)
    {
        var encoded = EncodeLeaf(pathLeft, value);
        if (OpenLedger.Core.Crypto.Keccak256.Hash(encoded) != hash) return null;
        var leaf = new LeafNode(pathLeft.ToArray(), value.ToArray());
        leaf.MarkLoaded(encoded, hash);
        return leaf;
    }

    /// <summary>Whether the leaf holding <paramref name="value"/> at the end of <paramref name="pathLeft"/> hashes to <paramref name="hash"/>.</summary>
    public static bool IsLeaf(Hash256 hash, ReadOnlySpan<byte> pathLeft, ReadOnlySpan<byte> value) =>
        OpenLedger.Core.Crypto.Keccak256.Hash(EncodeLeaf(pathLeft, value)) == hash;

    /// <summary>
    /// RLP of a leaf: [hex-prefix(path, leaf flag), value]. The one leaf encoding: <see cref="TrieNodeEncoder"/> uses it
    /// for changed leaves and <see cref="TryRebuildLeaf"/> for known ones, so a rebuilt leaf hashes as a stored one.
    /// </summary>
    public static byte[] EncodeLeaf(ReadOnlySpan<byte> nibbles, ReadOnlySpan<byte> value)
    {
        Span<byte> compact = stackalloc byte[Nibbles.HexPrefixLength(nibbles.Length)];
        Nibbles.EncodeHexPrefix(nibbles, isLeaf: true, compact);
        var payload = RlpWriter.BytesLength(compact) + RlpWriter.BytesLength(value);
        var encoded = new byte[RlpWriter.HeaderLength(payload) + payload];
        var writer = new RlpWriter(encoded);
        writer.WriteListHeader(payload);
        writer.WriteBytes(compact);
        writer.WriteBytes(value);
        return encoded;
    }

    private static TrieNode DecodeNode(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        var list = outer.ReadList();
        outer.EnsureEnd("the trie node");

        var counter = list;
        var items = 0;
        while (counter.HasMore)
        {
            counter.ReadEncodedItem();
            items++;
        }

        switch (items)
        {
            case 17:
            {
                var branch = new BranchNode();
                for (var i = 0; i < 16; i++) branch.Children[i] = ReadReference(ref list);
                var value = list.ReadBytes();
                branch.Value = value.IsEmpty ? null : value.ToArray();
                return branch;
            }
            case 2:
            {
                var path = Nibbles.DecodeHexPrefix(list.ReadBytes(), out var isLeaf);
                if (isLeaf) return new LeafNode(path, list.ReadBytes().ToArray());
                if (path.Length == 0) throw new TrieException("invalid trie node: extension with an empty path");
                var child = ReadReference(ref list)
                            ?? throw new TrieException("invalid trie node: extension without a child");
                return new ExtensionNode(path, child);
            }
            default:
                throw new TrieException($"invalid trie node: a list of {items} items (expected 2 or 17)");
        }
    }

    private static TrieNode? ReadReference(ref RlpReader list)
    {
        if (list.PeekIsList())
        {
            var embedded = list.ReadEncodedItem();
            if (embedded.Length >= 32)
                throw new TrieException($"invalid trie node: embedded child of {embedded.Length} bytes (must be under 32)");
            var child = DecodeNode(embedded);
            child.MarkLoaded(embedded.ToArray(), null);
            return child;
        }
        var reference = list.ReadBytes();
        return reference.Length switch
        {
            0 => null,
            Hash256.Length => new HashReferenceNode(new Hash256(reference)),
            _ => throw new TrieException($"invalid trie node: child reference of {reference.Length} bytes (expected 0 or 32)"),
        };
    }
}
