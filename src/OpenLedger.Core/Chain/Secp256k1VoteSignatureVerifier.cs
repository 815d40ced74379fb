using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// Verifies a consensus signature by recovering the signer's address from it (the address is what votes and
/// commits name). Malleable (high-s) or malformed signatures are rejected, so one vote has one encoding.
/// </summary>
public sealed class Secp256k1VoteSignatureVerifier : IVoteSignatureVerifier
{
    public static Secp256k1VoteSignatureVerifier Instance { get; } = new();

    public bool Verify(Hash256 digest, ReadOnlySpan<byte> signature, Address expectedSigner)
    {
        if (signature.Length != 65 || signature[64] > 1) return false;
        var parsed = Signature.FromCompact65(signature);
        if (parsed.Validate() is not null) return false;
        return Secp256k1.TryRecoverAddress(digest, parsed, out var signer) && signer == expectedSigner;
    }
}
