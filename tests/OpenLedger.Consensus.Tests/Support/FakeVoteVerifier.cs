using OpenLedger.Consensus.Signing;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Tests.Support;

/// <summary>Accepts the signatures of <see cref="FakeVoteSigner"/> and nothing else.</summary>
public sealed class FakeVoteVerifier : IVoteVerifier
{
    public static FakeVoteVerifier Instance { get; } = new();

    public bool Verify(Hash256 digest, ReadOnlySpan<byte> signature, Address expectedSigner) =>
        signature.Length == 65 && signature[..20].SequenceEqual(expectedSigner.Bytes) && signature.Slice(20, 32).SequenceEqual(digest.Bytes);
}
