using System.Numerics;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.State;
using OpenLedger.Execution.StateTrie;

namespace OpenLedger.Execution.Chain;

/// <summary>
/// The supply invariant of SPEC §2 in the form this chain keeps it: every OPEN is some account's balance, so
/// Σ balances (people, modules, reserve, treasury and the burn account) equals the genesis supply — nothing is
/// minted — and each module's balance equals the sum of its liabilities (bonded + unbonding, escrows, unclaimed
/// rewards…). One implementation for the committed chain (<c>openledger audit</c>, chain tests) and for the
/// in-memory state of the module tests.
/// </summary>
public static class SupplyAudit
{
    /// <summary>The outcome: the exact sum (BigInteger, so an absurd state cannot overflow the audit itself) and every problem found.</summary>
    public sealed record Report(BigInteger TotalBalances, UInt128 GenesisSupply, IReadOnlyList<string> Problems)
    {
        public bool Ok => Problems.Count == 0;

        public override string ToString() => Ok ? "supply audit OK" : "supply invariant broken: " + string.Join("; ", Problems);
    }

    /// <summary>Audits <paramref name="balances"/> (every account's) and each module's solvency in <paramref name="state"/>.</summary>
    public static Report Check(IEnumerable<UInt128> balances, UInt128 genesisSupply, IWorldState state, IEnumerable<IAccountedModule> modules)
    {
        ArgumentNullException.ThrowIfNull(balances);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(modules);
        var problems = new List<string>();
        BigInteger total = 0;
        foreach (var balance in balances) total += balance;
        if (total != genesisSupply)
        {
            var difference = total - genesisSupply;
            problems.Add($"balances sum to {total} wei, genesis supply is {genesisSupply} wei (difference {(difference.Sign > 0 ? "+" : "")}{difference} wei)");
        }
        foreach (var module in modules)
            if (CheckSolvency(state, module) is { } problem) problems.Add(problem);
        return new Report(total, genesisSupply, problems);
    }

    /// <summary>Audits committed state: every account in the state trie, and the registry's accounted modules.</summary>
    public static Report Check(TrieStateBackend state, UInt128 genesisSupply, ModuleRegistry modules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(modules);
        return Check(state.EnumerateAccounts().Select(entry => entry.Account.Balance), genesisSupply, new WorldState(state),
            modules.All.OfType<IAccountedModule>());
    }

    public static bool TryCheck(TrieStateBackend state, UInt128 genesisSupply, out string error) =>
        TryCheck(state, genesisSupply, ModuleRegistry.Empty, out error);

    public static bool TryCheck(TrieStateBackend state, UInt128 genesisSupply, ModuleRegistry modules, out string error)
    {
        var report = Check(state, genesisSupply, modules);
        error = report.Ok ? "" : report.ToString();
        return report.Ok;
    }

    /// <summary>Null when <paramref name="module"/>'s balance equals its liabilities, else what is wrong, with the liabilities by name.</summary>
    public static string? CheckSolvency(IWorldState state, IAccountedModule module)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(module);
        var liabilities = module.GetLiabilities(state);
        BigInteger owed = 0;
        foreach (var (_, amount) in liabilities) owed += amount;
        var balance = state.GetBalance(module.Address);
        if (balance == owed) return null;
        var detail = string.Join(", ", liabilities.Select(p => $"{p.Key} {p.Value}"));
        return $"{module.Name} module holds {balance} wei but owes {owed} wei ({detail})";
    }
}
