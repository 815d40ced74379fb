using System.Numerics;
using OpenLedger.Execution.StateTrie;

namespace OpenLedger.Execution.Chain;

/// <summary>
/// The supply invariant (SPEC §2) over committed state: the balances of all accounts — people, modules,
/// reserve, treasury and the burn account — add up to exactly the genesis supply. Nothing is minted, so any
/// difference is a bug.
/// </summary>
public static class SupplyAudit
{
    public static BigInteger TotalBalances(TrieStateBackend state)
    {
        BigInteger total = 0;
        foreach (var (_, account) in state.EnumerateAccounts()) total += account.Balance;
        return total;
    }

    public static bool TryCheck(TrieStateBackend state, UInt128 genesisSupply, out string error)
    {
        var total = TotalBalances(state);
        if (total == genesisSupply)
        {
            error = "";
            return true;
        }
        error = $"supply invariant broken: balances sum to {total} wei, genesis supply is {genesisSupply} wei (difference {total - genesisSupply})";
        return false;
    }
}
