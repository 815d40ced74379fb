using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Genesis;

/// <summary>
/// A validator in the genesis file, gentx style: the operator signs its own entry with its account key, so
/// nobody can put a validator (and its stake) into a genesis without the operator's consent.
/// </summary>
public sealed record GenesisValidator
{
    public required Address Operator { get; init; }
    /// <summary>Uncompressed secp256k1 consensus public key (65 bytes, 0x04…), separate from the operator key.</summary>
    public required byte[] ConsensusPublicKey { get; init; }
    public required UInt128 SelfBond { get; init; }
    public required ushort CommissionBps { get; init; }
    public required string Moniker { get; init; }
    /// <summary>The operator's signature (r||s||v, 65 bytes) over <see cref="SigningDigest"/>.</summary>
    public byte[] Signature { get; init; } = [];

    /// <summary>keccak256(RLP(["openledger-genesis-validator", chainId, operator, consensusKey, selfBond, commissionBps, moniker])).</summary>
    public Hash256 SigningDigest(ulong chainId)
    {
        var writer = new RlpWriter();
        var start = writer.BeginList();
        writer.WriteString("openledger-genesis-validator");
        writer.WriteUInt64(chainId);
        writer.WriteBytes(Operator.Bytes);
        writer.WriteBytes(ConsensusPublicKey);
        writer.WriteUInt128(SelfBond);
        writer.WriteUInt64(CommissionBps);
        writer.WriteString(Moniker);
        writer.EndList(start);
        return Keccak256.Hash(writer.WrittenSpan);
    }

    public Address ConsensusAddress => Address.FromPublicKey(ConsensusPublicKey);
}
