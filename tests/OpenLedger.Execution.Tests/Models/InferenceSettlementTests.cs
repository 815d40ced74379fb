using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Models;

public sealed class InferenceSettlementTests
{
    private static readonly UInt128 MilliOpen = Wei.PerOpen / 1000;

    [Fact]
    public void Worked_example_fee_refund_and_split_with_uneven_influence()
    {
        // docs/economics.md, "Worked example 1".
        var e = new Economy();
        var c = e.Chain;
        var requesterBefore = c.Balance(e.Requester);
        var request = e.Request(10 * MilliOpen); // maxFee 0.01 OPEN
        var fee = e.Settle(request, 1500, 700, [1, 2, 3], [3, 3, 1]);

        // floor((1500 × 0.002 + 700 × 0.006) OPEN / 1000 tokens) + 0.001 = 0.0072 + 0.001 = 0.0082 OPEN
        Assert.Equal((UInt128)8_200_000_000_000_000, fee);
        Assert.Equal(requesterBefore - fee, c.Balance(e.Requester)); // 0.0018 OPEN refunded at once
        var settled = c.Events(c.Models, "InferenceSettled").Single();
        Assert.Equal(new BigInteger(1_800_000_000_000_000), settled[3]); // refund
        Assert.Equal(new BigInteger(2_880_000_000_000_000), settled[5]); // model 40% of 0.0072
        Assert.Equal(new BigInteger(720_000_000_000_000), settled[6]);   // stakers 10%
        Assert.Equal(new BigInteger(3_600_000_000_000_000), settled[7]); // contributors 50%
        Assert.Equal(new BigInteger(2), settled[8]);                     // 3.6e15 × {3,3,1}/7 leaves 2 wei

        var locked1 = ModelsModule.GetEarnings(c.State, e.Contributors[0]).Locked;
        var locked3 = ModelsModule.GetEarnings(c.State, e.Contributors[2]).Locked;
        Assert.Equal((UInt128)1_542_857_142_857_142, locked1);
        Assert.Equal((UInt128)1_542_857_142_857_142, ModelsModule.GetEarnings(c.State, e.Contributors[1]).Locked);
        Assert.Equal((UInt128)514_285_714_285_714, locked3);
        Assert.Equal((UInt128)2_880_000_000_000_000, ModelsModule.GetEarnings(c.State, e.ModelOwner).Locked);

        // Nothing claimable inside the window.
        Assert.Contains("still locked", c.Fails(e.Contributors[0], c.Models, "claim"));

        var settledAt = c.Height;
        var treasuryBefore = c.Balance(SystemAddresses.Treasury);
        var stakingPoolBefore = c.Staking.GetLiabilities(c.State)["reward pool from models"];
        c.MineUntil(settledAt + c.Params.ChallengeWindowBlocks);
        var treasuryBeforeUnlock = c.Balance(SystemAddresses.Treasury);
        c.Mine(); // EndBlock of settledAt + window: the fee becomes claimable
        Assert.Equal(treasuryBeforeUnlock + MilliOpen + 2, c.Balance(SystemAddresses.Treasury));
        Assert.True(treasuryBefore <= treasuryBeforeUnlock);
        Assert.Equal((UInt128)0, stakingPoolBefore);
        Assert.Equal(InferenceStatus.Final, ModelsModule.GetRequest(c.State, request)!.Status);

        var balanceBefore = c.Balance(e.Contributors[2]);
        var claimed = (BigInteger)c.Tx(e.Contributors[2], c.Models, "claim")[0];
        Assert.Equal(new BigInteger(514_285_714_285_714), claimed);
        Assert.Equal(balanceBefore + 514_285_714_285_714, c.Balance(e.Contributors[2]));
        Assert.Contains("nothing to claim", c.Fails(e.Contributors[2], c.Models, "claim"));
        var earnings = ModelsModule.GetEarnings(c.State, e.Contributors[2]);
        Assert.Equal((UInt128)514_285_714_285_714, earnings.ContributorEarned);
        Assert.Equal((UInt128)514_285_714_285_714, earnings.Claimed);
    }

