using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// Checks a commit certificate: every signature is a precommit by a distinct member of the validator set for
/// exactly this chain, height and block, and together they hold more than 2/3 of the voting power.
/// Used when validating a block's LastCommit and when syncing blocks from peers.
/// </summary>
public static class CommitVerifier
{
    public static bool TryVerify(Commit commit, ValidatorSet validators, ulong chainId, ulong height, Hash256 blockHash, out string error)
    {
        if (commit.Height != height)
        {
            error = $"commit is for height {commit.Height}, expected {height}";
            return false;
        }
        if (commit.BlockHash != blockHash)
        {
            error = $"commit is for block {commit.BlockHash}, expected {blockHash}";
            return false;
        }
        var digest = Vote.SigningDigest(chainId, VoteType.Precommit, commit.Height, commit.Round, commit.BlockHash);
        var seen = new HashSet<Address>();
        UInt128 power = 0;
        Address? previous = null;
        foreach (var sig in commit.Signatures)
        {
            if (previous is { } p && p.CompareTo(sig.Validator) >= 0)
            {
                error = "commit signatures are not ordered by validator address";
                return false;
            }
            previous = sig.Validator;
            var validator = validators.Find(sig.Validator);
            if (validator is null)
            {
                error = $"commit signer {sig.Validator} is not in the validator set";
                return false;
            }
            if (!seen.Add(sig.Validator))
            {
                error = $"validator {sig.Validator} signed the commit twice";
                return false;
            }
            if (sig.Signature.Length != 65
                || !Secp256k1.TryRecoverAddress(digest, Signature.FromCompact65(sig.Signature), out var signer)
                || signer != sig.Validator)
            {
                error = $"commit signature of {sig.Validator} does not verify";
                return false;
            }
            power += validator.Power;
        }
        if (!validators.IsQuorum(power))
        {
            error = $"commit has {power} of {validators.TotalPower} voting power, needs more than 2/3";
            return false;
        }
        error = "";
        return true;
    }
}
