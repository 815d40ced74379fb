using System.Numerics;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Staking;

public sealed class StakingTests
{
    private static readonly UInt128 SixOpen = Wei.FromOpen(6);

    [Fact]
    public void Genesis_validators_are_bonded_from_their_balance_and_form_the_active_set()
    {
        var c = new TestChain();
        var before = c.Balance(c[0]);
        c.AddGenesisValidator(c[0], 50_000);
        c.AddGenesisValidator(c[1], 20_000);
        c.Start();
        Assert.Equal(before - Wei.FromOpen(50_000), c.Balance(c[0]));
        var set = c.Staking.GetActiveValidatorSet(c.State);
        Assert.Equal(2, set.Count);
        Assert.Equal(Wei.FromOpen(70_000), set.TotalPower);
        Assert.Equal(Wei.FromOpen(50_000), set.Find(TestChain.ConsensusAddressOf(c[0]))!.Power);
        Assert.Equal(c[0], set.Find(TestChain.ConsensusAddressOf(c[0]))!.Operator);
    }

    [Fact]
    public void Create_validator_checks_self_bond_key_and_commission()
    {
        var c = new TestChain().Start();
        var key = TestChain.ConsensusKeyFor(c[2]);
        Assert.Equal("self-bond 9999 OPEN is below the minimum of 10000 OPEN",
            c.Fails(c[2], c.Staking, "createValidator", Wei.FromOpen(9_999), key, (ushort)500, "v"));
        Assert.Contains("uncompressed secp256k1 public key", c.Fails(c[2], c.Staking, "createValidator", Wei.FromOpen(10_000), new byte[33], (ushort)500, "v"));
        var offCurve = (byte[])key.Clone();
        offCurve[64] ^= 1;
        Assert.Equal("consensusPubKey is not a point on the secp256k1 curve",
            c.Fails(c[2], c.Staking, "createValidator", Wei.FromOpen(10_000), offCurve, (ushort)500, "v"));
        Assert.Contains("commissionBps 10001 is above 10000", c.Fails(c[2], c.Staking, "createValidator", Wei.FromOpen(10_000), key, (ushort)10_001, "v"));
        c.Tx(c[2], c.Staking, "createValidator", Wei.FromOpen(10_000), key, (ushort)500, "v");
        Assert.Contains("already used", c.Fails(c[3], c.Staking, "createValidator", Wei.FromOpen(10_000), key, (ushort)500, "w"));
        // Joins the active set at the next epoch boundary.
        Assert.Null(c.ActiveSet.Find(TestChain.ConsensusAddressOf(c[2])));
        c.MineUntil(c.Params.EpochLength + 1);
        Assert.NotNull(c.ActiveSet.Find(TestChain.ConsensusAddressOf(c[2])));
    }

    [Fact]
    public void Rewards_split_by_power_then_commission_then_shares_exact_to_the_wei()
    {
        // One validator, commission 10%: self 10,000 OPEN, delegator 3,333 OPEN (shares do not divide evenly).
        var c = new TestChain();
        c.AddGenesisValidator(c[0], 10_000, commissionBps: 1_000);
        c.Start();
        c.Tx(c[1], c.Staking, "delegate", Wei.FromOpen(3_333), c[0]);
        c.Mine(); // from here on the validator signs every block and earns 6 OPEN per block
        var operatorStart = StakingModule.GetDelegation(c.State, c[0], c[0])!.PendingRewards;
        var delegatorStart = StakingModule.GetDelegation(c.State, c[0], c[1])!.PendingRewards;
        const int blocks = 7;
        c.Mine(blocks);
        var delegation = StakingModule.GetDelegation(c.State, c[0], c[1])!;
        var own = StakingModule.GetDelegation(c.State, c[0], c[0])!;
        // Per block: commission 0.6 OPEN; 5.4 OPEN to the 13,333 OPEN of shares, of which 3,333 are the delegator's:
        // 1.349898747468686716…  OPEN per block, 9.449291232280807020… OPEN in 7 blocks.
        var expected = (BigInteger)Wei.FromOpen(6) * 9 / 10 * 3_333 * blocks / 13_333;
        Assert.Equal(BigInteger.Parse("9449291232280807020"), expected);
        Assert.InRange((BigInteger)(delegation.PendingRewards - delegatorStart), expected - 1, expected);
        var validator = StakingModule.GetValidator(c.State, c[0])!;
        Assert.Equal(Wei.FromOpen(6) / 10 * (blocks + 1), validator.Commission);
        // Everything credited is owed to someone or is rounding residue in the pool — never less than owed.
        var owed = (BigInteger)delegation.PendingRewards + (own.PendingRewards - validator.Commission);
        Assert.True(owed <= (BigInteger)validator.RewardPool);
        Assert.True((BigInteger)validator.RewardPool - owed <= 2);

        var before = c.Balance(c[1]);
        var paid = (BigInteger)c.Tx(c[1], c.Staking, "withdrawRewards", c[0])[0];
        Assert.Equal((BigInteger)delegation.PendingRewards, paid);
        Assert.Equal(before + delegation.PendingRewards, c.Balance(c[1]));
        Assert.Equal((UInt128)0, StakingModule.GetDelegation(c.State, c[0], c[1])!.PendingRewards);
        Assert.True(own.PendingRewards > operatorStart);
    }

