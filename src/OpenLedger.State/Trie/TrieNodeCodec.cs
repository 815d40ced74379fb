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
