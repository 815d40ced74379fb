using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Models;

/// <summary>What one address has earned from the models module, in every role.</summary>
public sealed record Earnings
{
    /// <summary>Paid out by claim() on the next call.</summary>
    public UInt128 Claimable { get; init; }
    /// <summary>Settled fee shares still inside their challenge window.</summary>
    public UInt128 Locked { get; init; }
    public UInt128 ContributorEarned { get; init; }
    /// <summary>Model-owner shares and base-model royalties.</summary>
    public UInt128 ModelEarned { get; init; }
    /// <summary>Epoch attribution emission (SPEC §4.4).</summary>
    public UInt128 AttributionEarned { get; init; }
    /// <summary>Challenge bonds returned, slash rewards, and bonds of rejected challenges.</summary>
    public UInt128 ChallengeEarned { get; init; }
    public UInt128 Claimed { get; init; }

    public byte[] Encode() => new RecordWriter().U128(Claimable).U128(Locked).U128(ContributorEarned).U128(ModelEarned)
        .U128(AttributionEarned).U128(ChallengeEarned).U128(Claimed).ToArray();

    public static Earnings Decode(byte[] raw)
    {
        if (raw.Length == 0) return new Earnings();
        var r = new RecordReader(raw);
        return new Earnings
        {
            Claimable = r.U128(), Locked = r.U128(), ContributorEarned = r.U128(), ModelEarned = r.U128(),
            AttributionEarned = r.U128(), ChallengeEarned = r.U128(), Claimed = r.U128(),
        };
    }
}
