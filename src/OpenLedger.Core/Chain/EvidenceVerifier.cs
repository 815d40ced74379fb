namespace OpenLedger.Core.Chain;

/// <summary>
/// The rules for double-sign evidence, shared by the evidence pool (admission from gossip and local detection)
/// and block validation, so a node never proposes what its peers reject:
/// <list type="bullet">
/// <item>both votes are from one validator for the same height (at least 1), round and type, for different blocks;</item>
/// <item>the votes are in canonical order (first block hash below the second), so one double sign has one encoding and one hash;</item>
/// <item>the height is below the including block's and at most <c>maxAgeHeights</c> below it (CometBFT's MaxAgeNumBlocks;
///   the chain uses its unbonding period, the window in which the stake bonded at the infraction can still be slashed);</item>
/// <item>the validator was in the set that voted at that height, and both signatures verify under the chain id.</item>
/// </list>
/// Whether it was already committed is the caller's question (it needs the chain's index).
/// </summary>
public static class EvidenceVerifier
{
    /// <summary>Null when <paramref name="evidence"/> may be included in the block at <paramref name="includingHeight"/>; otherwise why not.</summary>
    /// <param name="validatorsAtHeight">The validator set of the evidence's height, or null if it is not known.</param>
    public static string? Verify(DuplicateVoteEvidence evidence, ulong chainId, ulong includingHeight, ulong maxAgeHeights,
        ValidatorSet? validatorsAtHeight, IVoteSignatureVerifier? verifier = null)
    {
        verifier ??= Secp256k1VoteSignatureVerifier.Instance;
        var (first, second) = (evidence.First, evidence.Second);
        if (first.Validator != second.Validator) return $"the votes are from different validators ({first.Validator}, {second.Validator})";
        if (first.Height != second.Height || first.Round != second.Round || first.Type != second.Type)
            return "the votes are not for the same height, round and type";
        if (first.BlockHash == second.BlockHash) return "the votes are for the same block, which is not a double sign";
        if (first.BlockHash.CompareTo(second.BlockHash) > 0) return "the votes are not in canonical order (lower block hash first)";
        if (first.Height == 0) return "there are no votes at height 0";
        if (first.Height >= includingHeight) return $"evidence from height {first.Height} cannot be included before height {first.Height + 1} (here {includingHeight})";
        if (includingHeight - first.Height > maxAgeHeights)
            return $"evidence from height {first.Height} has expired at height {includingHeight} (maximum age {maxAgeHeights} blocks)";
        if (validatorsAtHeight is null) return $"the validator set of height {first.Height} is not known";
        if (validatorsAtHeight.Find(first.Validator) is null) return $"{first.Validator} was not a validator at height {first.Height}";
        if (!verifier.Verify(first.SigningDigest(chainId), first.Signature, first.Validator)) return "the first vote's signature does not verify";
        if (!verifier.Verify(second.SigningDigest(chainId), second.Signature, second.Validator)) return "the second vote's signature does not verify";
        return null;
    }

    /// <summary>The same double sign with the votes in canonical order.</summary>
    public static DuplicateVoteEvidence Canonical(DuplicateVoteEvidence evidence) =>
        evidence.First.BlockHash.CompareTo(evidence.Second.BlockHash) > 0 ? new DuplicateVoteEvidence(evidence.Second, evidence.First) : evidence;
}
