using OpenLedger.Consensus.Evidence;
using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Consensus.Tests;

/// <summary>The rules of the Tendermint algorithm, one scenario at a time, on a single engine among four equal validators.</summary>
public sealed class EngineTests
{
    private static readonly ProposedBlock BlockA = EngineHarness.Block("block A");
    private static readonly ProposedBlock BlockB = EngineHarness.Block("block B");

    [Fact]
    public void Start_arms_the_propose_timeout_and_a_proposer_asks_for_a_block()
    {
        var h = new EngineHarness(me: 0);
        var effects = h.Start();
        var timeout = Assert.Single(effects.OfType<ScheduleTimeout>());
        Assert.Equal((1UL, 0, RoundStep.Propose, TimeSpan.FromMilliseconds(300)), (timeout.Height, timeout.Round, timeout.Step, timeout.Duration));
        Assert.Equal(h.ProposerIndex(0) == 0, effects.OfType<RequestBlock>().Any());
    }

    [Fact]
    public void The_proposer_signs_the_block_the_application_builds_and_prevotes_it()
    {
        var proposer = new EngineHarness().ProposerIndex(0);
        var h = new EngineHarness(me: proposer);
        Assert.Contains(new RequestBlock(1, 0), h.Start());
        var effects = h.Feed(new BlockToPropose(1, 0, BlockA));
        var proposal = Assert.Single(effects.OfType<BroadcastProposal>()).Proposal;
        Assert.Equal((1UL, 0, -1, BlockA.Hash, h.AddressOf(proposer)), (proposal.Height, proposal.Round, proposal.PolRound, proposal.Block.Hash, proposal.Proposer));
        Assert.True(FakeVoteVerifier.Instance.Verify(proposal.SigningDigest(EngineHarness.ChainId), proposal.Signature, proposal.Proposer));
        Assert.Equal(BlockA.Hash, effects.SingleVote(VoteType.Prevote).BlockHash);
        Assert.Equal(RoundStep.Prevote, h.Engine.Step);
    }

    [Fact]
    public void Happy_path_locks_precommits_and_commits_with_a_sorted_certificate()
    {
        var h = new EngineHarness(me: 0);
        var round = 0;
        h.Start();
        var proposal = h.ProposalFor(round, BlockA);
        var asked = h.Feed(proposal);
        if (h.ProposerIndex(round) != 0) Assert.Contains(new ValidateBlock(1, BlockA), asked);
        var prevoted = h.Feed(h.Valid(BlockA));
        if (h.ProposerIndex(round) != 0) Assert.Equal(BlockA.Hash, prevoted.SingleVote(VoteType.Prevote).BlockHash);

        var others = Enumerable.Range(1, 3).ToArray();
        var afterPrevotes = h.FeedAll(others.Take(2).Select(v => h.Prevote(v, round, BlockA)));
        Assert.Equal(BlockA.Hash, afterPrevotes.SingleVote(VoteType.Precommit).BlockHash);
        Assert.Equal((0, BlockA.Hash), (h.Engine.LockedRound, h.Engine.LockedBlock!.Hash));
        Assert.Equal(0, h.Engine.ValidRound);

        var decided = h.FeedAll(others.Take(2).Select(v => h.Precommit(v, round, BlockA)));
        var commit = Assert.Single(decided.OfType<CommitBlock>());
        Assert.Equal(RoundStep.Commit, h.Engine.Step);
        Assert.Equal(3, commit.Commit.Signatures.Count);
        Assert.Equal(commit.Commit.Signatures.OrderBy(s => s.Validator).Select(s => s.Validator), commit.Commit.Signatures.Select(s => s.Validator));
        Assert.Null(CommitVerifier.Verify(commit.Commit, h.Validators, EngineHarness.ChainId, 1, BlockA.Hash, FakeVoteVerifier.Instance));
    }

