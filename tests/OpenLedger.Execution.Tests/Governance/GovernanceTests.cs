using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Governance;

public sealed class GovernanceTests
{
    private static byte[] Change(string name, string type, object value) =>
        ParameterStore.EncodeChange(name, AbiCodec.Encode([AbiType.Parse(type)], [value]));

    private static ulong Propose(TestChain c, Address from, params byte[][] changes) =>
        (ulong)(BigInteger)c.Tx(from, c.Governance, "propose", c.Params.ProposalDeposit, changes.Cast<object>().ToArray(), "change things")[0];

    private static void Vote(TestChain c, Address voter, ulong id, VoteOption option) =>
        c.Tx(voter, c.Governance, "vote", TestChain.N(id), (byte)option);

    [Fact]
    public void Passed_proposal_changes_the_challenge_window_mid_epoch_after_the_timelock()
    {
        var e = new Economy(new ChainParameters { EpochLength = 20 });
        var c = e.Chain;
        var proposerBefore = c.Balance(e.Requester);
        var id = Propose(c, e.Requester, Change("ChallengeWindowBlocks", "uint64", 5ul));
        Assert.Equal(proposerBefore - Wei.FromOpen(100), c.Balance(e.Requester));
        var proposal = GovernanceModule.GetProposal(c.State, id)!;
        Vote(c, e.Validators[0], id, VoteOption.Yes);
        Vote(c, e.Validators[1], id, VoteOption.Yes);
        c.MineUntil(proposal.VotingEnd + 1);
        proposal = GovernanceModule.GetProposal(c.State, id)!;
        Assert.Equal(ProposalStatus.Queued, proposal.Status);
        Assert.Equal(proposerBefore, c.Balance(e.Requester)); // deposit back
        Assert.Equal(proposal.VotingEnd + c.Params.TimelockBlocks, proposal.ExecuteAt);

        // Settled before execution: the old 20-block window, fixed at settlement.
        var before = e.Request(Wei.PerOpen / 100);
        e.Settle(before, 10, 10, [], []);
        Assert.Equal(c.Height + 20, ModelsModule.GetRequest(c.State, before)!.UnlockAt);
        Assert.Equal(20ul, c.Params.ChallengeWindowBlocks);

        c.MineUntil(proposal.ExecuteAt + 1);
        Assert.NotEqual(0ul, c.Height % 20); // mid-epoch
        Assert.Equal(ProposalStatus.Executed, GovernanceModule.GetProposal(c.State, id)!.Status);
        Assert.Equal(5ul, c.Params.ChallengeWindowBlocks);
        Assert.Equal(5ul, ParameterStore.Load(c.State, c.Genesis).ChallengeWindowBlocks);
        Assert.Equal(AbiCodec.Encode([AbiType.Parse("uint64")], [5ul]), (byte[])c.View(c.Governance, "getParameter", "ChallengeWindowBlocks")[0]);

        var after = e.Request(Wei.PerOpen / 100);
        e.Settle(after, 10, 10, [], []);
        Assert.Equal(c.Height + 5, ModelsModule.GetRequest(c.State, after)!.UnlockAt);
        c.Mine(6);
        Assert.Equal(InferenceStatus.Final, ModelsModule.GetRequest(c.State, after)!.Status);
        Assert.Equal(InferenceStatus.Settled, ModelsModule.GetRequest(c.State, before)!.Status);
    }

    [Fact]
    public void Delegators_inherit_their_validators_vote_unless_they_vote_themselves()
    {
        var e = new Economy();
        var c = e.Chain;
        c.Tx(e.Delegator, c.Staking, "delegate", Wei.FromOpen(6_000), e.Validators[2]);
        c.Tx(e.Delegator, c.Staking, "delegate", Wei.FromOpen(3_000), e.Validators[1]);
        var id = Propose(c, e.Requester, Change("PlatformFee", "uint256", (BigInteger)(Wei.PerOpen / 500)));
        Vote(c, e.Validators[2], id, VoteOption.Yes);
        Vote(c, e.Validators[1], id, VoteOption.Abstain);
        Assert.Contains("has no bonded stake", c.Fails(e.Requester, c.Governance, "vote", TestChain.N(id), (byte)1));
        var (yes, no, abstain, veto, total) = GovernanceModule.Count(new(c.State, SystemAddresses.Governance, null, true), id);
        Assert.Equal(Wei.FromOpen(16_000), yes);     // validator 2 votes its delegator's 6,000 too
        Assert.Equal(Wei.FromOpen(23_000), abstain);
        Vote(c, e.Delegator, id, VoteOption.No);     // the delegator overrides both validators
        (yes, no, abstain, veto, total) = GovernanceModule.Count(new(c.State, SystemAddresses.Governance, null, true), id);
        Assert.Equal(Wei.FromOpen(10_000), yes);
        Assert.Equal(Wei.FromOpen(9_000), no);
        Assert.Equal(Wei.FromOpen(20_000), abstain);
        Assert.Equal((UInt128)0, veto);
        Assert.Equal(Wei.FromOpen(69_000), total);
        c.MineUntil(GovernanceModule.GetProposal(c.State, id)!.VotingEnd + 1);
        // Quorum 39,000 / 69,000 ≥ 33.4%; yes 10,000 > 50% of 19,000 non-abstain.
        Assert.Equal(ProposalStatus.Queued, GovernanceModule.GetProposal(c.State, id)!.Status);
    }

