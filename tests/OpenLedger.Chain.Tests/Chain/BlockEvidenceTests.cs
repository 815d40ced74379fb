using OpenLedger.Chain.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Processing;
using Xunit;

namespace OpenLedger.Chain.Tests.Chain;

/// <summary>Block validation of double-sign evidence: what a block may carry and the reason a bad one is rejected.</summary>
public sealed class BlockEvidenceTests
{
    private static Vote Prevote(PrivateKey key, ulong chainId, ulong height, Hash256 block, int round = 0)
    {
        var digest = Vote.SigningDigest(chainId, VoteType.Prevote, height, round, block);
        return new Vote { Type = VoteType.Prevote, Height = height, Round = round, BlockHash = block, Validator = key.Address, Signature = key.Sign(digest).ToCompact65() };
    }

    private static DuplicateVoteEvidence DoubleSign(PrivateKey key, ulong chainId, ulong height, int round = 0) =>
        EvidenceVerifier.Canonical(new DuplicateVoteEvidence(
            Prevote(key, chainId, height, Hash256.Parse("0x" + new string('a', 64)), round),
            Prevote(key, chainId, height, Hash256.Parse("0x" + new string('b', 64)), round)));

    private static ExecutedBlock Produce(TestChain t, IReadOnlyList<DuplicateVoteEvidence> evidence)
    {
        var head = t.Chain.Head;
        var executed = t.Chain.BuildBlock(head.TimestampMs + t.Chain.Parameters.BlockIntervalMs, TestChain.ValidatorConsensus.Address,
            t.Chain.Store.GetCommit(head.Number) ?? Commit.Empty, [], evidence);
        t.Chain.CommitBlock(executed, t.SignCommit(executed.Block));
        return executed;
    }

    /// <summary>The follower's next block as the producer would make it, but carrying <paramref name="evidence"/> (unchecked).</summary>
    private static Block WithEvidence(Block block, params DuplicateVoteEvidence[] evidence) =>
        block with { Header = block.Header with { EvidenceHash = Block.ComputeEvidenceHash(evidence) }, Evidence = evidence };

    private static string Rejection(TestChain follower, Block block) =>
        Assert.Throws<InvalidBlockException>(() => follower.Chain.ExecuteBlock(block)).Message;

    [Fact]
    public void Valid_evidence_is_included_indexed_and_never_accepted_twice()
    {
        using var producer = new TestChain();
        using var follower = new TestChain();
        var chainId = producer.Genesis.ChainId;
        void Follow(ExecutedBlock b) => follower.Chain.CommitBlock(follower.Chain.ExecuteBlock(b.Block), producer.Chain.Store.GetCommit(b.Block.Number)!);

        Follow(producer.ProduceBlock());
        var evidence = DoubleSign(TestChain.ValidatorConsensus, chainId, height: 1);
        var withEvidence = Produce(producer, [evidence]);
        Assert.Equal([evidence], withEvidence.Block.Evidence);
        Assert.Equal(withEvidence.Encoded.Length, withEvidence.Block.EncodedLength());
        Follow(withEvidence);
        Assert.Equal(2UL, follower.Chain.EvidenceCommittedAt(evidence.Hash));
        Assert.Equal(2UL, producer.Chain.EvidenceCommittedAt(evidence.Hash));

        // A proposer leaves committed evidence out; a block that carries it again is rejected.
        var next = Produce(producer, [evidence]);
        Assert.Empty(next.Block.Evidence);
        Assert.Contains("already included in block 2", Rejection(follower, WithEvidence(next.Block, evidence)));
    }

    [Fact]
    public void Forged_foreign_duplicate_expired_and_future_evidence_is_rejected_with_the_reason()
    {
        using var producer = new TestChain(genesis: TestChain.CreateGenesis(p => p with { UnbondingPeriodBlocks = 3 }));
        using var follower = new TestChain(genesis: TestChain.CreateGenesis(p => p with { UnbondingPeriodBlocks = 3 }));
        var chainId = producer.Genesis.ChainId;
        for (var i = 0; i < 4; i++)
        {
            var b = producer.ProduceBlock();
            follower.Chain.CommitBlock(follower.Chain.ExecuteBlock(b.Block), producer.Chain.Store.GetCommit(b.Block.Number)!);
        }
        // The next block is 5: evidence from height 2 is 3 blocks old (the limit), from height 1 it is 4 (expired).
        var valid = DoubleSign(TestChain.ValidatorConsensus, chainId, height: 2);
        var forged = valid with { Second = valid.Second with { Signature = TestChain.Key("someone").Sign(valid.Second.SigningDigest(chainId)).ToCompact65() } };
        var outsider = DoubleSign(TestChain.Key("outsider"), chainId, height: 2);
        var expired = DoubleSign(TestChain.ValidatorConsensus, chainId, height: 1);
        var future = DoubleSign(TestChain.ValidatorConsensus, chainId, height: 5);
        var otherChain = DoubleSign(TestChain.ValidatorConsensus, chainId + 1, height: 2);
        var reversed = new DuplicateVoteEvidence(valid.Second, valid.First);

        var template = producer.Chain.BuildBlock(producer.Chain.Head.TimestampMs + 500, TestChain.ValidatorConsensus.Address,
            producer.Chain.Store.GetCommit(4)!, [], []).Block;
        Assert.Contains("second vote's signature does not verify", Rejection(follower, WithEvidence(template, forged)));
        Assert.Contains("was not a validator at height 2", Rejection(follower, WithEvidence(template, outsider)));
        Assert.Contains("has expired at height 5 (maximum age 3 blocks)", Rejection(follower, WithEvidence(template, expired)));
        Assert.Contains("cannot be included before height 6", Rejection(follower, WithEvidence(template, future)));
        Assert.Contains("signature does not verify", Rejection(follower, WithEvidence(template, otherChain)));
        Assert.Contains("canonical order", Rejection(follower, WithEvidence(template, reversed)));
        Assert.Contains("twice", Rejection(follower, WithEvidence(template, valid, valid)));
        var tooMany = Enumerable.Range(1, Blockchain.MaxEvidencePerBlock + 1).Select(r => DoubleSign(TestChain.ValidatorConsensus, chainId, 2, round: r)).ToArray();
        Assert.Contains($"at most {Blockchain.MaxEvidencePerBlock}", Rejection(follower, WithEvidence(template, tooMany)));

        // The proposer keeps only what is valid, up to the bound; the follower accepts that block.
        var built = Produce(producer, [forged, outsider, expired, future, otherChain, reversed, valid, valid, .. tooMany]);
        Assert.Equal([valid.Hash, .. tooMany.Take(Blockchain.MaxEvidencePerBlock - 1).Select(e => e.Hash)], built.Block.Evidence.Select(e => e.Hash));
        follower.Chain.CommitBlock(follower.Chain.ExecuteBlock(built.Block), producer.Chain.Store.GetCommit(5)!);
        Assert.Equal(5UL, follower.Chain.EvidenceCommittedAt(valid.Hash));
    }
}
