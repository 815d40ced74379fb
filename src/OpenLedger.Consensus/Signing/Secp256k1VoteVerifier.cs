using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Signing;

/// <summary>The node's verifier: secp256k1 recovery, as <see cref="Secp256k1VoteSignatureVerifier"/>.</summary>
public sealed class Secp256k1VoteVerifier : IVoteVerifier
{
    public static Secp256k1VoteVerifier Instance { get; } = new();

    public bool Verify(Hash256 digest, ReadOnlySpan<byte> signature, Address expectedSigner) =>
        Secp256k1VoteSignatureVerifier.Instance.Verify(digest, signature, expectedSigner);
}
