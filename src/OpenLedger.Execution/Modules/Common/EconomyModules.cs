using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// The four SPEC §4 modules in the order their block hooks must run: staking first (its BeginBlock pays the
/// emission, including the attribution part the models module accumulates), then datanets, models, governance
/// (whose EndBlock writes parameter changes that the next block loads).
/// </summary>
public static class EconomyModules
{
    public static ModuleRegistry CreateRegistry() =>
        new([new StakingModule(), new DatanetsModule(), new ModelsModule(), new GovernanceModule()]);

    /// <summary>The registry's modules that hold OPEN for others (all four), for <see cref="Chain.SupplyAudit"/>.</summary>
    public static IEnumerable<IAccountedModule> Accounted(ModuleRegistry registry) => registry.All.OfType<IAccountedModule>();
}
