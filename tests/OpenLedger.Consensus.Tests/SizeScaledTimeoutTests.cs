using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Consensus.Tests;

/// <summary>
/// Propose and prevote timeouts grow with the height's proposal size (<see cref="ConsensusConfig.TimeoutPerProposalKiB"/>),
/// and a proposal still being validated when the propose timeout fires gets one extension of its size's allowance.
/// </summary>
public sealed class SizeScaledTimeoutTests
{
    private static readonly ConsensusConfig Scaled = EngineHarness.Config with { TimeoutPerProposalKiB = TimeSpan.FromMilliseconds(2) };

    /// <summary>A validator that does not propose round 0 of height 1, and two others.</summary>
    private static readonly int Me = (new EngineHarness().ProposerIndex(0) + 1) % 4;
    private static readonly int[] Others = Enumerable.Range(0, 4).Where(i => i != Me).ToArray();

    /// <summary>A block of <paramref name="bytes"/> bytes (the engine treats the payload as opaque).</summary>
    private static ProposedBlock BigBlock(int bytes, byte fill = 7)
    {
        var payload = new byte[bytes];
        Array.Fill(payload, fill);
        return new ProposedBlock(Keccak256.Hash(payload), payload);
    }

    [Fact]
    public void The_timeout_rule_adds_the_allowance_per_started_KiB_to_propose_and_prevote_only()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(300 + 100 * 2 + 2 * 300), Scaled.TimeoutFor(RoundStep.Propose, 2, 300 * 1024));
        Assert.Equal(TimeSpan.FromMilliseconds(200 + 2 * 2), Scaled.TimeoutFor(RoundStep.Prevote, 0, 1025));
        Assert.Equal(TimeSpan.FromMilliseconds(200), Scaled.TimeoutFor(RoundStep.Precommit, 0, 300 * 1024));
        Assert.Equal(TimeSpan.FromMilliseconds(300), Scaled.TimeoutFor(RoundStep.Propose, 0, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(300), EngineHarness.Config.TimeoutFor(RoundStep.Propose, 0, 300 * 1024));
    }

    [Fact]
    public void The_first_propose_timeout_of_a_height_covers_the_size_the_host_expects()
    {
        var h = new EngineHarness(Scaled, me: Me);
        var timeout = Assert.Single(h.Start(expectedProposalBytes: 100 * 1024).OfType<ScheduleTimeout>());
        Assert.Equal(TimeSpan.FromMilliseconds(300 + 2 * 100), timeout.Duration);
        Assert.Equal(100 * 1024, h.Engine.ExpectedProposalBytes);
    }

    [Fact]
    public void A_big_proposal_raises_the_prevote_timeout_and_the_next_rounds_propose_timeout()
    {
        var h = new EngineHarness(Scaled, me: Me);
        const int round = 0;
        h.Start();
        var block = BigBlock(200 * 1024);
        h.Feed(h.ProposalFor(round, block));
        Assert.Equal(block.Payload.Length, h.Engine.ExpectedProposalBytes);
        h.Feed(h.Valid(block));
        var armed = h.FeedAll(Others.Take(2).Select(v => h.Prevote(v, round, null)));
        var prevoteTimeout = Assert.Single(armed.OfType<ScheduleTimeout>(), t => t.Step == RoundStep.Prevote);
        Assert.Equal(TimeSpan.FromMilliseconds(200 + 2 * 200), prevoteTimeout.Duration);

        h.FeedAll(Others.Select(v => h.Precommit(v, round, null)));
        var next = h.Feed(new TimeoutFired(1, round, RoundStep.Precommit));
        var proposeTimeout = Assert.Single(next.OfType<ScheduleTimeout>(), t => t.Step == RoundStep.Propose);
        Assert.Equal(TimeSpan.FromMilliseconds(300 + 100 + 2 * 200), proposeTimeout.Duration);
    }

    [Fact]
    public void A_proposal_still_being_validated_gets_one_extension_instead_of_a_nil_prevote()
    {
        var h = new EngineHarness(Scaled, me: Me);
        h.Start();
        var block = BigBlock(50 * 1024);
        Assert.Contains(new ValidateBlock(1, block), h.Feed(h.ProposalFor(0, block)));

        var extended = h.Feed(new TimeoutFired(1, 0, RoundStep.Propose));
        Assert.Empty(extended.VotesCast());
        var extension = Assert.Single(extended.OfType<ScheduleTimeout>());
        Assert.Equal((0, RoundStep.Propose, TimeSpan.FromMilliseconds(2 * 50)), (extension.Round, extension.Step, extension.Duration));
        Assert.Equal(RoundStep.Propose, h.Engine.Step);

        // The validation answer arrives within the extension: the block is prevoted, not nil.
        Assert.Equal(block.Hash, h.Feed(h.Valid(block)).SingleVote(VoteType.Prevote).BlockHash);
    }

    [Fact]
    public void The_extension_is_granted_once_so_a_host_that_never_answers_still_prevotes_nil()
    {
        var h = new EngineHarness(Scaled, me: Me);
        h.Start();
        h.Feed(h.ProposalFor(0, BigBlock(50 * 1024)));
        h.Feed(new TimeoutFired(1, 0, RoundStep.Propose));
        var second = h.Feed(new TimeoutFired(1, 0, RoundStep.Propose));
        Assert.True(second.SingleVote(VoteType.Prevote).IsNil);
        Assert.Equal(RoundStep.Prevote, h.Engine.Step);
    }

    [Fact]
    public void Without_a_proposal_or_without_scaling_the_propose_timeout_prevotes_nil_at_once()
    {
        var noProposal = new EngineHarness(Scaled, me: Me);
        noProposal.Start();
        Assert.True(noProposal.Feed(new TimeoutFired(1, 0, RoundStep.Propose)).SingleVote(VoteType.Prevote).IsNil);

        var unscaled = new EngineHarness(me: Me);
        unscaled.Start();
        unscaled.Feed(unscaled.ProposalFor(0, BigBlock(50 * 1024)));
        Assert.True(unscaled.Feed(new TimeoutFired(1, 0, RoundStep.Propose)).SingleVote(VoteType.Prevote).IsNil);
    }

    [Fact]
    public void A_restart_replays_the_extension_from_the_wal_and_resumes_in_the_propose_step()
    {
        var h = new EngineHarness(Scaled, me: Me);
        h.Start();
        var block = BigBlock(50 * 1024);
        h.Feed(h.ProposalFor(0, block));
        h.Feed(new TimeoutFired(1, 0, RoundStep.Propose));
        // A no-op entry (a prevote timeout during the propose step) whose synced append makes the earlier ones durable.
        h.Wal.Append(new TimeoutFired(1, 0, RoundStep.Prevote), sync: true);
        h.Restart();
        Assert.Equal((0, RoundStep.Propose), (h.Engine.Round, h.Engine.Step));
        Assert.Equal(block.Hash, h.Feed(h.Valid(block)).SingleVote(VoteType.Prevote).BlockHash);
    }
}