    [Fact]
    public void Veto_burns_the_deposit_and_no_quorum_returns_it()
    {
        var e = new Economy();
        var c = e.Chain;
        var vetoed = Propose(c, e.Requester, Change("ContributionBond", "uint256", (BigInteger)Wei.FromOpen(2)));
        var ignored = Propose(c, e.Challenger, Change("ContributionBond", "uint256", (BigInteger)Wei.FromOpen(3)));
        Vote(c, e.Validators[0], vetoed, VoteOption.Veto);  // 30,000 of 60,000 voting power: 50% veto
        Vote(c, e.Validators[1], vetoed, VoteOption.Yes);
        Vote(c, e.Validators[2], vetoed, VoteOption.Yes);
        Vote(c, e.Validators[2], ignored, VoteOption.Yes);  // 10,000 / 60,000 < 33.4% quorum
        var burn = c.Balance(SystemAddresses.Burn);
        var challenger = c.Balance(e.Challenger);
        c.MineUntil(GovernanceModule.GetProposal(c.State, vetoed)!.VotingEnd + 1);
        Assert.Equal(ProposalStatus.Vetoed, GovernanceModule.GetProposal(c.State, vetoed)!.Status);
        Assert.Equal(ProposalStatus.Rejected, GovernanceModule.GetProposal(c.State, ignored)!.Status);
        Assert.Equal(burn + Wei.FromOpen(100), c.Balance(SystemAddresses.Burn));
        Assert.Equal(challenger + Wei.FromOpen(100), c.Balance(e.Challenger));
        Assert.Equal(Wei.PerOpen, c.Params.ContributionBond);
    }

    [Fact]
    public void Invalid_changes_are_refused_at_propose_time()
    {
        var c = new TestChain().Start();
        string Fails(params byte[][] changes) => c.Fails(c[0], c.Governance, "propose", c.Params.ProposalDeposit, changes.Cast<object>().ToArray(), "x");
        Assert.StartsWith("invalid parameter change: unknown parameter 'ChallengeWindow'", Fails(Change("ChallengeWindow", "uint64", 5ul)));
        Assert.Equal("invalid parameter change: the chain id cannot be changed", Fails(Change("ChainId", "uint64", 1ul)));
        Assert.Equal("invalid parameter change: ModelShareBps + StakerShareBps + ContributorShareBps must be 10000 (they are 5000 + 1000 + 5000)",
            Fails(Change("ModelShareBps", "uint16", (ushort)5_000)));
        Assert.Contains("is not abi.encode(uint64)", Fails(ParameterStore.EncodeChange("EpochLength", [1, 2, 3])));
        Assert.Contains("EpochLength must be at least 1", Fails(Change("EpochLength", "uint64", 0ul)));
        Assert.Equal("a proposal needs a deposit of exactly 100 OPEN (sent 1 OPEN)",
            c.Fails(c[0], c.Governance, "propose", Wei.PerOpen, new object[] { Change("EpochLength", "uint64", 7ul) }, "x"));
        // Two changes that are only valid together are accepted together.
        Propose(c, c[0], Change("ModelShareBps", "uint16", (ushort)3_000), Change("ContributorShareBps", "uint16", (ushort)6_000));
    }

    [Fact]
    public void Every_parameter_except_chain_id_round_trips_through_its_encoding()
    {
        var p = new ChainParameters();
        Assert.DoesNotContain(ParameterDefinition.All, d => d.Name == "ChainId");
        Assert.Equal(typeof(ChainParameters).GetProperties().Count(x => x.CanWrite) - 1, ParameterDefinition.All.Count);
        foreach (var definition in ParameterDefinition.All)
        {
            var encoded = definition.Encode(p);
            var applied = definition.Apply(new ChainParameters { ChainId = 7 }, encoded);
            Assert.Equal(encoded, definition.Encode(applied));
        }
        var phases = ParameterDefinition.Find("EmissionPhases")!.Apply(p, ParameterDefinition.Find("EmissionPhases")!.Encode(p));
        Assert.Equal(p.EmissionPhases, phases.EmissionPhases);
    }

    [Fact]
    public void Changing_the_epoch_length_mid_epoch_moves_the_next_boundary()
    {
        var c = new TestChain();
        c.AddGenesisValidator(c[0], 10_000);
        c.Start();
        var id = Propose(c, c[1], Change("EpochLength", "uint64", 7ul));
        Vote(c, c[0], id, VoteOption.Yes);
        var executeAt = GovernanceModule.GetProposal(c.State, id)!.VotingEnd + c.Params.TimelockBlocks; // 51
        c.MineUntil(executeAt + 13);
        var boundaries = c.Events(c.Staking, "ActiveSetUpdated").Select(x => (ulong)(BigInteger)x[0]).ToList();
        // 20 and 40 under the old length; after the change at 51, 56 and 63 (multiples of 7).
        Assert.Equal(new ulong[] { 20, 40, 56, 63 }, boundaries);
    }
}
