using OpenLedger.Consensus.Engine;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Consensus.Tests;

/// <summary>Quorum arithmetic on exact wei power: "+2/3" is power x 3 &gt; total x 2.</summary>
public sealed class VoteSetTests
{
    private static readonly Hash256 BlockA = Hash256.Parse("0x" + new string('a', 64));
    private static readonly Hash256 BlockB = Hash256.Parse("0x" + new string('b', 64));

    private static Vote VoteOf(int validator, Hash256 block, int round = 0, VoteType type = VoteType.Prevote) =>
        new EngineHarness().VoteBy(validator, type, round, block);

    [Fact]
    public void Uneven_powers_need_more_than_two_thirds_of_the_total_not_of_the_count()
    {
        // Powers 41, 30, 20, 10 OPEN (total 101): 41 + 20 = 61 and 30 + 20 + 10 = 60 are not quorums; 41 + 30 = 71 is.
        var set = new VoteSet(TestValidators.Create(41, 30, 20, 10), VoteType.Prevote, 1, 0);
        set.Add(VoteOf(0, BlockA), out _);
        set.Add(VoteOf(2, BlockA), out _);
        Assert.False(set.HasQuorumFor(BlockA));
        var three = new VoteSet(TestValidators.Create(41, 30, 20, 10), VoteType.Prevote, 1, 0);
        foreach (var v in new[] { 1, 2, 3 }) three.Add(VoteOf(v, BlockA), out _);
        Assert.False(three.HasQuorumFor(BlockA));
        Assert.False(three.HasQuorumAny);
        set.Add(VoteOf(1, BlockA), out _);
        Assert.True(set.HasQuorumFor(BlockA));
        Assert.Equal(BlockA, set.QuorumBlock);
    }

    [Fact]
    public void Exactly_two_thirds_is_not_a_quorum_one_wei_more_is()
    {
        // Total 3 x 10^26 wei; 2 x 10^26 is exactly two thirds.
        var third = (UInt128)100_000_000 * Wei.PerOpen;
        var exact = new VoteSet(TestValidators.CreateWei(third, third, third), VoteType.Precommit, 1, 0);
        exact.Add(VoteOf(0, BlockA, type: VoteType.Precommit), out _);
        exact.Add(VoteOf(1, BlockA, type: VoteType.Precommit), out _);
        Assert.False(exact.HasQuorumFor(BlockA));

        var tipped = new VoteSet(TestValidators.CreateWei(third + 1, third, third - 1), VoteType.Precommit, 1, 0);
        tipped.Add(VoteOf(0, BlockA, type: VoteType.Precommit), out _);
        tipped.Add(VoteOf(1, BlockA, type: VoteType.Precommit), out _);
        Assert.True(tipped.HasQuorumFor(BlockA));
    }

    [Fact]
    public void Quorum_for_anything_counts_each_validator_once_whatever_it_voted()
    {
        var set = new VoteSet(TestValidators.Create(10, 10, 10, 10), VoteType.Prevote, 1, 0);
        set.Add(VoteOf(0, BlockA), out _);
        set.Add(VoteOf(1, BlockB), out _);
        Assert.False(set.HasQuorumAny);
        set.Add(VoteOf(2, Hash256.Zero), out _);
        Assert.True(set.HasQuorumAny);
        Assert.Null(set.QuorumBlock);
        Assert.Equal(Wei.FromOpen(30), set.VotedPower);
    }

    [Fact]
    public void A_double_sign_is_reported_and_counted_for_both_blocks_but_only_once_for_anything()
    {
        var set = new VoteSet(TestValidators.Create(10, 10, 10, 10), VoteType.Prevote, 1, 0);
        Assert.Equal(VoteAddResult.Added, set.Add(VoteOf(3, BlockA), out _));
        Assert.Equal(VoteAddResult.Duplicate, set.Add(VoteOf(3, BlockA), out _));
        Assert.Equal(VoteAddResult.Conflicting, set.Add(VoteOf(3, BlockB), out var existing));
        Assert.Equal(BlockA, existing!.BlockHash);
        Assert.Equal(Wei.FromOpen(10), set.PowerFor(BlockA));
        Assert.Equal(Wei.FromOpen(10), set.PowerFor(BlockB));
        Assert.Equal(Wei.FromOpen(10), set.VotedPower);
        // A third block from the same validator is reported but no longer counted.
        Assert.Equal(VoteAddResult.Conflicting, set.Add(VoteOf(3, Hash256.Zero), out _));
        Assert.Equal(UInt128.Zero, set.PowerFor(Hash256.Zero));
        Assert.True(set.IsKnownOrIgnored(VoteOf(3, Hash256.Zero)));
        Assert.Equal(2, set.Votes.Count());
    }

    [Fact]
    public void Votes_from_outsiders_or_for_another_round_or_type_are_rejected()
    {
        var set = new VoteSet(TestValidators.Create(10, 10, 10), VoteType.Prevote, 1, 0);
        Assert.Equal(VoteAddResult.Rejected, set.Add(VoteOf(7, BlockA), out _));
        Assert.Equal(VoteAddResult.Rejected, set.Add(VoteOf(0, BlockA, round: 1), out _));
        Assert.Equal(VoteAddResult.Rejected, set.Add(VoteOf(0, BlockA, type: VoteType.Precommit), out _));
        Assert.Equal(0, set.Count);
    }
}
