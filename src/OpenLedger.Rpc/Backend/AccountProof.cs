using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>
/// An account's Merkle Patricia proof against <see cref="StateRoot"/> of block <see cref="BlockNumber"/>,
/// in eth_getProof's shape: RLP trie nodes from the root down, plus proofs of the requested storage slots.
/// </summary>
public sealed record AccountProof(
    Address Address,
    UInt128 Balance,
    ulong Nonce,
    Hash256 CodeHash,
    Hash256 StorageHash,
    IReadOnlyList<byte[]> AccountProofNodes,
    IReadOnlyList<StorageProof> StorageProofs,
    ulong BlockNumber,
    Hash256 StateRoot);
