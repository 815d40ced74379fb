using System.Numerics;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Staking;

/// <summary>
/// redelegate (Cosmos semantics): stake moves between validators at once, without unbonding; the move stays
/// answerable for the source's double signs until it matures, and cannot be moved on (no transitive redelegation).
/// The test chain audits the supply and every module's solvency after each block.
/// </summary>
public sealed class RedelegationTests
{
    private static ChainParameters Params => new() { EpochLength = 1_000, UnbondingPeriodBlocks = 10 };

    private static TestChain Chain()
    {
        var c = new TestChain(Params);
        c.AddGenesisValidator(c[0], 10_000);
        c.AddGenesisValidator(c[5], 40_000);
        c.AddGenesisValidator(c[6], 20_000);
        c.Start();
        c.Tx(c[1], c.Staking, "delegate", Wei.FromOpen(10_000), c[0]);
        c.Mine();
        return c;
    }

    [Fact]
    public void Redelegation_moves_stake_at_once_without_unbonding_and_matures_after_the_unbonding_period()
    {
        var c = Chain();
        var bonded = (BigInteger)c.View(c.Staking, "totalBonded")[0];
        Assert.Equal((BigInteger)Wei.FromOpen(80_000), bonded);
        var stakingBefore = c.Balance(SystemAddresses.Staking);
        var delegatorBefore = c.Balance(c[1]);
        var created = c.Height;

        var id = (BigInteger)c.Tx(c[1], c.Staking, "redelegate", c[0], c[5], (BigInteger)Wei.FromOpen(4_000))[0];

        Assert.Equal(BigInteger.One, id);
        Assert.Equal(Wei.FromOpen(6_000), StakingModule.GetDelegation(c.State, c[0], c[1])!.Tokens);
        Assert.Equal(Wei.FromOpen(4_000), StakingModule.GetDelegation(c.State, c[5], c[1])!.Tokens);
        Assert.Equal(Wei.FromOpen(16_000), StakingModule.GetValidator(c.State, c[0])!.Tokens);
        Assert.Equal(Wei.FromOpen(44_000), StakingModule.GetValidator(c.State, c[5])!.Tokens);
        // No unbonding: nothing leaves the bonded total, nothing is queued for payout.
        Assert.Empty(StakingModule.GetUnbondings(c.State, c[1]));
        Assert.Equal(bonded, (BigInteger)c.View(c.Staking, "totalBonded")[0]);
        // The stake stays in the staking account; only the source's pending rewards (paid because the delegation changed) left it.
        var rewardsPaid = c.Balance(c[1]) - delegatorBefore;
        Assert.True(rewardsPaid > 0);
        Assert.Equal(stakingBefore - rewardsPaid, c.Balance(SystemAddresses.Staking));
        var entry = Assert.Single(StakingModule.GetRedelegations(c.State, c[1]));
        Assert.Equal((c[0], c[5], Wei.FromOpen(4_000), Wei.FromOpen(4_000), created, created + 10),
            (entry.Source, entry.Destination, entry.InitialBalance, entry.SharesDestination, entry.CreationHeight, entry.CompletionHeight));
        var redelegated = Assert.Single(c.Events(c.Staking, "Redelegated"));
        Assert.Equal(new object[] { c[0], c[5], c[1], (BigInteger)Wei.FromOpen(4_000), BigInteger.One, new BigInteger(created + 10) }, redelegated);
        var view = c.View(c.Staking, "getRedelegations", c[1]);
        Assert.Equal(new object[] { BigInteger.One }, (object[])view[0]);

        c.MineUntil(created + 10);
        Assert.Single(StakingModule.GetRedelegations(c.State, c[1])); // still answerable in its completion block
        c.Mine();
        Assert.Empty(StakingModule.GetRedelegations(c.State, c[1]));
        Assert.Equal(Wei.FromOpen(4_000), StakingModule.GetDelegation(c.State, c[5], c[1])!.Tokens);
    }