    [Fact]
    public void Propose_timeout_prevotes_nil_then_nil_quorum_precommits_nil_and_the_round_advances_with_longer_timeouts()
    {
        var h = new EngineHarness(me: 0);
        var round = h.RoundWhereOtherProposes();
        h.Start();
        if (round > 0) GoToRound(h, round);

        var afterTimeout = h.Feed(new TimeoutFired(1, round, RoundStep.Propose));
        Assert.True(afterTimeout.SingleVote(VoteType.Prevote).IsNil);
        var afterNil = h.FeedAll(new[] { 1, 2 }.Select(v => h.Prevote(v, round, null)));
        Assert.True(afterNil.SingleVote(VoteType.Precommit).IsNil);
        var armed = h.FeedAll(new[] { 1, 2 }.Select(v => h.Precommit(v, round, null)));
        var precommitTimeout = Assert.Single(armed.OfType<ScheduleTimeout>(), t => t.Step == RoundStep.Precommit);
        Assert.Equal(TimeSpan.FromMilliseconds(200 + 50 * round), precommitTimeout.Duration);

        var next = h.Feed(new TimeoutFired(1, round, RoundStep.Precommit));
        Assert.Equal((round + 1, RoundStep.Propose), (h.Engine.Round, h.Engine.Step));
        var proposeTimeout = Assert.Single(next.OfType<ScheduleTimeout>());
        Assert.Equal(TimeSpan.FromMilliseconds(300 + 100 * (round + 1)), proposeTimeout.Duration);
    }

    [Fact]
    public void A_stale_timeout_changes_nothing()
    {
        var h = new EngineHarness(me: 0);
        h.Start();
        GoToRound(h, 2);
        Assert.Empty(h.Feed(new TimeoutFired(1, 1, RoundStep.Propose)));
        Assert.Empty(h.Feed(new TimeoutFired(1, 1, RoundStep.Precommit)));
        Assert.Empty(h.Feed(new TimeoutFired(1, 2, RoundStep.Prevote)));
        Assert.Equal((2, RoundStep.Propose), (h.Engine.Round, h.Engine.Step));
    }

    [Fact]
    public void A_locked_validator_prevotes_nil_for_a_different_fresh_block_in_a_later_round()
    {
        var h = new EngineHarness(me: 0);
        var (lockRound, laterRound) = LockOnBlockA(h);
        var proposal = h.ProposalFor(laterRound, BlockB);
        var effects = h.FeedAll([proposal, h.Valid(BlockB)]);
        Assert.True(effects.SingleVote(VoteType.Prevote).IsNil);
        Assert.Equal((lockRound, BlockA.Hash), (h.Engine.LockedRound, h.Engine.LockedBlock!.Hash));
    }

    [Fact]
    public void A_locked_validator_prevotes_its_locked_block_when_it_is_proposed_again()
    {
        var h = new EngineHarness(me: 0);
        var (lockRound, laterRound) = LockOnBlockA(h);
        var effects = h.Feed(h.ProposalFor(laterRound, BlockA, polRound: lockRound));
        Assert.Equal(BlockA.Hash, effects.SingleVote(VoteType.Prevote).BlockHash);
    }

    [Fact]
    public void A_proof_of_lock_from_a_round_at_or_after_the_lock_releases_the_lock()
    {
        var h = new EngineHarness(me: 0);
        var (lockRound, laterRound) = LockOnBlockA(h);
        // Block B gathered +2/3 prevotes in a round after our lock (we missed them), and is proposed with that POL.
        var polRound = laterRound;
        var proposeRound = h.RoundWhereOtherProposes(polRound + 1);
        h.FeedAll(new[] { 1, 2, 3 }.Select(v => h.Prevote(v, polRound, BlockB)));
        GoToRound(h, proposeRound);
        var proposal = h.ProposalFor(proposeRound, BlockB, polRound: polRound);
        var waiting = h.Feed(proposal);
        Assert.Empty(waiting.VotesCast()); // validity not known yet
        var effects = h.Feed(h.Valid(BlockB));
        Assert.Equal(BlockB.Hash, effects.SingleVote(VoteType.Prevote).BlockHash);
        Assert.True(lockRound < polRound);
    }

