using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

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
