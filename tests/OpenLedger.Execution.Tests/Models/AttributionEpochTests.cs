using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Models;

public sealed class AttributionEpochTests
{
    [Fact]
    public void Epoch_pot_is_paid_seventy_thirty_pro_rata_to_finalized_fees_and_unearned_parts_return_to_the_reserve()
    {
        var e = new Economy(new ChainParameters { EpochLength = 20, ChallengeWindowBlocks = 5 });
        var c = e.Chain;
        var request = e.Request(Wei.PerOpen / 100);
        e.Settle(request, 1500, 700, [1, 2, 3], [3, 3, 1]); // worked example 1: finalized at block 7
        c.MineUntil(21);

        // Blocks 1..20 each put 40% of 10 OPEN into the pot: 80 OPEN; 56 to contributors, 24 to models.
        var paid = c.Events(c.Models, "AttributionEpochPaid").Single();
        Assert.Equal(BigInteger.Zero, paid[0]);
        Assert.Equal((BigInteger)Wei.FromOpen(80), paid[1]);
        var fees = new BigInteger[] { 1_542_857_142_857_142, 1_542_857_142_857_142, 514_285_714_285_714 };
        var total = fees.Aggregate(BigInteger.Add); // 3,599,999,999,999,998
        var contributorsPot = (BigInteger)Wei.FromOpen(56);
        var expected = fees.Select(f => contributorsPot * f / total).ToArray();
        Assert.Equal(BigInteger.Parse("24000000000000000000"), expected[0]); // 56 OPEN × 3/7 of the contributor fees
        for (var i = 0; i < 3; i++)
            Assert.Equal((UInt128)expected[i], ModelsModule.GetEarnings(c.State, e.Contributors[i]).AttributionEarned);
        Assert.Equal(Wei.FromOpen(24), ModelsModule.GetEarnings(c.State, e.ModelOwner).AttributionEarned);
        Assert.Equal(expected.Aggregate(BigInteger.Add), paid[2]);
        Assert.Equal((BigInteger)Wei.FromOpen(24), paid[3]);
        Assert.Equal(contributorsPot - expected.Aggregate(BigInteger.Add), paid[4]); // remainder to the treasury
        Assert.Equal(BigInteger.Zero, paid[5]);

        // The earnings record is a storage slot of the models account, provable against the state root.
        var raw = c.State.GetStorage(SystemAddresses.Models, ModelsModule.EarningsSlot(e.Contributors[2]));
        Assert.Equal((UInt128)expected[2], Earnings.Decode(raw).AttributionEarned);

        // The contributor claims fee share and attribution reward in one claim().
        var balance = c.Balance(e.Contributors[2]);
        c.Tx(e.Contributors[2], c.Models, "claim");
        Assert.Equal(balance + 514_285_714_285_714 + (UInt128)expected[2], c.Balance(e.Contributors[2]));

        // Epoch 1 has no finalized fees: its whole pot goes back to the reserve.
        c.MineUntil(41);
        var second = c.Events(c.Models, "AttributionEpochPaid").Last();
        Assert.Equal(BigInteger.One, second[0]);
        Assert.Equal((BigInteger)Wei.FromOpen(80), second[5]);
    }
}
