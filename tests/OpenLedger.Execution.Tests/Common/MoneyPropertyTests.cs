using FsCheck.Xunit;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Models;

namespace OpenLedger.Execution.Tests.Common;

/// <summary>FsCheck properties of the pro-rata arithmetic every split is built on.</summary>
public sealed class MoneyPropertyTests
{
    private static readonly Address Owner = Address.FromUInt64(1);
    private static readonly Address BaseOwner = Address.FromUInt64(2);

    [Property(MaxTest = 300)]
    public bool Pro_rata_shares_never_exceed_the_total_and_lose_less_than_one_wei_per_share(ulong totalHigh, ulong totalLow, ulong[]? weights)
    {
        var total = ((UInt128)totalHigh << 32) + totalLow;
        var ws = (weights ?? []).Select(w => (UInt128)w).ToArray();
        var (shares, remainder) = Money.ProRata(total, ws);
        UInt128 sum = 0;
        foreach (var s in shares) sum += s;
        var positive = ws.Count(w => w > 0);
        return (sum + remainder == total
                && (ws.All(w => w == 0) ? remainder == total : remainder < (UInt128)Math.Max(1, positive)));
    }

    [Property(MaxTest = 300)]
    public bool Fee_split_parts_add_up_to_the_fee_exactly(ulong fee, ushort royaltyBps, ulong[]? weights, bool adapter)
    {
        var p = new ChainParameters();
        var ws = (weights ?? []).Take(20).Select((w, i) => (Address.FromUInt64(100 + (ulong)(i % 4)), (UInt128)w)).ToArray();
        var model = new ModelInfo { Id = 2, Owner = Owner, Name = "m", ArtifactHash = default, BaseModelId = adapter ? 1UL : 0 };
        var baseModel = new ModelInfo { Id = 1, Owner = BaseOwner, Name = "b", ArtifactHash = default, AdapterRoyaltyBps = (ushort)(royaltyBps % 10_001) };
        var split = FeeSplit.Compute(fee, p, adapter ? baseModel : null, model, ws);
        UInt128 paid = 0;
        foreach (var (_, _, amount) in split.Payouts) paid += amount;
        var net = (UInt128)fee - split.PlatformFee;
        return (split.PlatformFee + split.StakerShare + split.Dust + paid == fee
                && split.PlatformFee <= p.PlatformFee
                && split.ModelShare == net * 4_000 / 10_000
                && split.Payouts.All(x => x.Amount > 0));
    }
}
