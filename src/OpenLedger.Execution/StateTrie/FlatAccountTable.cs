using OpenLedger.Core.Types;
using OpenLedger.Storage;

namespace OpenLedger.Execution.StateTrie;

/// <summary>
/// The flat account table (<see cref="DbColumn.FlatState"/>: address → account RLP) and the state root it equals.
/// Every block commit writes it in the same batch as the trie nodes, so between commits it holds exactly the head
/// state: one key lookup per account instead of a walk down the state trie. A reader that executes on top of some
/// root may use it only while <see cref="IsAt"/> that root; the chain moves the root after each commit.
/// </summary>
public sealed class FlatAccountTable(IKeyValueStore db)
{
    // Boxed so that readers see the root and its change atomically (a Hash256 is wider than a machine word).
    private volatile object? _root;

    /// <summary>True while the table holds the state at <paramref name="stateRoot"/>.</summary>
    public bool IsAt(Hash256 stateRoot) => _root is Hash256 current && current == stateRoot;

    /// <summary>Declares that the table now holds the state at <paramref name="stateRoot"/>.</summary>
    public void MarkAt(Hash256 stateRoot) => _root = stateRoot;

    /// <summary>Declares that the table is being rewritten: nobody may read it until the next <see cref="MarkAt"/>.</summary>
    public void MarkChanging() => _root = null;

    public StateAccount? Get(Address address) =>
        db.Get(DbColumn.FlatState, address.Bytes) is { } encoded ? StateAccount.Decode(encoded) : null;
}
