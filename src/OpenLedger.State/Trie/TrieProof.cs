using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>Checks Merkle proofs as produced by <see cref="PatriciaTrie.GetProof"/> and eth_getProof.</summary>
public static class TrieProof
{
    /// <summary>
    /// Follows <paramref name="key"/> from <paramref name="root"/> through <paramref name="proof"/>. Returns true
    /// when the proof is valid: then <paramref name="value"/> is the key's value, or null when the proof shows
    /// the key is absent. Returns false (with the reason in <paramref name="error"/>) when a node does not hash
    /// to the reference that points to it, a node is missing or malformed, or nodes are left over.
    /// </summary>
    public static bool TryVerify(Hash256 root, ReadOnlySpan<byte> key, IReadOnlyList<byte[]> proof, out byte[]? value, out string error)
    {
        ArgumentNullException.ThrowIfNull(proof);
        value = null;
        error = "";
        if (root == Hash256.EmptyTrieRoot)
        {
            // The empty trie has no nodes; accept the RLP of the empty string as its root node too.
            if (proof.Count == 0 || (proof.Count == 1 && proof[0] is [0x80])) return true;
            error = "the trie is empty, so its proof must be empty";
            return false;
        }

        Span<byte> path = key.Length <= 128 ? stackalloc byte[key.Length * 2] : new byte[key.Length * 2];
        Nibbles.FromBytes(key, path);
        if (Walk(root, path, proof, out value, out error)) return true;
        value = null;
        return false;
    }

    private static bool Walk(Hash256 root, ReadOnlySpan<byte> path, IReadOnlyList<byte[]> proof, out byte[]? value, out string error)
    {
        value = null;
        var used = 0;
        if (!TryLoad(proof, ref used, root, out var node, out error)) return false;
        while (true)
        {
            TrieNode? next;
            switch (node)
            {
                case LeafNode leaf:
                    if (path.SequenceEqual(leaf.Path)) value = leaf.Value;
                    return CheckAllUsed(proof, used, out error);
                case ExtensionNode extension:
                    if (!path.StartsWith(extension.Path)) return CheckAllUsed(proof, used, out error);
                    path = path[extension.Path.Length..];
                    next = extension.Child;
                    break;
                case BranchNode branch:
                    if (path.IsEmpty)
                    {
                        value = branch.Value;
                        return CheckAllUsed(proof, used, out error);
                    }
                    next = branch.Children[path[0]];
                    path = path[1..];
                    if (next is null) return CheckAllUsed(proof, used, out error);
                    break;
                default:
                    error = "unexpected node type in proof";
                    return false;
            }
            if (next is HashReferenceNode reference)
            {
                if (!TryLoad(proof, ref used, reference.Hash, out node, out error)) return false;
            }
            else
            {
                // An embedded child: it arrived inside its parent, already checked by the parent's hash.
                node = next;
            }
        }
    }

    private static bool TryLoad(IReadOnlyList<byte[]> proof, ref int used, Hash256 expected, out TrieNode? node, out string error)
    {
        node = null;
        if (used >= proof.Count)
        {
            error = $"proof ends after {proof.Count} node(s) but the path continues at node {expected}";
            return false;
        }
        var rlp = proof[used] ?? [];
        var actual = Keccak256.Hash(rlp);
        if (actual != expected)
        {
            error = $"proof node {used} hashes to {actual}, expected {expected}";
            return false;
        }
        try
        {
            node = TrieNodeCodec.Decode(rlp, actual);
        }
        catch (TrieException e)
        {
            error = $"proof node {used}: {e.Message}";
            return false;
        }
        used++;
        error = "";
        return true;
    }

    private static bool CheckAllUsed(IReadOnlyList<byte[]> proof, int used, out string error)
    {
        if (used == proof.Count)
        {
            error = "";
            return true;
        }
        error = $"proof has {proof.Count - used} node(s) beyond the end of the key's path";
        return false;
    }
}
