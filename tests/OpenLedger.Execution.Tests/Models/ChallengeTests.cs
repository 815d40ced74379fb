using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Models;

public sealed class ChallengeTests
{
    private static readonly UInt128 MilliOpen = Wei.PerOpen / 1000;

    private static (Economy E, ulong Request, ulong SettledAt) Settled()
    {
        var e = new Economy();
        var request = e.Request(10 * MilliOpen);
        e.Settle(request, 1500, 700, [1, 2, 3], [3, 3, 1]);
        return (e, request, e.Chain.Height);
    }

    private static ulong Challenge(Economy e, ulong request, byte reason = 0) =>
        (ulong)(BigInteger)e.Chain.Tx(e.Challenger, e.Chain.Models, "challenge", e.Chain.Params.ChallengeBond, TestChain.N(request), Economy.Hash("evidence"), reason)[0];

    [Fact]
    public void A_challenge_after_the_window_is_refused()
    {
        var (e, request, settledAt) = Settled();
        var c = e.Chain;
        c.MineUntil(settledAt + c.Params.ChallengeWindowBlocks + 1);
        var reason = c.Fails(e.Challenger, c.Models, "challenge", c.Params.ChallengeBond, TestChain.N(request), Economy.Hash("late"), (byte)0);
        Assert.Equal($"the challenge window of request {request} closed at block {settledAt + c.Params.ChallengeWindowBlocks}", reason);
    }

    [Fact]
    public void A_challenge_in_the_last_block_of_the_window_holds_the_fee_until_resolved()
    {
        var (e, request, settledAt) = Settled();
        var c = e.Chain;
        c.MineUntil(settledAt + c.Params.ChallengeWindowBlocks);
        var id = Challenge(e, request);
        c.Mine();
        Assert.Equal(InferenceStatus.Settled, ModelsModule.GetRequest(c.State, request)!.Status); // held by the challenge
        Assert.Contains("closed at block", c.Fails(e.Challenger, c.Models, "challenge", c.Params.ChallengeBond, TestChain.N(request), Economy.Hash("x"), (byte)0));
        // No votes: no quorum, the bond goes to the model owner and the fee is released.
        c.MineUntil(ModelsModule.GetChallenge(c.State, id)!.VoteEnd + 1);
        Assert.Equal(ChallengeStatus.NoQuorum, ModelsModule.GetChallenge(c.State, id)!.Status);
        Assert.Equal(InferenceStatus.Final, ModelsModule.GetRequest(c.State, request)!.Status);
        var owner = ModelsModule.GetEarnings(c.State, e.ModelOwner);
        Assert.Equal(c.Params.ChallengeBond + 2_880_000_000_000_000, owner.Claimable);
    }

    [Fact]
    public void Upheld_challenge_slashes_a_withdrawing_model_refunds_the_fee_and_rewards_the_challenger()
    {
        var e = new Economy();
        var c = e.Chain;
        // Model 1 has 2,000 OPEN; 500 start leaving, 1,500 stay active.
        c.Tx(e.ModelOwner, c.Models, "withdrawStake", TestChain.N(Economy.ModelId), (BigInteger)Wei.FromOpen(500));
        var withdrawAt = ModelsModule.GetModel(c.State, Economy.ModelId)!.WithdrawAt;
        var requesterBefore = c.Balance(e.Requester);
        var request = e.Request(10 * MilliOpen);
        e.Settle(request, 1500, 700, [1, 2, 3], [3, 3, 1]);
        var challengerBefore = c.Balance(e.Challenger);
        var burnBefore = c.Balance(SystemAddresses.Burn);
        var id = Challenge(e, request);
        foreach (var validator in e.Validators.Take(2)) c.Tx(validator, c.Models, "voteChallenge", TestChain.N(id), true);
        c.Tx(e.Validators[2], c.Models, "voteChallenge", TestChain.N(id), false);
        Assert.Contains("already voted", c.Fails(e.Validators[0], c.Models, "voteChallenge", TestChain.N(id), true));
        Assert.Contains("not the operator of an active validator", c.Fails(e.Requester, c.Models, "voteChallenge", TestChain.N(id), true));
        c.MineUntil(ModelsModule.GetChallenge(c.State, id)!.VoteEnd + 1);

        var challenge = ModelsModule.GetChallenge(c.State, id)!;
        Assert.Equal(ChallengeStatus.Upheld, challenge.Status); // all 60,000 of power voted (> 2/3), 50,000 of it to uphold
        // 10% of 1,500 active + 10% of 500 withdrawing = 200 OPEN; half to the challenger, half burned.
        Assert.Equal(Wei.FromOpen(200), challenge.Slashed);
        var model = ModelsModule.GetModel(c.State, Economy.ModelId)!;
        Assert.Equal(Wei.FromOpen(1_350), model.Stake);
        Assert.Equal(Wei.FromOpen(450), model.Withdrawing);
        Assert.Equal((UInt128)0, model.FeesInFlight);
        Assert.Equal(1ul, model.UpheldChallenges);
        Assert.Equal(burnBefore + Wei.FromOpen(100), c.Balance(SystemAddresses.Burn));
        Assert.Equal(requesterBefore, c.Balance(e.Requester)); // fee refunded in full
        Assert.Equal(InferenceStatus.Refunded, ModelsModule.GetRequest(c.State, request)!.Status);
        Assert.Equal((UInt128)0, ModelsModule.GetEarnings(c.State, e.Contributors[0]).Locked);
        c.Tx(e.Challenger, c.Models, "claim");
        Assert.Equal(challengerBefore + Wei.FromOpen(100), c.Balance(e.Challenger)); // bond 100 back + 100 reward, bond paid earlier

        // The withdrawal still completes, minus its slash.
        var ownerBefore = c.Balance(e.ModelOwner);
        c.MineUntil(withdrawAt + 1);
        Assert.Equal(ownerBefore + Wei.FromOpen(450), c.Balance(e.ModelOwner));
        Assert.Equal((UInt128)0, ModelsModule.GetModel(c.State, Economy.ModelId)!.Withdrawing);
    }