    [Fact]
    public void Fee_is_capped_at_max_fee_and_nothing_is_refunded()
    {
        var e = new Economy();
        var request = e.Request(2 * MilliOpen); // usage alone would be 0.0072 OPEN
        var fee = e.Settle(request, 1500, 700, [], []);
        Assert.Equal(2 * MilliOpen, fee);
        var settled = e.Chain.Events(e.Chain.Models, "InferenceSettled").Single();
        Assert.Equal(BigInteger.Zero, settled[3]);
        // net 0.001 OPEN: 40/10/50 → 0.0004 / 0.0001 / 0.0005 split by training weights 50/30/20.
        Assert.Equal((UInt128)250_000_000_000_000, ModelsModule.GetEarnings(e.Chain.State, e.Contributors[0]).Locked);
        Assert.Equal((UInt128)150_000_000_000_000, ModelsModule.GetEarnings(e.Chain.State, e.Contributors[1]).Locked);
        Assert.Equal((UInt128)100_000_000_000_000, ModelsModule.GetEarnings(e.Chain.State, e.Contributors[2]).Locked);
    }

    [Fact]
    public void One_wei_net_fee_all_goes_to_the_treasury_as_dust()
    {
        var e = new Economy();
        var c = e.Chain;
        // pricePerOutK = 1 wei: 1000 output tokens cost floor(1000 × 1 / 1000) = 1 wei on top of the platform fee.
        c.Tx(e.ModelOwner, c.Models, "setPrices", TestChain.N(Economy.ModelId), UInt128.Zero, UInt128.One);
        var request = e.Request(c.Params.PlatformFee + 1);
        var fee = e.Settle(request, 0, 1000, [1], [1]);
        Assert.Equal(c.Params.PlatformFee + 1, fee);
        var settled = c.Events(c.Models, "InferenceSettled").Single();
        Assert.Equal(BigInteger.Zero, settled[5]);
        Assert.Equal(BigInteger.Zero, settled[6]);
        Assert.Equal(BigInteger.Zero, settled[7]);
        Assert.Equal(BigInteger.One, settled[8]);
        Assert.Empty(ModelsModule.GetRequest(c.State, request)!.Recipients);
        var settledAt = c.Height;
        c.MineUntil(settledAt + c.Params.ChallengeWindowBlocks);
        var treasury = c.Balance(SystemAddresses.Treasury);
        c.Mine();
        Assert.Equal(treasury + c.Params.PlatformFee + 1, c.Balance(SystemAddresses.Treasury));
    }

    [Fact]
    public void Max_fee_below_the_platform_fee_is_refused()
    {
        var e = new Economy();
        var reason = e.Chain.Fails(e.Requester, e.Chain.Models, "requestInference", e.Chain.Params.PlatformFee - 1, TestChain.N(1), Economy.Hash("r"));
        Assert.Equal("maxFee 0.000999999999999999 OPEN is below the platform fee of 0.001 OPEN", reason);
    }

    [Fact]
    public void A_contribution_outside_the_models_datanets_is_refused()
    {
        var e = new Economy();
        var request = e.Request(10 * MilliOpen);
        // Contribution 4 is approved, but in datanet 2, which model 1 did not declare.
        var reason = e.Chain.Fails(e.ModelOwner, e.Chain.Models, "settleInference", TestChain.N(request), 10u, 10u, Economy.Hash("o"),
            new object[] { TestChain.N(1), TestChain.N(4) }, new object[] { TestChain.N(1), TestChain.N(1) });
        Assert.Equal("contribution 4 belongs to datanet 2, which model 1 did not declare (declared: 1)", reason);
    }

