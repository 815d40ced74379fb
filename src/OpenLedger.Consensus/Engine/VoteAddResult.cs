namespace OpenLedger.Consensus.Engine;

public enum VoteAddResult
{
    Added,
    /// <summary>The same vote is already in the set.</summary>
    Duplicate,
    /// <summary>The validator already voted for a different block at this (height, round, type): a double sign.</summary>
    Conflicting,
    /// <summary>The signer is not in the validator set, or the vote is for another height, round or type.</summary>
    Rejected,
}
