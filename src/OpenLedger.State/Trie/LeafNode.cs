namespace OpenLedger.State.Trie;

/// <summary>The end of a key: the remaining nibbles and the value.</summary>
internal sealed class LeafNode(byte[] path, byte[] value) : TrieNode
{
    public byte[] Path = path;
    public byte[] Value = value;
}
