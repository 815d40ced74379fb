using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Execution.Tests.Gas;

/// <summary>The module gas of typical calls stays within the bounds docs/gas.md publishes (measured values there).</summary>
public sealed class GasScheduleTests(ITestOutputHelper output)
{
    [Fact]
    public void Typical_calls_cost_what_docs_gas_md_says()
    {
        var e = new Economy();
        var c = e.Chain;
        var measured = new List<(string Call, ulong Gas, ulong Bound)>();
        void Measure(string call, ulong bound, Action action)
        {
            action();
            measured.Add((call, c.LastGasUsed, bound));
        }

        Measure("createDatanet", 150_000, () => c.Tx(e.DataOwner, c.Datanets, "createDatanet", "d", "ipfs://d", (byte)0, true));
        Measure("contribute", 200_000, () => c.Tx(e.Contributors[0], c.Datanets, "contribute", c.Params.ContributionBond, TestChain.N(3), Economy.Hash("g"), 100ul, "ipfs://g"));
        Measure("review (approve)", 250_000, () => c.Tx(e.DataOwner, c.Datanets, "review(uint256,bool,uint16)", TestChain.N(5), true, (ushort)1));
        Measure("registerModel", 250_000, () => e.RegisterModel(e.AdapterOwner, 1_000, 0, [1], [1, 2, 3], [5000, 3000, 2000]));
        ulong request = 0;
        Measure("requestInference", 200_000, () => request = e.Request(Wei.PerOpen / 100));
        Measure("settleInference (3 contributions)", 400_000, () => e.Settle(request, 1500, 700, [1, 2, 3], [3, 3, 1]));
        Measure("challenge", 200_000, () => c.Tx(e.Challenger, c.Models, "challenge", c.Params.ChallengeBond, TestChain.N(request), Economy.Hash("ev"), (byte)0));
        Measure("voteChallenge", 100_000, () => c.Tx(e.Validators[0], c.Models, "voteChallenge", TestChain.N(1), true));
        Measure("delegate", 200_000, () => c.Tx(e.Delegator, c.Staking, "delegate", Wei.FromOpen(100), e.Validators[0]));
        Measure("undelegate", 300_000, () => c.Tx(e.Delegator, c.Staking, "undelegate", e.Validators[0], (BigInteger)Wei.FromOpen(50)));
        Measure("redelegate", 400_000, () => c.Tx(e.Delegator, c.Staking, "redelegate", e.Validators[0], e.Validators[1], (BigInteger)Wei.FromOpen(20)));
        Measure("withdrawRewards", 100_000, () => c.Tx(e.Validators[0], c.Staking, "withdrawRewards", e.Validators[0]));
        c.MineUntil(c.Height + 30);
        Measure("claim", 100_000, () => c.Tx(e.ModelOwner, c.Models, "claim"));
        foreach (var (call, gas, bound) in measured)
        {
            output.WriteLine($"{call}: {gas}");
            Assert.True(gas <= bound, $"{call} used {gas} gas, above the documented bound {bound}");
            Assert.True(gas >= 2_100, $"{call} used only {gas} gas: it must pay for its reads");
        }
    }
}
