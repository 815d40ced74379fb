using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Proposers;

/// <summary>
/// Voting power is bonded stake in wei (UInt128), but the proposer-priority arithmetic is CometBFT's int64
/// arithmetic. Proposer power is therefore whole OPEN: floor(wei / 10^18), at least 1 for a member of the set
/// (a fraction of an OPEN still gets its turns, rarely). With the fixed supply of 10^9 OPEN the total stays
/// far below CometBFT's limit of int64.MaxValue / 8. Quorums never use this scaled value: they use exact wei.
/// </summary>
public static class ProposerPower
{
    /// <summary>CometBFT's MaxTotalVotingPower: 1.125 x total must still fit in an int64.</summary>
    public const long MaxTotal = long.MaxValue / 8;

    public static long FromWei(UInt128 wei)
    {
        var open = wei / Wei.PerOpen;
        if (open > (UInt128)MaxTotal)
            throw new ArgumentOutOfRangeException(nameof(wei), $"voting power of {Wei.FormatOpen(wei)} OPEN exceeds the proposer-priority limit of {MaxTotal} OPEN");
        return open == 0 ? 1 : (long)open;
    }
}
