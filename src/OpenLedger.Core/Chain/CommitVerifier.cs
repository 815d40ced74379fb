using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// Checks a commit certificate: it is for exactly this height and (non-nil) block, every signature is a
/// precommit of this chain by a member of the validator set, listed in strictly ascending validator order (so
/// nobody counts twice), and together they hold more than 2/3 of the voting power. The one set of rules for
/// the engine's own certificates, a block's LastCommit and blocks synced from peers.
/// All signatures in a commit sign the same precommit digest.
/// </summary>
public static class CommitVerifier
{
    /// <summary>Null when <paramref name="commit"/> proves <paramref name="blockHash"/> final at <paramref name="height"/>; otherwise what is wrong.</summary>
    public static string? Verify(Commit commit, ValidatorSet validators, ulong chainId, ulong height, Hash256 blockHash,
        IVoteSignatureVerifier? verifier = null)
    {
        verifier ??= Secp256k1VoteSignatureVerifier.Instance;
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

    public static bool TryVerify(Commit commit, ValidatorSet validators, ulong chainId, ulong height, Hash256 blockHash, out string error)
    {
        error = Verify(commit, validators, chainId, height, blockHash) ?? "";
        return error.Length == 0;
    }
}
