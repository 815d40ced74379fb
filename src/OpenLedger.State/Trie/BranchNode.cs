namespace OpenLedger.State.Trie;

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
