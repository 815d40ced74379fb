using OpenLedger.Consensus.Evidence;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Consensus.Tests;

public sealed class EvidencePoolTests
{
    private static readonly Hash256 BlockA = Hash256.Parse("0x" + new string('a', 64));
    private static readonly Hash256 BlockB = Hash256.Parse("0x" + new string('b', 64));
    private readonly EngineHarness _h = new();

    private EvidencePool Pool(Func<ulong, ValidatorSet?>? sets = null, IEvidenceStore? store = null, Func<Hash256, ulong?>? committed = null) =>
        new(EngineHarness.ChainId, FakeVoteVerifier.Instance, sets ?? (_ => _h.Validators), maxAgeHeights: 100, store, committed);

    private DuplicateVoteEvidence DoubleSign(int validator = 1, ulong height = 10) =>
        new(_h.VoteBy(validator, VoteType.Precommit, 2, BlockA, height), _h.VoteBy(validator, VoteType.Precommit, 2, BlockB, height));

    [Fact]
    public void Valid_evidence_is_kept_once_and_offered_for_a_block()
    {
        var pool = Pool();
        var evidence = DoubleSign();
        Assert.Equal(EvidenceOutcome.Added, pool.Add(evidence, 12).Outcome);
        Assert.Equal(EvidenceOutcome.AlreadyPending, pool.Add(evidence, 12).Outcome);
        // The same double sign with the votes swapped is the same evidence.
        Assert.Equal(EvidenceOutcome.AlreadyPending, pool.Add(new DuplicateVoteEvidence(evidence.Second, evidence.First), 12).Outcome);
        Assert.Equal([evidence], pool.Pending());
        pool.MarkCommitted(evidence, 13);
        Assert.Empty(pool.Pending());
        var again = pool.Add(evidence, 14);
        Assert.Equal(EvidenceOutcome.AlreadyCommitted, again.Outcome);
        Assert.Contains("already included at height 13", again.Reason);
    }

    [Fact]
    public void Evidence_from_the_current_height_waits_for_the_next_block_and_expires_after_the_maximum_age()
    {
        var pool = Pool();
        var evidence = DoubleSign(height: 10);
        Assert.Equal(EvidenceOutcome.Added, pool.Add(evidence, 10).Outcome);
        Assert.Empty(pool.ForBlock(10, 5));
        Assert.Equal([evidence], pool.ForBlock(11, 5));
        Assert.Equal([evidence], pool.ForBlock(110, 5));
        Assert.Empty(pool.ForBlock(111, 5));
        Assert.Single(pool.ForBlock(11, 1));
        Assert.Empty(pool.ForBlock(11, 0));
    }

    [Fact]
    public void Each_defect_is_named()
    {
        var pool = Pool();
        var good = DoubleSign();
        Assert.Contains("different validators", pool.Verify(good with { Second = _h.VoteBy(2, VoteType.Precommit, 2, BlockB, 10) }, 12));
        Assert.Contains("same height, round and type", pool.Verify(good with { Second = _h.VoteBy(1, VoteType.Prevote, 2, BlockB, 10) }, 12));
        Assert.Contains("same block", pool.Verify(good with { Second = good.First }, 12));
        Assert.Contains("canonical order", pool.Verify(new DuplicateVoteEvidence(good.Second, good.First), 12));
        Assert.Contains("above the current height", pool.Verify(good, 9));
        Assert.Null(pool.Verify(good, 10));
        Assert.Contains("expired", pool.Verify(good, 111));
        Assert.Null(pool.Verify(good, 110));
        Assert.Contains("second vote's signature", pool.Verify(good with { Second = good.Second with { Signature = new byte[65] } }, 12));
        Assert.Contains("first vote's signature", pool.Verify(good with { First = good.First with { Signature = new byte[65] } }, 12));
        Assert.Contains("was not a validator", pool.Verify(DoubleSign(validator: 9), 12));
        Assert.Contains("not known", Pool(_ => null).Verify(good, 12));
        var invalid = pool.Add(good with { Second = good.Second with { Signature = new byte[65] } }, 12);
        Assert.Equal(EvidenceOutcome.Invalid, invalid.Outcome);
        Assert.Empty(pool.Pending());
    }

    [Fact]
    public void Old_pending_evidence_is_pruned()
    {
        var pool = Pool();
        Assert.Equal(EvidenceOutcome.Added, pool.Add(DoubleSign(height: 10), 10).Outcome);
        Assert.Equal(EvidenceOutcome.Added, pool.Add(DoubleSign(validator: 2, height: 50), 50).Outcome);
        Assert.Equal(1, pool.Prune(120));
        Assert.Equal(50UL, Assert.Single(pool.Pending()).First.Height);
    }

    [Fact]
    public void Pending_evidence_survives_a_restart_unless_the_chain_has_committed_it_meanwhile()
    {
        var store = new InMemoryEvidenceStore();
        var kept = DoubleSign(validator: 1);
        var committedLater = DoubleSign(validator: 2);
        var first = Pool(store: store);
        Assert.Equal(EvidenceOutcome.Added, first.Add(kept, 12).Outcome);
        Assert.Equal(EvidenceOutcome.Added, first.Add(committedLater, 12).Outcome);

        var chainIndex = new Dictionary<Hash256, ulong> { [committedLater.Hash] = 13 };
        var restarted = Pool(store: store, committed: h => chainIndex.TryGetValue(h, out var at) ? at : null);
        Assert.Equal([kept], restarted.Pending());
        Assert.Equal(EvidenceOutcome.AlreadyCommitted, restarted.Add(committedLater, 14).Outcome);
        Assert.Single(store.LoadPending());

        restarted.Drop(kept);
        Assert.Empty(store.LoadPending());
    }
}