    [Fact]
    public void Undelegation_matures_after_the_unbonding_period_and_is_paid_automatically()
    {
        var c = new TestChain();
        c.AddGenesisValidator(c[0], 10_000);
        c.Start();
        c.Tx(c[1], c.Staking, "delegate", Wei.FromOpen(5_000), c[0]);
        var before = c.Balance(c[1]);
        var id = (ulong)(BigInteger)c.Tx(c[1], c.Staking, "undelegate", c[0], (BigInteger)Wei.FromOpen(2_000))[0];
        var entry = StakingModule.GetUnbondings(c.State, c[1]).Single();
        Assert.Equal(id, entry.Id);
        Assert.Equal(c.Height + c.Params.UnbondingPeriodBlocks, entry.CompletionHeight);
        Assert.Equal(Wei.FromOpen(3_000), StakingModule.GetDelegation(c.State, c[0], c[1])!.Tokens);
        Assert.Contains("cannot undelegate 3001 OPEN", c.Fails(c[1], c.Staking, "undelegate", c[0], (BigInteger)Wei.FromOpen(3_001)));
        c.MineUntil(entry.CompletionHeight);
        var atMaturity = c.Balance(c[1]);
        c.Mine();
        Assert.Equal(atMaturity + Wei.FromOpen(2_000), c.Balance(c[1]));
        Assert.Empty(StakingModule.GetUnbondings(c.State, c[1]));
        Assert.True(c.Balance(c[1]) >= before + Wei.FromOpen(2_000)); // plus the rewards paid when it undelegated
    }

    [Fact]
    public void Double_sign_slashes_bonded_stake_and_later_unbondings_and_tombstones()
    {
        var c = new TestChain(new ChainParameters { EpochLength = 1_000 });
        c.AddGenesisValidator(c[0], 10_000);
        c.AddGenesisValidator(c[5], 40_000);
        c.Start();
        c.Tx(c[1], c.Staking, "delegate", Wei.FromOpen(10_000), c[0]);
        c.Mine();
        c.Tx(c[1], c.Staking, "undelegate", c[0], (BigInteger)Wei.FromOpen(2_000)); // before the infraction: not slashed
        c.Mine();
        var infractionHeight = c.Height + 1;
        c.Mine(2);
        c.Tx(c[1], c.Staking, "undelegate", c[0], (BigInteger)Wei.FromOpen(3_000)); // after the infraction: slashed 5%
        c.Mine();
        var burned = c.Balance(SystemAddresses.Burn);
        c.NextEvidence.Add(Evidence(TestChain.ConsensusAddressOf(c[0]), infractionHeight));
        c.Mine();

        var validator = StakingModule.GetValidator(c.State, c[0])!;
        Assert.True(validator.Tombstoned);
        Assert.True(validator.Jailed);
        // Bonded 15,000 → 14,250 (750 burned); the 3,000 entry → 2,850 (150 burned); the 2,000 entry untouched.
        Assert.Equal(Wei.FromOpen(14_250), validator.Tokens);
        var entries = StakingModule.GetUnbondings(c.State, c[1]).OrderBy(e => e.Id).ToList();
        Assert.Equal(Wei.FromOpen(2_000), entries[0].Balance);
        Assert.Equal(Wei.FromOpen(2_850), entries[1].Balance);
        Assert.Equal(burned + Wei.FromOpen(900), c.Balance(SystemAddresses.Burn));
        // Delegators lose pro rata through their shares.
        Assert.Equal(Wei.FromOpen(4_750), StakingModule.GetDelegation(c.State, c[0], c[1])!.Tokens);
        Assert.Equal(Wei.FromOpen(9_500), StakingModule.GetDelegation(c.State, c[0], c[0])!.Tokens);
        Assert.Contains("can never be unjailed", c.Fails(c[0], c.Staking, "unjail"));
        Assert.Contains("tombstoned", c.Fails(c[2], c.Staking, "delegate", Wei.FromOpen(1), c[0]));

        // Evidence again (e.g. another pair of votes) does nothing more.
        c.NextEvidence.Add(Evidence(TestChain.ConsensusAddressOf(c[0]), infractionHeight + 1));
        c.Mine();
        Assert.Equal(Wei.FromOpen(14_250), StakingModule.GetValidator(c.State, c[0])!.Tokens);
    }

