using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// Checks that a 65-byte vote signature of <c>digest</c> was made by the key of <c>expectedSigner</c>. The node
/// uses <see cref="Secp256k1VoteSignatureVerifier"/>; consensus simulations plug in cheap fake keys.
/// </summary>
public interface IVoteSignatureVerifier
{
    bool Verify(Hash256 digest, ReadOnlySpan<byte> signature, Address expectedSigner);
}
