using OpenLedger.Consensus.Signing;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Commits;

/// <summary>
/// Checks a commit certificate against the validator set of its height with any <see cref="IVoteVerifier"/>:
/// the engine's own certificates and the simulations' fake keys. It applies the same rules as
/// <see cref="CommitVerifier"/> in Core (which is fixed to secp256k1, for block sync and last commits).
/// All signatures in a commit sign the same precommit digest.
/// </summary>
public static class ConsensusCommitVerifier
{
    /// <summary>Null when <paramref name="commit"/> proves <paramref name="blockHash"/> final at <paramref name="height"/>; otherwise what is wrong.</summary>
    public static string? Verify(Commit commit, ulong height, Hash256 blockHash, ValidatorSet validators, ulong chainId, IVoteVerifier verifier)
    {
        if (commit.Height != height) return $"commit is for height {commit.Height}, expected {height}";
        if (commit.BlockHash != blockHash) return $"commit is for block {commit.BlockHash}, expected {blockHash}";
        if (commit.BlockHash.IsZero) return "commit is for nil, not a block";
        var digest = Vote.SigningDigest(chainId, VoteType.Precommit, commit.Height, commit.Round, commit.BlockHash);
        UInt128 power = 0;
        Address? previous = null;
        foreach (var signature in commit.Signatures)
        {
            if (previous is { } p && p.CompareTo(signature.Validator) >= 0)
                return $"commit signatures are not in strictly ascending validator order at {signature.Validator}";
            previous = signature.Validator;
            var validator = validators.Find(signature.Validator);
            if (validator is null) return $"commit is signed by {signature.Validator}, which is not in the validator set of height {height}";
            if (!verifier.Verify(digest, signature.Signature, signature.Validator))
                return $"the precommit signature of {signature.Validator} does not verify";
            power += validator.Power;
        }
        if (!validators.IsQuorum(power))
            return $"commit carries {power} of {validators.TotalPower} voting power; more than two thirds is required";
        return null;
    }
}
