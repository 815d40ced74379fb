using OpenLedger.Core.Encoding;

namespace OpenLedger.State.Trie;

/// <summary>
/// Encodes changed nodes bottom-up. Children are always encoded before their parent, so one writer is
/// reused for every branch and extension; each node keeps its own copy of the result. Leaves use
/// <see cref="TrieNodeCodec.EncodeLeaf"/>, the encoding a leaf rebuilt from a known value must match.
/// </summary>
internal sealed class TrieNodeEncoder
{
    private const int MaxEmbeddedLength = 31;
    private readonly RlpWriter _writer = new(1024);

    public void EnsureEncoded(TrieNode node)
    {
        if (node.Encoded is not null || node is HashReferenceNode) return;
        switch (node)
        {
            case LeafNode leaf:
                node.Encoded = TrieNodeCodec.EncodeLeaf(leaf.Path, leaf.Value);
                return;
            case ExtensionNode extension:
                EnsureEncoded(extension.Child);
                _writer.Reset();
                var extensionList = _writer.BeginList();
                WriteExtensionPath(extension.Path);
                WriteReference(extension.Child);
                _writer.EndList(extensionList);
                break;
            case BranchNode branch:
                foreach (var child in branch.Children)
                    if (child is not null) EnsureEncoded(child);
                _writer.Reset();
                var branchList = _writer.BeginList();
                foreach (var child in branch.Children) WriteReference(child);
                _writer.WriteBytes(branch.Value ?? []);
                _writer.EndList(branchList);
                break;
        }
        node.Encoded = _writer.ToArray();
    }

    /// <summary>True when the node is referenced by hash (and so stored on its own) rather than embedded.</summary>
    public static bool IsReferencedByHash(TrieNode node) =>
        node is HashReferenceNode || node.Encoded!.Length > MaxEmbeddedLength;

    private void WriteExtensionPath(byte[] nibbles)
    {
        Span<byte> compact = stackalloc byte[Nibbles.HexPrefixLength(nibbles.Length)];
        Nibbles.EncodeHexPrefix(nibbles, isLeaf: false, compact);
        _writer.WriteBytes(compact);
    }

    private void WriteReference(TrieNode? child)
    {
        if (child is null)
        {
            _writer.WriteBytes([]);
        }
        else if (IsReferencedByHash(child))
        {
            var hash = child.Hash;
            _writer.WriteBytes(hash.Bytes);
        }
        else
        {
            _writer.WriteEncoded(child.Encoded!);
        }
    }
}
