using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Signing;

/// <summary>Checks that a 65-byte signature of <c>digest</c> was made by the key of <c>expectedSigner</c>.</summary>
public interface IVoteVerifier
{
    bool Verify(Hash256 digest, ReadOnlySpan<byte> signature, Address expectedSigner);
}
