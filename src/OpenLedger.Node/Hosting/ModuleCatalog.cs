using OpenLedger.Execution;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.State;
using OpenLedger.Node.Rpc;

namespace OpenLedger.Node.Hosting;

/// <summary>The system modules this node runs, how current parameters are read, and the RPC views over them.</summary>
public sealed record ModuleCatalog(ModuleRegistry Registry, Func<IWorldState, ChainParameters> LoadParameters, ModuleViews Views)
{
    public static ModuleCatalog Create(GenesisDocument genesis)
    {
        var registry = ModuleRegistry.Empty;
        return new ModuleCatalog(registry, _ => genesis.Params, new ModuleViews(registry));
    }
}