    [Fact]
    public void Unapproved_unknown_and_zero_influence_lists_are_refused()
    {
        var e = new Economy();
        var c = e.Chain;
        c.Tx(e.Contributors[1], c.Datanets, "contribute", c.Params.ContributionBond, TestChain.N(1), Economy.Hash("pending"), 5ul, "u");
        var request = e.Request(10 * MilliOpen);
        object[] Ids(params ulong[] ids) => ids.Select(i => (object)TestChain.N(i)).ToArray();
        Assert.Contains("contribution 5 is not approved (it is pending)",
            c.Fails(e.ModelOwner, c.Models, "settleInference", TestChain.N(request), 1u, 1u, Economy.Hash("o"), Ids(5), Ids(1)));
        Assert.Equal("contribution 99 does not exist",
            c.Fails(e.ModelOwner, c.Models, "settleInference", TestChain.N(request), 1u, 1u, Economy.Hash("o"), Ids(99), Ids(1)));
        Assert.Contains("every influence value is zero",
            c.Fails(e.ModelOwner, c.Models, "settleInference", TestChain.N(request), 1u, 1u, Economy.Hash("o"), Ids(1, 2), Ids(0, 0)));
        Assert.Contains("only the operator of model 1",
            c.Fails(e.Requester, c.Models, "settleInference", TestChain.N(request), 1u, 1u, Economy.Hash("o"), Ids(), Ids()));
        Assert.Contains("has 2 entries but influence has 1",
            c.Fails(e.ModelOwner, c.Models, "settleInference", TestChain.N(request), 1u, 1u, Economy.Hash("o"), Ids(1, 2), Ids(1)));
    }

    [Fact]
    public void Settling_after_the_deadline_is_refused_and_the_escrow_was_refunded()
    {
        var e = new Economy();
        var c = e.Chain;
        var before = c.Balance(e.Requester);
        var request = e.Request(10 * MilliOpen);
        var deadline = ModelsModule.GetRequest(c.State, request)!.Deadline;
        Assert.Equal(c.Height + ModelsModule.InferenceTimeoutBlocks, deadline);
        Assert.Equal(before - 10 * MilliOpen, c.Balance(e.Requester));
        c.MineUntil(deadline + 1);
        Assert.Equal(before, c.Balance(e.Requester));
        Assert.Equal(InferenceStatus.Expired, ModelsModule.GetRequest(c.State, request)!.Status);
        var reason = c.Fails(e.ModelOwner, c.Models, "settleInference", TestChain.N(request), 1u, 1u, Economy.Hash("o"), Array.Empty<object>(), Array.Empty<object>());
        Assert.Equal($"request {request} expired at block {deadline}; its escrow is refunded to the requester", reason);
    }

    [Fact]
    public void Settling_in_the_deadline_block_still_works()
    {
        var e = new Economy();
        var request = e.Request(10 * MilliOpen);
        e.Chain.MineUntil(ModelsModule.GetRequest(e.Chain.State, request)!.Deadline);
        Assert.Equal((UInt128)8_200_000_000_000_000, e.Settle(request, 1500, 700, [], []));
    }

    [Fact]
    public void Stakers_share_reaches_the_validators_through_the_reward_pool()
    {
        var e = new Economy();
        var c = e.Chain;
        var request = e.Request(10 * MilliOpen);
        e.Settle(request, 1500, 700, [], []);
        var settledAt = c.Height;
        c.MineUntil(settledAt + c.Params.ChallengeWindowBlocks);
        var before = e.Validators.Select(v => OpenLedger.Execution.Modules.Staking.StakingModule.GetDelegation(c.State, v, v)!.PendingRewards).ToArray();
        c.Mine(); // unlock: 0.00072 OPEN moves to staking; the next BeginBlock pays it with the emission
        var after = e.Validators.Select(v => OpenLedger.Execution.Modules.Staking.StakingModule.GetDelegation(c.State, v, v)!.PendingRewards).ToArray();
        // Each block: 6 OPEN emission + (this block) 0.00072 OPEN, split 3:2:1 by power; each validator is its only delegator.
        var pool = Wei.FromOpen(6) + 720_000_000_000_000;
        Assert.Equal(pool * 3 / 6, after[0] - before[0]);
        Assert.Equal(pool * 2 / 6, after[1] - before[1]);
        Assert.Equal(pool * 1 / 6, after[2] - before[2]);
    }

