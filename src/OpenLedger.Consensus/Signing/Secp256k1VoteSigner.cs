using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Signing;

/// <summary>The production consensus key: recoverable secp256k1 signatures (r || s || recoveryId, low s).</summary>
public sealed class Secp256k1VoteSigner(PrivateKey key) : IVoteSigner
{
    public Address Address => key.Address;

    public byte[] Sign(Hash256 digest) => key.Sign(digest).ToCompact65();
}
