using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>A storage slot, its value (big-endian, up to 32 bytes) and the trie nodes proving it.</summary>
public sealed record StorageProof(Hash256 Key, byte[] Value, IReadOnlyList<byte[]> Proof);
