using System.Numerics;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.State;
using OpenLedger.Execution.StateTrie;

namespace OpenLedger.Execution.Chain;

/// <summary>
/// The supply invariant (SPEC §2) over committed state: the balances of all accounts — people, modules,
/// reserve, treasury and the burn account — add up to exactly the genesis supply (nothing is minted), and
/// every module holds exactly what it owes (bonds, escrows, unclaimed rewards).
/// </summary>
public static class SupplyAudit
{
    public static BigInteger TotalBalances(TrieStateBackend state)
    {
        BigInteger total = 0;
        foreach (var (_, account) in state.EnumerateAccounts()) total += account.Balance;
        return total;
    }

    public static IReadOnlyList<string> Check(TrieStateBackend state, UInt128 genesisSupply, ModuleRegistry modules)
    {
        var problems = new List<string>();
        var total = TotalBalances(state);
        if (total != genesisSupply)
            problems.Add($"balances sum to {total} wei, genesis supply is {genesisSupply} wei (difference {total - genesisSupply})");
        var world = new WorldState(state);
        foreach (var module in modules.All.OfType<IAccountedModule>())
        {
            UInt128 owed = 0;
            foreach (var (_, amount) in module.GetLiabilities(world)) owed += amount;
            var balance = world.GetBalance(module.Address);
            if (balance != owed) problems.Add($"{module.Name} module holds {balance} wei but owes {owed} wei");
        }
        return problems;
    }

    public static bool TryCheck(TrieStateBackend state, UInt128 genesisSupply, out string error) =>
        TryCheck(state, genesisSupply, ModuleRegistry.Empty, out error);

    public static bool TryCheck(TrieStateBackend state, UInt128 genesisSupply, ModuleRegistry modules, out string error)
    {
        var problems = Check(state, genesisSupply, modules);
        error = problems.Count == 0 ? "" : "supply invariant broken: " + string.Join("; ", problems);
        return problems.Count == 0;
    }
}
