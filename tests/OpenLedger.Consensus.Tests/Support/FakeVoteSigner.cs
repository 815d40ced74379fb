using OpenLedger.Consensus.Signing;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Tests.Support;

/// <summary>
/// A stand-in for a secp256k1 key that is fast enough for simulations of thousands of heights:
/// the "signature" is address || digest || padding. <see cref="FakeVoteVerifier"/> accepts exactly those.
/// </summary>
public sealed class FakeVoteSigner(Address address) : IVoteSigner
{
    public Address Address { get; } = address;

    public int SignCount { get; private set; }

    public byte[] Sign(Hash256 digest)
    {
        SignCount++;
        var signature = new byte[65];
        Address.Bytes.CopyTo(signature);
        digest.Bytes.CopyTo(signature.AsSpan(20));
        return signature;
    }
}