    [Fact]
    public void A_proof_of_lock_older_than_the_lock_does_not_release_it()
    {
        var h = new EngineHarness(me: 0);
        var lockRound = h.RoundWhereOtherProposes(1);
        h.Start();
        // Block B had +2/3 prevotes in round 0, but we then locked on A in a later round.
        h.FeedAll(new[] { 1, 2, 3 }.Select(v => h.Prevote(v, 0, BlockB)));
        GoToRound(h, lockRound);
        h.FeedAll([h.ProposalFor(lockRound, BlockA), h.Valid(BlockA)]);
        h.FeedAll(new[] { 1, 2 }.Select(v => h.Prevote(v, lockRound, BlockA)));
        Assert.Equal(lockRound, h.Engine.LockedRound);

        var proposeRound = h.RoundWhereOtherProposes(lockRound + 1);
        GoToRound(h, proposeRound);
        var effects = h.FeedAll([h.ProposalFor(proposeRound, BlockB, polRound: 0), h.Valid(BlockB)]);
        Assert.True(effects.SingleVote(VoteType.Prevote).IsNil);
    }

    [Fact]
    public void An_invalid_block_gets_a_nil_prevote()
    {
        var h = new EngineHarness(me: 0);
        var round = h.RoundWhereOtherProposes();
        h.Start();
        GoToRound(h, round);
        var effects = h.FeedAll([h.ProposalFor(round, BlockA), h.Valid(BlockA, valid: false)]);
        Assert.True(effects.SingleVote(VoteType.Prevote).IsNil);
    }

    [Fact]
    public void A_proposal_from_the_wrong_proposer_or_with_a_bad_signature_is_ignored()
    {
        var h = new EngineHarness(me: 0);
        var round = h.RoundWhereOtherProposes();
        h.Start();
        GoToRound(h, round);
        var genuine = h.ProposalFor(round, BlockA).Proposal;
        var impostor = Enumerable.Range(1, 3).First(i => i != h.ProposerIndex(round));
        var wrongProposer = genuine with { Proposer = h.AddressOf(impostor) };
        var badSignature = genuine with { Signature = new byte[65] };
        Assert.Empty(h.Feed(new ProposalReceived(wrongProposer)));
        Assert.Empty(h.Feed(new ProposalReceived(badSignature)));
        Assert.Null(h.Engine.ProposalAt(round));
    }

    [Fact]
    public void One_third_of_the_power_voting_in_a_later_round_makes_the_engine_skip_to_it()
    {
        var h = new EngineHarness(me: 0, 10, 10, 10, 10);
        h.Start();
        h.Feed(h.Prevote(1, 5, null));
        Assert.Equal(0, h.Engine.Round); // 10 of 40 is not more than a third
        var effects = h.Feed(h.Precommit(2, 5, null));
        Assert.Equal(5, h.Engine.Round);
        Assert.Contains(effects.OfType<ScheduleTimeout>(), t => t.Round == 5 && t.Step == RoundStep.Propose);
    }

    [Fact]
    public void Precommits_for_a_block_in_an_earlier_round_still_decide_the_height()
    {
        var h = new EngineHarness(me: 0);
        h.Start();
        var proposal = h.ProposalFor(0, BlockA);
        h.FeedAll(new[] { 1, 2 }.Select(v => h.Prevote(v, 3, null))); // skip straight to round 3
        Assert.Equal(3, h.Engine.Round);
        var decided = h.FeedAll(new ConsensusInput[] { proposal, h.Valid(BlockA) }.Concat(new[] { 1, 2, 3 }.Select(v => h.Precommit(v, 0, BlockA))));
        var commit = Assert.Single(decided.OfType<CommitBlock>());
        Assert.Equal((0, BlockA.Hash), (commit.Round, commit.Block.Hash));
    }

    [Fact]
    public void Conflicting_votes_produce_canonical_evidence_that_verifies()
    {
        var h = new EngineHarness(me: 0);
        h.Start();
        var first = h.Prevote(3, 0, BlockA);
        var second = h.Prevote(3, 0, BlockB);
        h.Feed(first);
        var effects = h.Feed(second);
        var evidence = Assert.Single(effects.OfType<EvidenceDetected>()).Evidence;
        Assert.True(evidence.IsWellFormed);
        Assert.True(evidence.First.BlockHash.CompareTo(evidence.Second.BlockHash) < 0);
        Assert.Empty(h.Feed(h.Prevote(3, 0, null)).OfType<EvidenceDetected>()); // reported once per (validator, round, type)
        var pool = new EvidencePool(EngineHarness.ChainId, FakeVoteVerifier.Instance, _ => h.Validators, 100);
        Assert.Equal(EvidenceOutcome.Added, pool.Add(evidence, 1).Outcome);
    }

