using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>A child that has not been loaded from the store yet: only its hash is known. Never changed once made.</summary>
internal sealed class HashReferenceNode : TrieNode
{
    public HashReferenceNode(Hash256 reference) : base(reference)
    {
        IsDirty = false;
    }
}
