using OpenLedger.Chain.Tests.Support;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.State;
using Xunit;

namespace OpenLedger.Chain.Tests.Chain;

/// <summary>The chain with SPEC §4's modules: genesis bonding, emission from the reserve, and the full supply audit every block.</summary>
public class ModulesOnChainTests
{
    private static ModuleRegistry Modules() =>
        new([new StakingModule(), new DatanetsModule(), new ModelsModule(), new GovernanceModule()]);

    [Fact]
    public void GenesisBondsTheValidator_EmissionComesFromTheReserve_AndTheAuditHoldsEveryBlock()
    {
        var modules = Modules();
        using var t = new TestChain(modules: modules);
        Assert.Equal(Wei.FromOpen(10_000), t.Balance(SystemAddresses.Staking));
        Assert.Equal(Wei.FromOpen(10_000), t.Chain.Validators.TotalPower);

        var reserveAtGenesis = t.Balance(SystemAddresses.RewardReserve);
        const int blocks = 12;
        for (var i = 0; i < blocks; i++)
        {
            t.Submit(t.Transfer(TestChain.Users[i % TestChain.Users.Length], TestChain.Users[(i + 1) % TestChain.Users.Length].Address, Wei.FromOpen(1)));
            t.ProduceBlock();
            AssertFullAudit(t, modules);
        }

        // Every block pays the phase's 10 OPEN out of the reserve (60% validators, 40% attribution), except that
        // block 1 has no signers of its parent (genesis has no commit), so its 6 OPEN validator share stays put.
        Assert.Equal(reserveAtGenesis - blocks * Wei.FromOpen(10) + Wei.FromOpen(6), t.Balance(SystemAddresses.RewardReserve));
        var validator = StakingModule.GetValidator(new WorldState(t.Chain.StateAt()), TestChain.ValidatorOperator.Address)!;
        Assert.True(validator.Commission > 0, "the operator earned commission from the validator share of emission");
    }

    private static void AssertFullAudit(TestChain t, ModuleRegistry modules)
    {
        var ok = OpenLedger.Execution.Chain.SupplyAudit.TryCheck(t.Chain.StateAt(), t.Genesis.TotalSupply, modules, out var error);
        Assert.True(ok, error);
    }
}