    [Fact]
    public void Votes_and_proposals_for_the_next_height_are_buffered_until_it_starts()
    {
        var h = new EngineHarness(me: 0);
        h.Start();
        DecideHeightOne(h);
        var nextQueue = h.Queue.NextHeight(h.Validators);
        var earlyVotes = new[] { 1, 2, 3 }.Select(v => new VoteReceived(h.VoteBy(v, VoteType.Prevote, 4, Hash256.Zero, height: 2))).ToArray();
        foreach (var vote in earlyVotes) Assert.Empty(h.Feed(vote));
        h.Engine.StartHeight(2, h.Validators, nextQueue);
        Assert.Equal((2UL, 4), (h.Engine.Height, h.Engine.Round)); // the buffered votes made it skip to round 4
    }

    [Fact]
    public void Catch_up_answers_carry_the_round_and_the_previous_height_certificate()
    {
        var h = new EngineHarness(me: 0);
        h.Start();
        var commit = DecideHeightOne(h);
        var sameHeight = h.Engine.CatchUpMessagesFor(1, 0);
        Assert.Contains(sameHeight, m => m is ProposalMessage { Proposal.Block.Hash: var hash } && hash == BlockA.Hash);
        Assert.True(sameHeight.OfType<VoteMessage>().Count(m => m.Vote.Type == VoteType.Precommit) >= 3);

        h.Engine.StartHeight(2, h.Validators, h.Queue.NextHeight(h.Validators));
        var previous = h.Engine.CatchUpMessagesFor(1, 0);
        Assert.Single(previous.OfType<ProposalMessage>());
        Assert.True(previous.OfType<VoteMessage>().Count() >= commit.Commit.Signatures.Count);
        Assert.All(previous.OfType<VoteMessage>(), m => Assert.Equal((1UL, VoteType.Precommit, BlockA.Hash), (m.Vote.Height, m.Vote.Type, m.Vote.BlockHash)));

        // A peer that is two heights behind must use block sync instead.
        Assert.Empty(h.Engine.CatchUpMessagesFor(0, 0));
    }

    /// <summary>
    /// Moves the engine to (height 1, <paramref name="round"/>) the slow way: in each earlier round the others
    /// precommit nil (+2/3 of precommits arm the precommit timeout) and the timeout fires. No vote of the
    /// target round is used, so tests start from a clean round.
    /// </summary>
    internal static void GoToRound(EngineHarness h, int round)
    {
        while (h.Engine.Round < round)
        {
            var current = h.Engine.Round;
            h.FeedAll(new[] { 1, 2, 3 }.Select(v => h.Precommit(v, current, null)));
            h.Feed(new TimeoutFired(1, current, RoundStep.Precommit));
            Assert.Equal(current + 1, h.Engine.Round);
        }
    }

    /// <summary>Locks the engine (validator 0) on block A in a round another validator proposes; returns that round and a later one another validator proposes.</summary>
    private static (int LockRound, int LaterRound) LockOnBlockA(EngineHarness h)
    {
        var lockRound = h.RoundWhereOtherProposes();
        h.Start();
        if (lockRound > 0) GoToRound(h, lockRound);
        h.FeedAll([h.ProposalFor(lockRound, BlockA), h.Valid(BlockA)]);
        var effects = h.FeedAll(new[] { 1, 2 }.Select(v => h.Prevote(v, lockRound, BlockA)));
        Assert.Equal(BlockA.Hash, effects.SingleVote(VoteType.Precommit).BlockHash);
        Assert.Equal(lockRound, h.Engine.LockedRound);
        var laterRound = h.RoundWhereOtherProposes(lockRound + 1);
        GoToRound(h, laterRound);
        return (lockRound, laterRound);
    }

    private static CommitBlock DecideHeightOne(EngineHarness h)
    {
        var effects = h.FeedAll(new ConsensusInput[] { h.ProposalFor(0, BlockA), h.Valid(BlockA) }
            .Concat(new[] { 1, 2, 3 }.Select(v => h.Prevote(v, 0, BlockA)))
            .Concat(new[] { 1, 2, 3 }.Select(v => h.Precommit(v, 0, BlockA))));
        return Assert.Single(effects.OfType<CommitBlock>());
    }
}
