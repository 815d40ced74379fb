using System.Numerics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Genesis;

/// <summary>
/// Everything that must hold for a genesis file, each failure explained in terms of the file
/// ("allocations sum to 999,999,000 OPEN, 1,000 OPEN short of the required 1,000,000,000 OPEN").
/// </summary>
public static class GenesisRules
{
    public static IReadOnlyList<string> Validate(GenesisDocument g)
    {
        var problems = new List<string>();
        var p = g.Params;
        if (g.ChainId == 0) problems.Add("chainId must be non-zero");
        if (p.ChainId != g.ChainId) problems.Add($"params.chainId {p.ChainId} differs from chainId {g.ChainId}");
        if (g.GenesisTimeMs == 0) problems.Add("genesisTimeMs must be set (milliseconds since the Unix epoch)");
        if (g.TotalSupply != GenesisDocument.RequiredSupply)
            problems.Add($"totalSupply is {Wei.FormatOpen(g.TotalSupply)} OPEN; the supply is fixed at 1000000000 OPEN");

        BigInteger sum = (BigInteger)g.RewardReserve + g.Treasury;
        var seen = new HashSet<Address>();
        foreach (var a in g.Accounts)
        {
            sum += a.Balance;
            if (!seen.Add(a.Address)) problems.Add($"account {a.Address} is listed twice");
            if (SystemAddresses.IsSystem(a.Address))
                problems.Add($"account {a.Address} is a system address; fund the reserve and treasury with rewardReserve and treasury");
        }
        if (sum != g.TotalSupply)
        {
            var diff = sum - g.TotalSupply;
            var what = diff > 0 ? "over" : "short of";
            problems.Add($"accounts + rewardReserve + treasury sum to {FormatOpen(sum)} OPEN, {FormatOpen(BigInteger.Abs(diff))} OPEN {what} the total supply of {Wei.FormatOpen(g.TotalSupply)} OPEN");
        }

        if (g.Validators.Count == 0) problems.Add("at least one validator is required");
        var operators = new HashSet<Address>();
        var consensusKeys = new HashSet<Address>();
        var bonds = new Dictionary<Address, BigInteger>();
        foreach (var v in g.Validators)
        {
            var who = $"validator '{v.Moniker}' ({v.Operator})";
            if (!operators.Add(v.Operator)) problems.Add($"{who}: operator listed twice");
            if (v.ConsensusPublicKey.Length != 65 || v.ConsensusPublicKey[0] != 0x04)
            {
                problems.Add($"{who}: consensusPublicKey must be a 65-byte uncompressed secp256k1 key (0x04…)");
                continue;
            }
            if (!consensusKeys.Add(v.ConsensusAddress)) problems.Add($"{who}: consensus key is used by another validator");
            if (v.SelfBond < p.MinSelfBond)
                problems.Add($"{who}: self-bond {Wei.FormatOpen(v.SelfBond)} OPEN is below the minimum of {Wei.FormatOpen(p.MinSelfBond)} OPEN");
            if (v.CommissionBps > 10_000) problems.Add($"{who}: commissionBps {v.CommissionBps} is above 10000 (100%)");
            bonds[v.Operator] = bonds.GetValueOrDefault(v.Operator) + v.SelfBond;
            if (v.Signature.Length != 65
                || !Secp256k1.TryRecoverAddress(v.SigningDigest(g.ChainId), Signature.FromCompact65(v.Signature), out var signer)
                || signer != v.Operator)
                problems.Add($"{who}: the entry is not signed by its operator (run `openledger genesis add-validator` with the operator's key)");
        }
        foreach (var (op, bond) in bonds)
        {
            var balance = g.Accounts.Where(a => a.Address == op).Select(a => (BigInteger)a.Balance).FirstOrDefault();
            if (balance < bond)
                problems.Add($"validator operator {op} bonds {FormatOpen(bond)} OPEN but its account holds only {FormatOpen(balance)} OPEN");
        }

        if (p.BlockGasLimit < 21_000) problems.Add("params.blockGasLimit must be at least 21000");
        if (p.MinBaseFee == 0) problems.Add("params.minBaseFee must be at least 1 wei");
        if (p.InitialBaseFee < p.MinBaseFee) problems.Add("params.initialBaseFee is below params.minBaseFee");
        if (p.EpochLength == 0) problems.Add("params.epochLength must be at least 1");
        if (p.BaseFeeChangeDenominator == 0 || p.ElasticityMultiplier == 0) problems.Add("params.baseFeeChangeDenominator and elasticityMultiplier must be non-zero");
        if (p.ModelShareBps + p.StakerShareBps + p.ContributorShareBps != 10_000)
            problems.Add($"params: modelShareBps + stakerShareBps + contributorShareBps = {p.ModelShareBps + p.StakerShareBps + p.ContributorShareBps}, must be 10000");
        if (p.AttributionContributorsBps + p.AttributionModelsBps != 10_000)
            problems.Add("params: attributionContributorsBps + attributionModelsBps must be 10000");
        if (p.TierMinimumStake.Length == 0) problems.Add("params.tierMinimumStake needs at least one tier");
        if (p.EmissionPhases.Length == 0 || p.EmissionPhases.All(ph => ph.FromHeight != 0))
            problems.Add("params.emissionPhases must start with a phase from height 0");
        foreach (var ph in p.EmissionPhases)
            if (ph.ValidatorShareBps + ph.AttributionShareBps != 10_000)
                problems.Add($"emission phase '{ph.Name}': validatorShareBps + attributionShareBps must be 10000");
        return problems;
    }

    private static string FormatOpen(BigInteger wei) =>
        wei <= UInt128.MaxValue && wei >= 0 ? Wei.FormatOpen((UInt128)wei) : (wei / BigInteger.Pow(10, 18)).ToString();
}