    [Fact]
    public void Harmful_output_is_slashed_thirty_percent_and_three_upheld_challenges_suspend()
    {
        var e = new Economy();
        var c = e.Chain;
        // 2,000 → 1,800 → 1,620 (10% for incorrect output) → 1,134 (30% for harmful output).
        var expected = new[] { Wei.FromOpen(1_800), Wei.FromOpen(1_620), Wei.FromOpen(1_134) };
        byte[] reasons = [0, 1, 2];
        for (var round = 0; round < 3; round++)
        {
            var request = e.Request(10 * MilliOpen);
            e.Settle(request, 10, 10, [], []);
            var id = Challenge(e, request, reasons[round]);
            foreach (var validator in e.Validators) c.Tx(validator, c.Models, "voteChallenge", TestChain.N(id), true);
            c.MineUntil(ModelsModule.GetChallenge(c.State, id)!.VoteEnd + 1);
            Assert.Equal(expected[round], ModelsModule.GetModel(c.State, Economy.ModelId)!.Stake);
        }
        var model = ModelsModule.GetModel(c.State, Economy.ModelId)!;
        Assert.True(model.Suspended);
        Assert.Equal(3ul, model.UpheldChallenges);
        Assert.Equal("model 1 is suspended after 3 upheld challenges",
            c.Fails(e.Requester, c.Models, "requestInference", 10 * MilliOpen, TestChain.N(1), Economy.Hash("again")));
    }

    [Fact]
    public void Rejected_challenge_pays_the_bond_to_the_model_owner()
    {
        var (e, request, _) = Settled();
        var c = e.Chain;
        var id = Challenge(e, request);
        foreach (var validator in e.Validators) c.Tx(validator, c.Models, "voteChallenge", TestChain.N(id), false);
        c.MineUntil(ModelsModule.GetChallenge(c.State, id)!.VoteEnd + 1);
        Assert.Equal(ChallengeStatus.Rejected, ModelsModule.GetChallenge(c.State, id)!.Status);
        Assert.Equal(c.Params.ChallengeBond, ModelsModule.GetEarnings(c.State, e.ModelOwner).ChallengeEarned);
        Assert.Equal(Wei.FromOpen(2_000), ModelsModule.GetModel(c.State, Economy.ModelId)!.Stake);
    }

    [Fact]
    public void Challenge_bond_must_be_exact_and_reason_known()
    {
        var (e, request, _) = Settled();
        var c = e.Chain;
        Assert.Equal("a challenge needs a bond of exactly 100 OPEN (sent 99 OPEN)",
            c.Fails(e.Challenger, c.Models, "challenge", Wei.FromOpen(99), TestChain.N(request), Economy.Hash("e"), (byte)0));
        Assert.Contains("challenge reason 7 is unknown",
            c.Fails(e.Challenger, c.Models, "challenge", c.Params.ChallengeBond, TestChain.N(request), Economy.Hash("e"), (byte)7));
    }
}