    [Fact]
    public void Transitive_redelegation_is_refused_until_the_incoming_one_matures()
    {
        var c = Chain();
        var created = c.Height;
        c.Tx(c[1], c.Staking, "redelegate", c[0], c[5], (BigInteger)Wei.FromOpen(4_000));
        Assert.Equal($"cannot redelegate from {c[5]}: 4000 OPEN was redelegated to it at block {created} and stays answerable for {c[0]} until block {created + 10}; transitive redelegation is not allowed",
            c.Fails(c[1], c.Staking, "redelegate", c[5], c[6], (BigInteger)Wei.FromOpen(1_000)));
        // Moving more away from the source is not transitive, and undelegating from the destination is allowed.
        c.Tx(c[1], c.Staking, "redelegate", c[0], c[6], (BigInteger)Wei.FromOpen(1_000));
        c.Tx(c[1], c.Staking, "undelegate", c[5], (BigInteger)Wei.FromOpen(500));
        c.MineUntil(created + 11);
        c.Tx(c[1], c.Staking, "redelegate", c[5], c[6], (BigInteger)Wei.FromOpen(1_000));
        Assert.Equal(Wei.FromOpen(2_000), StakingModule.GetDelegation(c.State, c[6], c[1])!.Tokens);
        Assert.Equal(Wei.FromOpen(2_500), StakingModule.GetDelegation(c.State, c[5], c[1])!.Tokens);
    }

    [Fact]
    public void Bad_redelegations_explain_themselves()
    {
        var c = Chain();
        Assert.Equal($"source and destination are the same validator {c[0]}", c.Fails(c[1], c.Staking, "redelegate", c[0], c[0], (BigInteger)Wei.FromOpen(1)));
        Assert.Equal($"{c[9]} does not operate a validator", c.Fails(c[1], c.Staking, "redelegate", c[0], c[9], (BigInteger)Wei.FromOpen(1)));
        Assert.Equal($"{c[1]} has 10000 OPEN delegated to {c[0]}; cannot redelegate 10000.000000000000000001 OPEN",
            c.Fails(c[1], c.Staking, "redelegate", c[0], c[5], (BigInteger)(Wei.FromOpen(10_000) + 1)));
        Assert.Equal($"{c[2]} has no delegation to validator {c[0]}", c.Fails(c[2], c.Staking, "redelegate", c[0], c[5], (BigInteger)Wei.FromOpen(1)));
        Assert.Equal("amount must be greater than zero", c.Fails(c[1], c.Staking, "redelegate", c[0], c[5], BigInteger.Zero));
    }

    [Fact]
    public void Double_sign_of_the_source_slashes_redelegations_made_at_or_after_the_infraction_at_their_destination()
    {
        var c = Chain();
        c.Tx(c[1], c.Staking, "redelegate", c[0], c[5], (BigInteger)Wei.FromOpen(2_000)); // before the infraction: not slashed
        c.Mine();
        var infractionHeight = c.Height + 1;
        c.Mine(2);
        c.Tx(c[1], c.Staking, "redelegate", c[0], c[5], (BigInteger)Wei.FromOpen(3_000)); // after: 5% of its 3,000 shares at c[5]
        c.Mine();
        var burned = c.Balance(SystemAddresses.Burn);
        c.NextEvidence.Add(StakingTests.Evidence(TestChain.ConsensusAddressOf(c[0]), infractionHeight));
        c.Mine();

        // Source: bonded 20,000 − 5,000 moved = 15,000 → 14,250 (750 burned).
        Assert.Equal(Wei.FromOpen(14_250), StakingModule.GetValidator(c.State, c[0])!.Tokens);
        // Destination: 40,000 + 5,000 → 150 shares (= 150 OPEN at 1 token per share) of the later move burned.
        Assert.Equal(Wei.FromOpen(44_850), StakingModule.GetValidator(c.State, c[5])!.Tokens);
        Assert.Equal(Wei.FromOpen(4_850), StakingModule.GetDelegation(c.State, c[5], c[1])!.Tokens);
        Assert.Equal(Wei.FromOpen(40_000), StakingModule.GetDelegation(c.State, c[5], c[5])!.Tokens);
        Assert.Equal(burned + Wei.FromOpen(900), c.Balance(SystemAddresses.Burn));
        // The delegator's remaining 5,000 shares at the source lose pro rata: 14,250 × 5,000 / 15,000.
        Assert.Equal(Wei.FromOpen(4_750), StakingModule.GetDelegation(c.State, c[0], c[1])!.Tokens);
        var slashed = Assert.Single(c.Events(c.Staking, "RedelegationSlashed"));
        Assert.Equal(new object[] { new BigInteger(2), c[1], c[5], (BigInteger)Wei.FromOpen(150) }, slashed);
    }
}
