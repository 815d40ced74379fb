using OpenLedger.Core.Types;

namespace OpenLedger.Core.Transactions;

/// <summary>One EIP-2930 access list entry: an address and the storage keys the transaction declares for it.</summary>
public sealed record AccessListItem(Address Address, IReadOnlyList<Hash256> StorageKeys)
{
    public bool Equals(AccessListItem? other) =>
        other is not null && Address == other.Address && StorageKeys.SequenceEqual(other.StorageKeys);

    public override int GetHashCode() => HashCode.Combine(Address, StorageKeys.Count);
}
