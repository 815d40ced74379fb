using FsCheck.Xunit;
using OpenLedger.Consensus.Proposers;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Consensus.Tests;

/// <summary>CometBFT's proposer-priority algorithm, checked against the examples of spec/consensus/proposer-selection.md.</summary>
public sealed class ProposerPriorityQueueTests
{
    private static readonly Address P1 = Address.FromUInt64(1);
    private static readonly Address P2 = Address.FromUInt64(2);
    private static readonly Address P3 = Address.FromUInt64(3);

    [Fact]
    public void Stable_set_follows_the_documented_sequence_and_priorities()
    {
        // proposer-selection.md, "Stable Set" and R2: VP(p1) = 1, VP(p2) = 3 gives p2, p1, p2, p2 repeated,
        // with priorities (p1, p2) after each run: (1, -1), (-2, 2), (-1, 1), (0, 0).
        var queue = ProposerPriorityQueue.Create([(P1, 1), (P2, 3)]);
        var expectedPriorities = new (long, long)[] { (1, -1), (-2, 2), (-1, 1), (0, 0) };
        var expectedProposers = new[] { P2, P1, P2, P2 };
        for (var run = 0; run < 12; run++)
        {
            Assert.Equal(expectedProposers[run % 4], queue.Proposer);
            var priorities = queue.Entries.Select(e => e.Priority).ToArray();
            Assert.Equal(expectedPriorities[run % 4], (priorities[0], priorities[1]));
            queue = queue.NextHeight([(P1, 1), (P2, 3)]);
        }
    }

    [Fact]
    public void A_new_validator_starts_at_minus_one_and_an_eighth_of_the_total_power()
    {
        // proposer-selection.md, "New Validator": adding p3 with VP 8 to {p1: 1, p2: 3} gives it
        // -(12 + 12 >> 3) = -13. From priorities (0, 0, -13): centring subtracts floor(-13 / 3) = -5 (CometBFT
        // divides with big.Int, which floors; the document's table truncates to -4), giving (5, 5, -8); adding
        // the powers gives (6, 8, 0); p2 is elected and drops by the total 12 to -4.
        var steady = ProposerPriorityQueue.Create([(P1, 1), (P2, 3)]).Increment(3);
        Assert.Equal([0L, 0L], steady.Entries.Select(e => e.Priority));
        var grown = steady.NextHeight([(P1, 1), (P2, 3), (P3, 8)]);
        Assert.Equal([6L, -4L, 0L], grown.Entries.Select(e => e.Priority));
        Assert.Equal(P2, grown.Proposer);
    }

    [Fact]
    public void Priorities_far_apart_are_rescaled_to_within_twice_the_total_power()
    {
        // proposer-selection.md, "Proposer Priority Range": p2 at -15k and p3 at -60k with powers 10 and 10.
        // Rescaling divides by ceil(45000 / 40) = 1125: (-13, -53); centring on -33: (20, -20); adding powers:
        // (30, -10); p2 is elected: (10, -10).
        var queue = Decode([(P2, 10, -15_000), (P3, 10, -60_000)], proposerIndex: 0);
        var next = queue.Increment();
        Assert.Equal([10L, -10L], next.Entries.Select(e => e.Priority));
        Assert.Equal(P2, next.Proposer);
    }

    [Fact]
    public void Removed_validators_disappear_and_the_rest_keep_their_priorities()
    {
        var queue = ProposerPriorityQueue.Create([(P1, 1), (P2, 2), (P3, 3)]);
        var shrunk = queue.NextHeight([(P1, 1), (P3, 3)]);
        Assert.Equal([P1, P3], shrunk.Entries.Select(e => e.Address));
        Assert.Equal(4, shrunk.TotalPower);
    }

    [Fact]
    public void Round_proposers_rotate_by_single_increments_and_tie_break_to_the_lower_address()
    {
        var queue = ProposerPriorityQueue.Create([(P3, 5), (P1, 5), (P2, 5)]);
        Assert.Equal(P1, queue.Proposer); // all equal at the first run: lowest address wins
        Assert.Equal([P1, P2, P3, P1, P2, P3], Enumerable.Range(0, 6).Select(queue.ProposerForRound));
        Assert.Equal(queue.Increment(4).Proposer, queue.ProposerForRound(4));
    }

    [Fact]
    public void Power_is_scaled_from_wei_to_whole_open_with_a_floor_of_one()
    {
        Assert.Equal(10_000, ProposerPower.FromWei(Wei.FromOpen(10_000) + Wei.PerOpen / 2));
        Assert.Equal(1, ProposerPower.FromWei(Wei.PerOpen / 3));
        Assert.Equal(1_000_000_000, ProposerPower.FromWei(Wei.FromOpen(1_000_000_000)));
        var tooMuch = (UInt128)ProposerPower.MaxTotal * Wei.PerOpen + Wei.PerOpen;
        Assert.Throws<ArgumentOutOfRangeException>(() => ProposerPower.FromWei(tooMuch));
        var queue = ProposerPriorityQueue.Create(TestValidators.Create(10_000, 25_000));
        Assert.Equal(35_000, queue.TotalPower);
    }

    [Fact]
    public void Encoding_round_trips_negative_priorities()
    {
        var queue = ProposerPriorityQueue.Create([(P1, 7), (P2, 1), (P3, 100)]).Increment(5);
        Assert.Contains(queue.Entries, e => e.Priority < 0);
        var decoded = ProposerPriorityQueue.Decode(queue.Encode());
        Assert.Equal(queue.Entries, decoded.Entries);
        Assert.Equal(queue.Proposer, decoded.Proposer);
        Assert.Throws<RlpException>(() => ProposerPriorityQueue.Decode([0xc2, 0xc0, 0x80]));
    }

    /// <summary>R2 of proposer-selection.md: in any P consecutive elections a validator of power p proposes p times.</summary>
    [Property(MaxTest = 200)]
    public bool Over_total_power_heights_each_validator_proposes_its_power_share(byte[] seed)
    {
        var powers = seed.Take(6).Select(b => 1 + b % 9).DefaultIfEmpty(1).ToArray();
        var validators = powers.Select((p, i) => (Address.FromUInt64((ulong)i + 1), (long)p)).ToArray();
        var queue = ProposerPriorityQueue.Create(validators).Increment(seed.Length % 5);
        var total = powers.Sum();
        var counts = new Dictionary<Address, int>();
        for (var i = 0; i < total; i++)
        {
            counts[queue.Proposer] = counts.GetValueOrDefault(queue.Proposer) + 1;
            queue = queue.Increment();
        }
        return validators.All(v => counts.GetValueOrDefault(v.Item1) == v.Item2);
    }

    private static ProposerPriorityQueue Decode((Address Address, long Power, long Priority)[] entries, int proposerIndex)
    {
        var writer = new RlpWriter();
        var start = writer.BeginList();
        var list = writer.BeginList();
        foreach (var (address, power, priority) in entries)
        {
            var one = writer.BeginList();
            writer.WriteBytes(address.Bytes);
            writer.WriteUInt64((ulong)power);
            writer.WriteUInt64((ulong)((priority << 1) ^ (priority >> 63)));
            writer.EndList(one);
        }
        writer.EndList(list);
        writer.WriteUInt64((ulong)proposerIndex);
        writer.EndList(start);
        return ProposerPriorityQueue.Decode(writer.ToArray());
    }
}
