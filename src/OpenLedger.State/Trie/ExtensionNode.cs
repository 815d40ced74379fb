namespace OpenLedger.State.Trie;

/// <summary>A run of nibbles shared by every key below it, followed by exactly one branch.</summary>
internal sealed class ExtensionNode(byte[] path, TrieNode child) : TrieNode
{
    public byte[] Path = path;
    public TrieNode Child = child;
}
