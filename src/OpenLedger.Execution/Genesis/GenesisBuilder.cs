using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Genesis;

/// <summary>
/// Gentx-style genesis editing. A new genesis puts the whole supply in the reward reserve and the treasury;
/// accounts are carved out of the treasury (the unallocated remainder), so the supply is exact at every step.
/// </summary>
public static class GenesisBuilder
{
    /// <summary>10% of the supply funds emissions by default (about 10 years of devnet blocks at 10 OPEN/block and 2 blocks/s… plenty for tests).</summary>
    public static readonly UInt128 DefaultRewardReserve = Wei.FromOpen(100_000_000);

    public static GenesisDocument New(ulong chainId, ulong genesisTimeMs)
    {
        var parameters = ChainParameters.ForNetwork(chainId) with { ChainId = chainId };
        return new GenesisDocument
        {
            ChainId = chainId,
            GenesisTimeMs = genesisTimeMs,
            RewardReserve = DefaultRewardReserve,
            Treasury = GenesisDocument.RequiredSupply - DefaultRewardReserve,
            Params = parameters,
        };
    }

    public static GenesisDocument AddAccount(GenesisDocument genesis, Address address, UInt128 balance, string? note = null)
    {
        if (SystemAddresses.IsSystem(address)) throw new GenesisException($"{address} is a system address and cannot be allocated directly");
        if (balance > genesis.Treasury)
            throw new GenesisException($"cannot allocate {Wei.FormatOpen(balance)} OPEN: only {Wei.FormatOpen(genesis.Treasury)} OPEN remain unallocated in the treasury");
        var accounts = genesis.Accounts.ToList();
        var index = accounts.FindIndex(a => a.Address == address);
        if (index >= 0) accounts[index] = accounts[index] with { Balance = accounts[index].Balance + balance };
        else accounts.Add(new GenesisAccount { Address = address, Balance = balance, Note = note });
        return genesis with { Accounts = accounts, Treasury = genesis.Treasury - balance };
    }

    /// <summary>Adds a validator entry signed by its operator, whose account must already hold the self-bond.</summary>
    public static GenesisDocument AddValidator(GenesisDocument genesis, PrivateKey operatorKey, byte[] consensusPublicKey,
        UInt128 selfBond, ushort commissionBps, string moniker)
    {
        var op = operatorKey.Address;
        var balance = genesis.Accounts.FirstOrDefault(a => a.Address == op)?.Balance ?? 0;
        var alreadyBonded = genesis.Validators.Where(v => v.Operator == op).Aggregate(UInt128.Zero, (s, v) => s + v.SelfBond);
        if (balance < alreadyBonded + selfBond)
            throw new GenesisException($"operator {op} holds {Wei.FormatOpen(balance)} OPEN in genesis, not enough to bond {Wei.FormatOpen(selfBond)} OPEN; add-account it first");
        if (genesis.Validators.Any(v => v.Operator == op)) throw new GenesisException($"operator {op} already has a validator in this genesis");
        var entry = new GenesisValidator
        {
            Operator = op,
            ConsensusPublicKey = consensusPublicKey,
            SelfBond = selfBond,
            CommissionBps = commissionBps,
            Moniker = moniker,
        };
        entry = entry with { Signature = operatorKey.Sign(entry.SigningDigest(genesis.ChainId)).ToCompact65() };
        return genesis with { Validators = genesis.Validators.Append(entry).ToList() };
    }
}