    [Fact]
    public void Adapter_pays_the_base_owner_its_royalty_out_of_the_model_share()
    {
        var e = new Economy();
        var c = e.Chain;
        c.Tx(e.ModelOwner, c.Models, "setAdapterRoyalty", TestChain.N(Economy.ModelId), (ushort)2_500);
        var adapter = e.RegisterModel(e.AdapterOwner, 1_000, Economy.ModelId, [1], [], []);
        var request = e.Request(10 * MilliOpen, adapter);
        e.Settle(request, 1500, 700, [1], [1], e.AdapterOwner);
        // model share 0.00288 OPEN: royalty 25% = 0.00072 to the base owner, 0.00216 to the adapter owner.
        Assert.Equal((UInt128)720_000_000_000_000, ModelsModule.GetEarnings(c.State, e.ModelOwner).Locked);
        Assert.Equal((UInt128)2_160_000_000_000_000, ModelsModule.GetEarnings(c.State, e.AdapterOwner).Locked);
        Assert.Equal((UInt128)3_600_000_000_000_000, ModelsModule.GetEarnings(c.State, e.Contributors[0]).Locked);
        Assert.Contains("adapters must sit on a base model",
            c.Fails(e.AdapterOwner, c.Models, "registerModel", TestChain.Open(1_000), "x", Economy.Hash("x"), TestChain.N(adapter), (byte)0,
                Array.Empty<object>(), Array.Empty<object>(), Array.Empty<object>(), UInt128.Zero, UInt128.Zero));
        Assert.Contains("only base models collect adapter royalties",
            c.Fails(e.AdapterOwner, c.Models, "setAdapterRoyalty", TestChain.N(adapter), (ushort)1));
    }

    [Fact]
    public void Tier_minimum_stake_reads_like_the_spec()
    {
        var e = new Economy();
        var reason = e.Chain.Fails(e.AdapterOwner, e.Chain.Models, "registerModel", TestChain.Open(500), "big", Economy.Hash("big"), TestChain.N(0), (byte)1,
            Array.Empty<object>(), Array.Empty<object>(), Array.Empty<object>(), UInt128.Zero, UInt128.Zero);
        Assert.Equal("stake 500 OPEN is below the tier-1 minimum of 10000 OPEN", reason);
        Assert.Contains("tier 3 does not exist", e.Chain.Fails(e.AdapterOwner, e.Chain.Models, "registerModel", TestChain.Open(500), "big", Economy.Hash("big"),
            TestChain.N(0), (byte)3, Array.Empty<object>(), Array.Empty<object>(), Array.Empty<object>(), UInt128.Zero, UInt128.Zero));
        Assert.Contains("training weights must add up to 10000 bps (they add up to 9999)", e.Chain.Fails(e.AdapterOwner, e.Chain.Models, "registerModel",
            TestChain.Open(1_000), "w", Economy.Hash("w"), TestChain.N(0), (byte)0, new object[] { TestChain.N(1) }, new object[] { TestChain.N(1) },
            new object[] { (ushort)9_999 }, UInt128.Zero, UInt128.Zero));
    }

    [Fact]
    public void Service_cap_limits_fees_in_flight_to_stake_times_multiplier()
    {
        // Stake 1,000 OPEN × 10 = 10,000 OPEN of fees may be in flight.
        var e = new Economy();
        var c = e.Chain;
        var small = e.RegisterModel(e.AdapterOwner, 1_000, 0, [1], [], []);
        c.Tx(e.AdapterOwner, c.Models, "setPrices", TestChain.N(small), UInt128.Zero, Wei.FromOpen(6_000)); // 6 OPEN per output token
        var r1 = e.Request(Wei.FromOpen(7_000), small);
        var r2 = e.Request(Wei.FromOpen(7_000), small);
        e.Settle(r1, 0, 1000, [], [], e.AdapterOwner); // fee 6,000.001 OPEN
        var reason = c.Fails(e.AdapterOwner, c.Models, "settleInference", TestChain.N(r2), 0u, 1000u, Economy.Hash("o"), Array.Empty<object>(), Array.Empty<object>());
        Assert.StartsWith($"service cap of model {small}: 6000.001 OPEN of fees in flight plus this fee of 6000.001 OPEN would exceed stake 1000 OPEN x 10", reason);
        c.Tx(e.AdapterOwner, c.Models, "addStake", TestChain.Open(1_000), TestChain.N(small));
        e.Settle(r2, 0, 1000, [], [], e.AdapterOwner);
        Assert.Equal(Wei.FromOpen(12_000) + 2 * c.Params.PlatformFee, ModelsModule.GetModel(c.State, small)!.FeesInFlight);
        Assert.Contains("fees in flight need at least", c.Fails(e.AdapterOwner, c.Models, "withdrawStake", TestChain.N(small), (BigInteger)Wei.FromOpen(1_000)));
    }
}
