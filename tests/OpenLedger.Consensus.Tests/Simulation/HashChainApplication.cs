using System.Text;
using OpenLedger.Consensus.Messages;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Tests.Simulation;

/// <summary>
/// The tiny deterministic application of the simulation. A block's payload is "height|round|proposer|counter"
/// (optionally followed by "|" and padding, to model big blocks), its hash keccak256(payload); the state root after a block is keccak256(previous root || block hash), so two
/// nodes agree on a root only if they committed the same blocks in the same order.
/// </summary>
public static class HashChainApplication
{
    public static readonly Hash256 GenesisRoot = Keccak256.Hash("genesis"u8);

    public static ProposedBlock BuildBlock(ulong height, int round, int proposer, long counter, int paddingBytes = 0)
    {
        var text = $"{height}|{round}|{proposer}|{counter}";
        if (paddingBytes > 0) text += "|" + new string('x', paddingBytes);
        var payload = Encoding.UTF8.GetBytes(text);
        return new ProposedBlock(Keccak256.Hash(payload), payload);
    }

    /// <summary>Null when the block is valid at <paramref name="height"/>; otherwise why not.</summary>
    public static string? Validate(ulong height, ProposedBlock block)
    {
        if (Keccak256.Hash(block.Payload) != block.Hash) return "block hash does not match its payload";
        var parts = Encoding.UTF8.GetString(block.Payload).Split('|');
        if (parts.Length is not (4 or 5)) return "payload is not height|round|proposer|counter[|padding]";
        if (!ulong.TryParse(parts[0], out var h) || h != height) return $"payload height {parts[0]} is not {height}";
        return null;
    }

    public static Hash256 NextRoot(Hash256 root, Hash256 blockHash)
    {
        Span<byte> buffer = stackalloc byte[64];
        root.Bytes.CopyTo(buffer);
        blockHash.Bytes.CopyTo(buffer[32..]);
        return Keccak256.Hash(buffer);
    }
}
