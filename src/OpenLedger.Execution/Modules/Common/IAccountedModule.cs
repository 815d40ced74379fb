using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// A module that holds OPEN on behalf of others. Its account balance must always equal what it owes
/// (bonds, stake, escrows, unclaimed rewards), which it tracks as running totals in its own storage.
/// </summary>
public interface IAccountedModule : ISystemModule
{
    /// <summary>Every liability, by name (for the audit report), summed from the module's running totals.</summary>
    IReadOnlyDictionary<string, UInt128> GetLiabilities(IWorldState state);
}
