using OpenLedger.Core.Types;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// The supply invariant of SPEC §2 in the form this chain keeps it: every OPEN is some account's balance, so
/// Σ balances (the burn account included) equals the genesis supply, and each module's balance equals the sum
/// of its liabilities (bonded + unbonding, escrows, unclaimed rewards…).
/// </summary>
public static class SupplyAudit
{
    public sealed record Report(UInt128 TotalBalances, UInt128 ExpectedSupply, IReadOnlyList<string> Problems)
    {
        public bool Ok => Problems.Count == 0;

        public override string ToString() => Ok ? "supply audit OK" : string.Join("; ", Problems);
    }

    public static Report Check(IEnumerable<(Address Address, UInt128 Balance)> balances, UInt128 genesisSupply,
        IWorldState state, IEnumerable<IAccountedModule> modules)
    {
        var problems = new List<string>();
        UInt128 total = 0;
        var byAddress = new Dictionary<Address, UInt128>();
        foreach (var (address, balance) in balances)
        {
            try
            {
                total = checked(total + balance);
            }
            catch (OverflowException)
            {
                problems.Add("sum of balances overflows 128 bits");
            }
            byAddress[address] = balance;
        }
        if (total != genesisSupply)
            problems.Add($"sum of balances {total} wei != genesis supply {genesisSupply} wei (difference {(total > genesisSupply ? "+" : "-")}{(total > genesisSupply ? total - genesisSupply : genesisSupply - total)} wei)");
        foreach (var module in modules)
        {
            UInt128 owed = 0;
            foreach (var (_, amount) in module.GetLiabilities(state)) owed += amount;
            var balance = byAddress.GetValueOrDefault(module.Address, state.GetBalance(module.Address));
            if (balance != owed)
                problems.Add($"{module.Name} module holds {balance} wei but owes {owed} wei ({Describe(module.GetLiabilities(state))})");
        }
        return new Report(total, genesisSupply, problems);
    }

    private static string Describe(IReadOnlyDictionary<string, UInt128> liabilities) =>
        string.Join(", ", liabilities.Select(p => $"{p.Key} {p.Value}"));
}
