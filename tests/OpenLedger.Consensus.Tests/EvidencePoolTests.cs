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

    private EvidencePool Pool(Func<ulong, ValidatorSet?>? sets = null) =>
        new(EngineHarness.ChainId, FakeVoteVerifier.Instance, sets ?? (_ => _h.Validators), maxAgeHeights: 100);

    private DuplicateVoteEvidence DoubleSign(int validator = 1, ulong height = 10) =>
        new(_h.VoteBy(validator, VoteType.Precommit, 2, BlockA, height), _h.VoteBy(validator, VoteType.Precommit, 2, BlockB, height));

    [Fact]
    public void Valid_evidence_is_kept_once_and_offered_for_a_block()
    {
        var pool = Pool();
        var evidence = DoubleSign();
        Assert.Null(pool.Add(evidence, 12));
        Assert.Null(pool.Add(evidence, 12));
        Assert.Equal([evidence], pool.Pending());
        pool.MarkCommitted(evidence, 13);
        Assert.Empty(pool.Pending());
        Assert.Contains("already included at height 13", pool.Add(evidence, 14));
    }

    [Fact]
    public void Each_defect_is_named()
    {
        var pool = Pool();
        var good = DoubleSign();
        Assert.Contains("different validators", pool.Verify(good with { Second = _h.VoteBy(2, VoteType.Precommit, 2, BlockB, 10) }, 12));
        Assert.Contains("same height, round and type", pool.Verify(good with { Second = _h.VoteBy(1, VoteType.Prevote, 2, BlockB, 10) }, 12));
        Assert.Contains("same block", pool.Verify(good with { Second = good.First }, 12));
        Assert.Contains("above the current height", pool.Verify(good, 9));
        Assert.Contains("too old", pool.Verify(good, 111));
        Assert.Null(pool.Verify(good, 110));
        Assert.Contains("second vote's signature", pool.Verify(good with { Second = good.Second with { Signature = new byte[65] } }, 12));
        Assert.Contains("was not a validator", pool.Verify(DoubleSign(validator: 9), 12));
        Assert.Contains("not known", Pool(_ => null).Verify(good, 12));
    }

    [Fact]
    public void Old_pending_evidence_is_pruned()
    {
        var pool = Pool();
        Assert.Null(pool.Add(DoubleSign(height: 10), 10));
        Assert.Null(pool.Add(DoubleSign(validator: 2, height: 50), 50));
        pool.Prune(120);
        Assert.Equal(50UL, Assert.Single(pool.Pending()).First.Height);
    }
}
