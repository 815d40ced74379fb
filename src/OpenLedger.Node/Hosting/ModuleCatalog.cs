using OpenLedger.Execution;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.State;
using OpenLedger.Node.Rpc;

namespace OpenLedger.Node.Hosting;

/// <summary>The system modules this node runs, how current parameters are read, and the RPC views over them.</summary>
public sealed record ModuleCatalog(ModuleRegistry Registry, Func<IWorldState, ChainParameters> LoadParameters, ModuleViews Views)
{
    public static ModuleCatalog Create(GenesisDocument genesis)
    {
        var registry = CreateRegistry();
        return new ModuleCatalog(registry, state => ParameterStore.Load(state, genesis.Params), ModuleViews.CreateDefault(registry));
    }

    /// <summary>The four modules of SPEC §4, in the order their block hooks run.</summary>
    public static ModuleRegistry CreateRegistry() =>
        new([new StakingModule(), new DatanetsModule(), new ModelsModule(), new GovernanceModule()]);
}
