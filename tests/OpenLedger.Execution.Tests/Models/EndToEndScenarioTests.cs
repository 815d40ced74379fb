using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Models;

/// <summary>
/// The end-to-end scenario, hand-computed in docs/economics.md §9 example 8: one datanet with three
/// contributors, a base model and a LoRA adapter, twenty inferences settled with influence lists, one challenge
/// upheld by validator vote, and everyone's claims.
/// </summary>
public sealed class EndToEndScenarioTests
{
    [Fact]
    public void Twenty_inferences_one_upheld_challenge_and_claims_match_the_hand_computation()
    {
        var e = new Economy(); // epoch length 1,000: no attribution emission inside this scenario
        var c = e.Chain;
        c.Tx(e.ModelOwner, c.Models, "setAdapterRoyalty", TestChain.N(Economy.ModelId), (ushort)2_000);
        var adapter = e.RegisterModel(e.AdapterOwner, 1_000, Economy.ModelId, [1], [], []);

        var start = new Dictionary<Address, UInt128>();
        foreach (var a in c.Accounts.Append(SystemAddresses.Treasury).Append(SystemAddresses.Burn)) start[a] = c.Balance(a);
        var maxFee = Wei.PerOpen / 100;
        var requests = new List<ulong>();
        for (var i = 1; i <= 20; i++)
        {
            var model = i <= 10 ? Economy.ModelId : adapter;
            var request = e.Request(maxFee, model);
            ulong[] influence = i % 2 == 1 ? [2, 1, 1] : [1, 1, 1];
            var fee = e.Settle(request, 1000, 500, [1, 2, 3], influence, i <= 10 ? e.ModelOwner : e.AdapterOwner);
            Assert.Equal((UInt128)6_000_000_000_000_000, fee); // floor((1000×0.002 + 500×0.006)/1000 OPEN)… = 0.005 + 0.001
            requests.Add(request);
        }
        var challenge = (ulong)(BigInteger)c.Tx(e.Challenger, c.Models, "challenge", c.Params.ChallengeBond, TestChain.N(requests[0]), Economy.Hash("bad"), (byte)0)[0];
        foreach (var v in e.Validators) c.Tx(v, c.Models, "voteChallenge", TestChain.N(challenge), true);
        c.MineUntil(c.Height + 25);
        Assert.Equal(ChallengeStatus.Upheld, ModelsModule.GetChallenge(c.State, challenge)!.Status);

        UInt128 Claim(Address who)
        {
            var before = c.Balance(who);
            c.Tx(who, c.Models, "claim");
            return c.Balance(who) - before;
        }
        // Hand computation (docs/economics.md §9, example 8).
        Assert.Equal((UInt128)19_583_333_333_333_330, Claim(e.Contributors[0]));
        Assert.Equal((UInt128)13_958_333_333_333_330, Claim(e.Contributors[1]));
        Assert.Equal((UInt128)13_958_333_333_333_330, Claim(e.Contributors[2]));
        Assert.Equal((UInt128)22_000_000_000_000_000, Claim(e.ModelOwner));
        Assert.Equal((UInt128)16_000_000_000_000_000, Claim(e.AdapterOwner));
        Assert.Equal(Wei.FromOpen(200), Claim(e.Challenger)); // bond back + half of the 200 OPEN slash
        Assert.Equal(start[e.Challenger] + Wei.FromOpen(100), c.Balance(e.Challenger));
        Assert.Equal(start[e.Requester] - 19 * (UInt128)6_000_000_000_000_000, c.Balance(e.Requester));
        Assert.Equal(start[SystemAddresses.Burn] + Wei.FromOpen(100), c.Balance(SystemAddresses.Burn));
        Assert.Equal(Wei.FromOpen(1_800), ModelsModule.GetModel(c.State, Economy.ModelId)!.Stake);
        // 19 platform fees + 10 wei of split dust; + 1 wei from splitting 6 OPEN + 19 staker shares 3:2:1 by power.
        Assert.Equal(19 * (UInt128)1_000_000_000_000_000 + 10 + 1, c.Balance(SystemAddresses.Treasury) - start[SystemAddresses.Treasury]);
        Assert.Equal((UInt128)0, c.Models.GetLiabilities(c.State)["claimable"]);
    }
}
