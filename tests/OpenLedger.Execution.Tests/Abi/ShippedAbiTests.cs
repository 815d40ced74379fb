using System.Reflection;
using OpenLedger.Core.Abi;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;
using Xunit;

namespace OpenLedger.Execution.Tests.Abi;

/// <summary>
/// docs/abi/*.json must be exactly what the modules dispatch on. To regenerate after changing a module, run the
/// tests with OL_WRITE_ABI=1.
/// </summary>
public sealed class ShippedAbiTests
{
    public static TheoryData<string> Modules => new() { "staking", "datanets", "models", "governance" };

    private static SystemModuleBase Create(string name) => name switch
    {
        "staking" => new StakingModule(),
        "datanets" => new DatanetsModule(),
        "models" => new ModelsModule(),
        _ => new GovernanceModule(),
    };

    /// <summary>
    /// docs/abi of the checkout the tests were built from (recorded by tests/Directory.Build.props; not
    /// [CallerFilePath], which CI builds map to "/_/").
    /// </summary>
    private static string AbiPath(string name)
    {
        var root = typeof(ShippedAbiTests).Assembly.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>()
            .First(a => a.Key == "RepositoryRoot").Value!;
        return Path.Combine(root, "docs", "abi", name + ".json");
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Shipped_json_abi_equals_the_generated_one(string name)
    {
        var generated = AbiJson.Serialize(Create(name).Abi);
        var path = AbiPath(name);
        if (Environment.GetEnvironmentVariable("OL_WRITE_ABI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
        }
        Assert.True(File.Exists(path), $"{path} is missing; run the tests with OL_WRITE_ABI=1 to generate it");
        Assert.Equal(generated, File.ReadAllText(path));
        // And it reads back to the same selectors and event topics.
        var parsed = AbiJson.Parse(File.ReadAllText(path));
        Assert.Equal(Create(name).Abi.Functions.Select(f => f.Signature), parsed.Functions.Select(f => f.Signature));
        Assert.Equal(Create(name).Abi.Events.Select(e => e.Topic0), parsed.Events.Select(e => e.Topic0));
    }

    [Fact]
    public void Calls_with_value_to_views_or_unknown_selectors_revert_with_reasons()
    {
        var c = new Support.TestChain().Start();
        var error = Assert.Throws<OpenLedger.Execution.Modules.ModuleRevertException>(() => c.Models.Call(new OpenLedger.Execution.Modules.ModuleCall
        {
            Block = c.Block, Caller = c[0], Value = 0, Data = new byte[] { 1, 2, 3, 4 }, IsStatic = false, State = c.State,
            Gas = new OpenLedger.Execution.Gas.GasMeter(1_000_000), Logs = new(), Modules = c.Registry,
        }));
        Assert.Equal("Models module has no function with selector 0x01020304", error.Reason);
        Assert.Equal("claim is not payable: send no value (got 1 OPEN)", c.Fails(c[0], c.Models, "claim", OpenLedger.Core.Types.Wei.PerOpen));
        Assert.Contains("read-only", Assert.Throws<OpenLedger.Execution.Modules.ModuleRevertException>(
            () => c.View(c.Datanets, "createDatanet", "x", "", (byte)0, true)).Reason);
    }

    [Fact]
    public void Economy_registry_runs_staking_first_and_every_module_is_solvent_after_a_block()
    {
        var registry = EconomyModules.CreateRegistry();
        Assert.Equal(["Staking", "Datanets", "Models", "Governance"], registry.All.Select(m => m.Name));
        Assert.Equal(4, EconomyModules.Accounted(registry).Count());
        var e = new Support.Economy();
        foreach (var module in e.Chain.AccountedModules) Assert.Null(SupplyAudit.CheckSolvency(e.Chain.State, module));
        e.Chain.State.AddBalance(OpenLedger.Execution.SystemAddresses.Models, 1);
        Assert.Equal("Models module holds", SupplyAudit.CheckSolvency(e.Chain.State, e.Chain.Models)![..19]);
    }

    [Fact]
    public void Every_view_answers_with_its_declared_outputs()
    {
        var e = new Support.Economy();
        var c = e.Chain;
        var request = e.Request(OpenLedger.Core.Types.Wei.PerOpen / 100);
        e.Settle(request, 1500, 700, [1, 2, 3], [3, 3, 1]);
        c.Tx(e.Challenger, c.Models, "challenge", c.Params.ChallengeBond, Support.TestChain.N(request), Support.Economy.Hash("e"), (byte)0);
        c.Tx(e.Delegator, c.Staking, "delegate", OpenLedger.Core.Types.Wei.FromOpen(10), e.Validators[0]);
        c.Tx(e.Delegator, c.Staking, "undelegate", e.Validators[0], (System.Numerics.BigInteger)OpenLedger.Core.Types.Wei.FromOpen(4));
        c.Tx(e.Requester, c.Governance, "propose", c.Params.ProposalDeposit,
            new object[] { ParameterStore.EncodeChange("EpochLength", AbiCodec.Encode([AbiType.Parse("uint64")], [7ul])) }, "d");
        var one = Support.TestChain.N(1);
        var views = new (SystemModuleBase Module, string Function, object[] Args)[]
        {
            (c.Staking, "getValidator", [e.Validators[0]]), (c.Staking, "getDelegation", [e.Validators[0], e.Delegator]),
            (c.Staking, "getActiveSet", []), (c.Staking, "getUnbondings", [e.Delegator]), (c.Staking, "totalBonded", []),
            (c.Datanets, "getDatanet", [one]), (c.Datanets, "getVersionRoot", [one, 1ul]), (c.Datanets, "isCurator", [one, e.DataOwner]),
            (c.Datanets, "getContribution", [one]), (c.Datanets, "contributorTotals", [e.Contributors[0]]),
            (c.Models, "getModel", [one]), (c.Models, "getInference", [one]), (c.Models, "getChallenge", [one]),
            (c.Models, "earnings", [e.Contributors[0]]), (c.Models, "quoteFee", [one, 1500u, 700u]), (c.Models, "attributionPot", []),
            (c.Governance, "getProposal", [one]), (c.Governance, "getParameter", ["EmissionPhases"]), (c.Governance, "parameterNames", []),
        };
        foreach (var (module, function, args) in views)
        {
            var abi = module.Abi.GetFunction(function);
            Assert.True(abi.IsReadOnly, $"{function} should be a view");
            var result = c.View(module, function, args);
            Assert.Equal(abi.Outputs.Count, result.Length);
        }
        Assert.Equal(new System.Numerics.BigInteger(8_200_000_000_000_000), c.View(c.Models, "quoteFee", one, 1500u, 700u)[0]);
        Assert.Equal(e.Contributors[0], c.View(c.Datanets, "getContribution", one)[1]);
        Assert.Equal((System.Numerics.BigInteger)OpenLedger.Core.Types.Wei.FromOpen(6), c.View(c.Staking, "getDelegation", e.Validators[0], e.Delegator)[1]);
    }
}
