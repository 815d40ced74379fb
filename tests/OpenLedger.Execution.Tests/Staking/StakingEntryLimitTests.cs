using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Staking;

/// <summary>
/// Pending unbondings and redelegations are capped per pair (Cosmos MaxEntries = 7), and matured ones leave the
/// module's indexes, so what a slash or a fixed-gas call walks is bounded by what is pending, not by history.
/// </summary>
public sealed class StakingEntryLimitTests
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
        c.Tx(c[1], c.Staking, "delegate", Wei.FromOpen(1_000), c[5]);
        c.Mine();
        return c;
    }

    private static ulong Indexed(TestChain c, string index, Address scope) =>
        new StoredIdSet(new ModuleStore(c.State, SystemAddresses.Staking, null, isStatic: true), index, scope).Count;

    [Fact]
    public void An_eighth_pending_unbonding_from_the_same_validator_is_refused_until_one_completes()
    {
        var c = Chain();
        var first = c.Height;
        for (var i = 0; i < StakingModule.MaxEntries; i++)
        {
            c.Tx(c[1], c.Staking, "undelegate", c[0], (BigInteger)Wei.FromOpen(100));
            c.Mine();
        }
        Assert.Equal(7, StakingModule.GetUnbondings(c.State, c[1]).Count);

        var reason = c.Fails(c[1], c.Staking, "undelegate", c[0], (BigInteger)Wei.FromOpen(100));
        Assert.Equal($"{c[1]} already has 7 unbonding entries from validator {c[0]} (the most allowed per pair); the next one completes at block {first + 10}", reason);
        // Another validator is another pair.
        c.Tx(c[1], c.Staking, "undelegate", c[5], (BigInteger)Wei.FromOpen(100));

        c.MineUntil(first + 11);
        Assert.Equal(6 + 1, StakingModule.GetUnbondings(c.State, c[1]).Count);
        c.Tx(c[1], c.Staking, "undelegate", c[0], (BigInteger)Wei.FromOpen(100));
        Assert.Equal(7, StakingModule.GetUnbondings(c.State, c[1]).Count(e => e.Validator == c[0]));
    }

    [Fact]
    public void Matured_unbondings_leave_both_indexes_and_the_pending_ones_keep_their_order()
    {
        var c = Chain();
        var ids = new List<ulong>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((ulong)(BigInteger)c.Tx(c[1], c.Staking, "undelegate", c[0], (BigInteger)Wei.FromOpen(100))[0]);
            c.Mine();
        }
        Assert.Equal(5UL, Indexed(c, "unbondings-of", c[1]));
        Assert.Equal(5UL, Indexed(c, "unbondings-of-validator", c[0]));

        // The first two complete; the index shrinks with them, the others keep their order.
        c.MineUntil(c.Height + 7);
        var pending = StakingModule.GetUnbondings(c.State, c[1]);
        Assert.Equal(ids.Skip(2), pending.Select(e => e.Id));
        Assert.Equal(3UL, Indexed(c, "unbondings-of", c[1]));
        Assert.Equal(3UL, Indexed(c, "unbondings-of-validator", c[0]));

        c.MineUntil(c.Height + 10);
        Assert.Empty(StakingModule.GetUnbondings(c.State, c[1]));
        Assert.Equal(0UL, Indexed(c, "unbondings-of", c[1]));
        Assert.Equal(0UL, Indexed(c, "unbondings-of-validator", c[0]));
    }

    [Fact]
    public void Redelegations_are_capped_per_source_and_destination_and_leave_the_indexes_when_they_mature()
    {
        var c = Chain();
        var first = c.Height;
        for (var i = 0; i < StakingModule.MaxEntries; i++)
        {
            c.Tx(c[1], c.Staking, "redelegate", c[0], c[5], (BigInteger)Wei.FromOpen(100));
            c.Mine();
        }
        var reason = c.Fails(c[1], c.Staking, "redelegate", c[0], c[5], (BigInteger)Wei.FromOpen(100));
        Assert.Equal($"{c[1]} already has 7 redelegations from {c[0]} to {c[5]} (the most allowed per pair); the next one matures at block {first + 10}", reason);
        c.Tx(c[1], c.Staking, "redelegate", c[0], c[6], (BigInteger)Wei.FromOpen(100));
        Assert.Equal(8UL, Indexed(c, "redelegations-of", c[1]));
        Assert.Equal(8UL, Indexed(c, "redelegations-of-source", c[0]));

        c.MineUntil(c.Height + 11);
        Assert.Empty(StakingModule.GetRedelegations(c.State, c[1]));
        Assert.Equal(0UL, Indexed(c, "redelegations-of", c[1]));
        Assert.Equal(0UL, Indexed(c, "redelegations-of-source", c[0]));
        // Matured, so stake can move on from the destination again.
        c.Tx(c[1], c.Staking, "redelegate", c[5], c[6], (BigInteger)Wei.FromOpen(100));
    }
}