    [Fact]
    public void Downtime_slashes_a_tenth_of_a_percent_and_jails_until_unjail()
    {
        var p = new ChainParameters { DowntimeWindowBlocks = 10, EpochLength = 5 };
        var c = new TestChain(p);
        c.AddGenesisValidator(c[0], 40_000);
        c.AddGenesisValidator(c[1], 10_000);
        c.Start();
        c.NextSigners = [TestChain.ConsensusAddressOf(c[0])]; // validator 1 stops signing
        c.Mine(11);
        var v = StakingModule.GetValidator(c.State, c[1])!;
        Assert.True(v.Jailed);
        Assert.Equal(Wei.FromOpen(10_000) - Wei.FromOpen(10), v.Tokens); // 0.1% of 10,000 OPEN
        Assert.Contains("ms to go", c.Fails(c[1], c.Staking, "unjail"));
        c.MineUntil((c.Height / p.EpochLength + 1) * p.EpochLength + 1);
        Assert.Null(c.ActiveSet.Find(TestChain.ConsensusAddressOf(c[1]))); // left the set at the epoch boundary
        c.NextSigners = null;
        while (c.Block.TimestampMs < v.JailedUntilMs) c.Mine();
        // Self-bond is now 9,990 OPEN, below the 10,000 minimum: top it up first.
        Assert.Contains("below the minimum", c.Fails(c[1], c.Staking, "unjail"));
        c.Tx(c[1], c.Staking, "delegate", Wei.FromOpen(10), c[1]);
        c.Tx(c[1], c.Staking, "unjail");
        c.MineUntil((c.Height / p.EpochLength + 1) * p.EpochLength + 1);
        Assert.NotNull(c.ActiveSet.Find(TestChain.ConsensusAddressOf(c[1])));
    }

    [Fact]
    public void Active_set_is_the_top_max_validators_by_stake()
    {
        var p = new ChainParameters { MaxValidators = 2, EpochLength = 4 };
        var c = new TestChain(p);
        c.AddGenesisValidator(c[0], 10_000);
        c.AddGenesisValidator(c[1], 20_000);
        c.AddGenesisValidator(c[2], 30_000);
        c.Start();
        Assert.Equal(2, c.ActiveSet.Count);
        Assert.Null(c.ActiveSet.Find(TestChain.ConsensusAddressOf(c[0])));
        c.Tx(c[3], c.Staking, "delegate", Wei.FromOpen(25_000), c[0]); // 35,000: now the largest
        c.MineUntil(5);
        Assert.NotNull(c.ActiveSet.Find(TestChain.ConsensusAddressOf(c[0])));
        Assert.Null(c.ActiveSet.Find(TestChain.ConsensusAddressOf(c[1])));
        Assert.Equal(Wei.FromOpen(35_000), c.ActiveSet.Find(TestChain.ConsensusAddressOf(c[0]))!.Power);
    }

    [Fact]
    public void Reserve_running_dry_pays_what_is_left_and_then_nothing()
    {
        var c = new TestChain(reserve: Wei.FromOpen(25));
        c.AddGenesisValidator(c[0], 10_000);
        c.Start(); // block 1 has no signers: only the attribution share (4 OPEN) leaves the reserve
        Assert.Equal(Wei.FromOpen(21), c.Balance(SystemAddresses.RewardReserve));
        c.Mine(); // block 2: 10 OPEN
        Assert.Equal(Wei.FromOpen(11), c.Balance(SystemAddresses.RewardReserve));
        c.Mine(); // block 3: 10 OPEN
        Assert.Equal(Wei.FromOpen(1), c.Balance(SystemAddresses.RewardReserve));
        var staking = c.Balance(SystemAddresses.Staking);
        c.Mine(); // block 4: the last 1 OPEN, 0.6 / 0.4
        Assert.Equal((UInt128)0, c.Balance(SystemAddresses.RewardReserve));
        Assert.Equal(staking + Wei.PerOpen * 6 / 10, c.Balance(SystemAddresses.Staking));
        c.Mine(3);
        Assert.Equal((UInt128)0, c.Balance(SystemAddresses.RewardReserve));
        Assert.Equal(staking + Wei.PerOpen * 6 / 10, c.Balance(SystemAddresses.Staking));
        var models = c.Models.GetLiabilities(c.State)["attribution pot"];
        Assert.Equal(Wei.FromOpen(4 + 4 + 4) + Wei.PerOpen * 4 / 10, models);
    }

    internal static DuplicateVoteEvidence Evidence(Address validator, ulong height)
    {
        Vote VoteFor(string block) => new()
        {
            Type = VoteType.Precommit, Height = height, Round = 0, BlockHash = new Hash256(Economy.Hash(block)), Validator = validator, Signature = new byte[65],
        };
        return new DuplicateVoteEvidence(VoteFor("a"), VoteFor("b"));
    }
}
