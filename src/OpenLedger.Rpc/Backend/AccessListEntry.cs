using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>One EIP-2930 access-list item: an address and the storage keys the transaction declares it touches.</summary>
public sealed record AccessListEntry(Address Address, IReadOnlyList<Hash256> StorageKeys);
