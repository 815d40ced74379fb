using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Properties;

/// <summary>
/// Seeded random sequences of every module operation across many accounts. The chain audits the supply after
/// every block (Σ balances = genesis supply, each module's balance = its liabilities); here we also check that
/// no request paid out more than its escrow and that replaying a seed gives identical state roots.
/// </summary>
public sealed class RandomOperationsTests
{
    private static readonly ChainParameters FastParameters = new()
    {
        EpochLength = 10, ChallengeWindowBlocks = 4, ChallengeVotePeriodBlocks = 3, UnbondingPeriodBlocks = 6,
        VotingPeriodBlocks = 5, TimelockBlocks = 2, DowntimeWindowBlocks = 8, DowntimeJailMs = 2_000,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_operations_keep_every_invariant_and_replay_identically(int seed)
    {
        var (roots, stats) = Run(seed, steps: 400);
        var (replayed, _) = Run(seed, steps: 400);
        Assert.Equal(roots, replayed);
        Assert.True(stats.Succeeded["settle"] >= 8 && stats.Succeeded["challenge"] >= 1, $"too few settlements to be meaningful: {Describe(stats)}");
        Assert.True(stats.Succeeded["contribute"] >= 5, Describe(stats));
        Assert.True(stats.Succeeded["delegate"] >= 3, Describe(stats));
        Assert.True(stats.Reverted > 0, Describe(stats));
    }

    private sealed class Stats
    {
        public Dictionary<string, int> Succeeded { get; } = new();
        public int Reverted { get; set; }
    }

    private static string Describe(Stats s) => string.Join(", ", s.Succeeded.Select(p => $"{p.Key} {p.Value}")) + $", reverted {s.Reverted}";

    private static (List<Hash256> Roots, Stats Stats) Run(int seed, int steps)
    {
        var rng = new Random(seed);
        var e = new Economy(FastParameters);
        var c = e.Chain;
        var stats = new Stats();
        foreach (var name in new[] { "contribute", "review", "request", "settle", "challenge", "vote", "claim", "delegate", "undelegate",
                     "withdrawRewards", "stake", "propose", "govVote", "adapter", "unjail" })
            stats.Succeeded[name] = 0;
        var roots = new List<Hash256>();
        Address Anyone() => c.Accounts[rng.Next(c.Accounts.Count)];
        UInt128 Amount(ulong maxOpenMilli) => Wei.PerOpen / 1000 * (ulong)rng.Next(1, (int)maxOpenMilli);
        object[] Ids(IEnumerable<ulong> ids) => ids.Select(i => (object)TestChain.N(i)).ToArray();

        for (var step = 0; step < steps; step++)
        {
            var op = rng.Next(15);
            string name = "";
            try
            {
                switch (op)
                {
                    case 0:
                        name = "contribute";
                        c.Tx(Anyone(), c.Datanets, "contribute", c.Params.ContributionBond, TestChain.N((ulong)rng.Next(1, 3)),
                            Economy.Hash($"{seed}-{step}"), (ulong)rng.Next(1, 4_000_000), "u");
                        break;
                    case 1:
                        name = "review";
                        var id = (ulong)rng.Next(1, (int)new ModuleStore(c.State, SystemAddresses.Datanets, null, true).LastId("contribution") + 2);
                        c.Tx(e.DataOwner, c.Datanets, "review(uint256,bool,uint16,bool)", TestChain.N(id), rng.Next(3) > 0, (ushort)rng.Next(10_001), rng.Next(4) == 0);
                        break;
                    case 2:
                        name = "request";
                        e.Request(c.Params.PlatformFee + Amount(50), (ulong)rng.Next(1, 3), Anyone());
                        break;
                    case 3:
                    {
                        name = "settle";
                        var pending = Requests(c).Where(r => r.Status == InferenceStatus.Pending).ToList();
                        var request = pending.Count == 0 ? (ulong)rng.Next(1, 5) : pending[rng.Next(pending.Count)].Id;
                        var model = ModelsModule.GetRequest(c.State, request) is { } r ? ModelsModule.GetModel(c.State, r.ModelId) : null;
                        List<ulong> eligible = model is null ? [] : Enumerable.Range(1, (int)LastId(c, SystemAddresses.Datanets, "contribution"))
                            .Select(i => DatanetsModule.GetContribution(c.State, (ulong)i)!)
                            .Where(x => x.Status == ContributionStatus.Approved && model.DatanetIds.Contains(x.DatanetId)).Select(x => x.Id).ToList();
                        List<ulong> contributions = rng.Next(3) == 0 ? [] : eligible.Where(_ => rng.Next(2) == 0).ToList();
                        if (rng.Next(8) == 0) contributions.Add((ulong)rng.Next(1, 30)); // sometimes an ineligible one
                        contributions = contributions.Distinct().ToList();
                        c.Tx(model?.Owner ?? e.ModelOwner, c.Models, "settleInference", TestChain.N(request), (uint)rng.Next(0, 5_000), (uint)rng.Next(0, 5_000),
                            Economy.Hash("out"), Ids(contributions), contributions.Select(_ => (object)new BigInteger(rng.Next(0, 100))).ToArray());
                        break;
                    }
                    case 4:
                    {
                        name = "challenge";
                        var settled = Requests(c).Where(r => r.Status == InferenceStatus.Settled).ToList();
                        var request = settled.Count == 0 ? (ulong)rng.Next(1, 5) : settled[rng.Next(settled.Count)].Id;
                        c.Tx(Anyone(), c.Models, "challenge", c.Params.ChallengeBond, TestChain.N(request), Economy.Hash("ev"), (byte)rng.Next(3));
                        break;
                    }
                    case 5:
                        name = "vote";
                        c.Tx(e.Validators[rng.Next(3)], c.Models, "voteChallenge", TestChain.N((ulong)rng.Next(1, (int)LastId(c, SystemAddresses.Models, "challenge") + 2)), rng.Next(3) > 0);
                        break;
                    case 6:
                        name = "claim";
                        c.Tx(Anyone(), c.Models, "claim");
                        break;
                    case 7:
                        name = "delegate";
                        c.Tx(Anyone(), c.Staking, "delegate", Amount(5_000_000), e.Validators[rng.Next(3)]);
                        break;
                    case 8:
                        name = "undelegate";
                        c.Tx(Anyone(), c.Staking, "undelegate", e.Validators[rng.Next(3)], (BigInteger)Amount(3_000_000));
                        break;
                    case 9:
                        name = "withdrawRewards";
                        c.Tx(Anyone(), c.Staking, "withdrawRewards", e.Validators[rng.Next(3)]);
                        break;
                    case 10:
                        name = "stake";
                        if (rng.Next(2) == 0) c.Tx(e.ModelOwner, c.Models, "addStake", Amount(500_000), TestChain.N(1));
                        else c.Tx(e.ModelOwner, c.Models, "withdrawStake", TestChain.N(1), (BigInteger)Amount(800_000));
                        break;
                    case 11:
                        name = "propose";
                        var change = rng.Next(3) switch
                        {
                            0 => ParameterStore.EncodeChange("ChallengeWindowBlocks", AbiCodec.Encode([AbiType.Parse("uint64")], [(ulong)rng.Next(1, 8)])),
                            1 => ParameterStore.EncodeChange("PlatformFee", AbiCodec.Encode([AbiType.UInt256], [(BigInteger)Amount(5)])),
                            _ => ParameterStore.EncodeChange("EpochLength", AbiCodec.Encode([AbiType.Parse("uint64")], [(ulong)rng.Next(1, 15)])),
                        };
                        c.Tx(Anyone(), c.Governance, "propose", c.Params.ProposalDeposit, new object[] { change }, "random");
                        break;
                    case 12:
                        name = "govVote";
                        c.Tx(rng.Next(2) == 0 ? e.Validators[rng.Next(3)] : Anyone(), c.Governance, "vote", TestChain.N((ulong)rng.Next(1, 6)), (byte)rng.Next(1, 5));
                        break;
                    case 13:
                        name = "adapter";
                        e.RegisterModel(e.AdapterOwner, 1_000, 1, [1, 2], [], []);
                        break;
                    default:
                        name = "unjail";
                        c.Tx(e.Validators[rng.Next(3)], c.Staking, "unjail");
                        break;
                }
                stats.Succeeded[name]++;
            }
            catch (ModuleRevertException)
            {
                stats.Reverted++;
            }

            if (rng.Next(3) == 0)
            {
                // Sometimes a validator misses blocks, rarely one double-signs.
                c.NextSigners = rng.Next(6) == 0 ? c.ActiveSet.Validators.Skip(1).Select(v => v.ConsensusAddress).ToList() : null;
                if (rng.Next(60) == 0 && c.ActiveSet.Count > 1)
                {
                    var victim = c.ActiveSet.Validators[rng.Next(c.ActiveSet.Count)].ConsensusAddress;
                    Vote V(string b) => new() { Type = VoteType.Prevote, Height = c.Height, Round = 0, BlockHash = new Hash256(Economy.Hash(b)), Validator = victim, Signature = new byte[65] };
                    c.NextEvidence.Add(new DuplicateVoteEvidence(V("x"), V("y")));
                }
                roots.Add(c.Mine()); // audits the supply
            }
        }
        roots.Add(c.Mine());
        CheckEscrows(c);
        return (roots, stats);
    }

    private static ulong LastId(TestChain c, Address module, string counter) => new ModuleStore(c.State, module, null, true).LastId(counter);

    private static IEnumerable<InferenceRequest> Requests(TestChain c)
    {
        var last = LastId(c, SystemAddresses.Models, "request");
        for (ulong id = 1; id <= last; id++) yield return ModelsModule.GetRequest(c.State, id)!;
    }

    /// <summary>No request ever paid out more than its escrow; every settled fee is split exactly.</summary>
    private static void CheckEscrows(TestChain c)
    {
        var store = new ModuleStore(c.State, SystemAddresses.Models, null, true);
        var last = store.LastId("request");
        for (ulong id = 1; id <= last; id++)
        {
            var r = ModelsModule.GetRequest(c.State, id)!;
            Assert.True(r.Fee <= r.MaxFee, $"request {id}: fee {r.Fee} > maxFee {r.MaxFee}");
            if (r.Status is InferenceStatus.Settled or InferenceStatus.Final or InferenceStatus.Refunded)
            {
                UInt128 parts = r.PlatformFee + r.StakerShare + r.Dust;
                foreach (var amount in r.Amounts) parts += amount;
                Assert.Equal(r.Fee, parts);
            }
            else Assert.Equal((UInt128)0, r.Fee);
        }
    }
}
