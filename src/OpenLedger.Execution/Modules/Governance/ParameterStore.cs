using OpenLedger.Core.Abi;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules.Governance;

/// <summary>
/// The chain parameters in force live in state: the genesis values, overridden by every change governance has
/// executed. Each override is stored in the governance module's storage at ("param", name) as abi.encode(value),
/// so the parameters are part of the state root and provable.
/// </summary>
public static class ParameterStore
{
    /// <summary>The parameters in force: <paramref name="genesisDefaults"/> with every executed change applied.</summary>
    public static ChainParameters Load(IWorldState state, ChainParameters genesisDefaults)
    {
        var parameters = genesisDefaults;
        foreach (var definition in ParameterDefinition.All)
        {
            var raw = state.GetStorage(SystemAddresses.Governance, definition.StorageSlot);
            if (raw.Length > 0) parameters = definition.Apply(parameters, raw);
        }
        return parameters;
    }

    /// <summary>abi.encode(string name, bytes value): one entry of propose()'s paramChanges.</summary>
    public static byte[] EncodeChange(string name, byte[] abiEncodedValue) =>
        AbiCodec.Encode([AbiType.String, AbiType.Bytes], [name, abiEncodedValue]);

    public static (string Name, byte[] Value) DecodeChange(ReadOnlySpan<byte> change)
    {
        var values = AbiCodec.Decode([AbiType.String, AbiType.Bytes], change);
        return ((string)values[0], (byte[])values[1]);
    }

    /// <summary>
    /// Applies <paramref name="changes"/> to <paramref name="current"/> and checks the result; throws
    /// <see cref="ArgumentException"/> explaining the first problem.
    /// </summary>
    public static ChainParameters ApplyChanges(ChainParameters current, IEnumerable<(string Name, byte[] Value)> changes)
    {
        var result = current;
        foreach (var (name, value) in changes)
        {
            if (name == nameof(ChainParameters.ChainId)) throw new ArgumentException("the chain id cannot be changed");
            var definition = ParameterDefinition.Find(name)
                ?? throw new ArgumentException($"unknown parameter '{name}' (parameter names are ChainParameters property names, e.g. ChallengeWindowBlocks)");
            try
            {
                result = definition.Apply(result, value);
            }
            catch (Exception e) when (e is AbiException or OverflowException or InvalidCastException)
            {
                throw new ArgumentException($"value of {name} is not abi.encode({definition.AbiTypeName}): {e.Message}");
            }
        }
        Validate(result);
        return result;
    }

    /// <summary>Writes executed changes to state (the next block loads them).</summary>
    public static void Store(ModuleStore governanceStore, IEnumerable<(string Name, byte[] Value)> changes)
    {
        foreach (var (name, value) in changes) governanceStore.Set(StorageKey.Of("param", name), value);
    }

    public static void Validate(ChainParameters p)
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }

        foreach (var (name, bps) in new (string, ushort)[]
                 {
                     (nameof(p.DoubleSignSlashBps), p.DoubleSignSlashBps), (nameof(p.DowntimeSlashBps), p.DowntimeSlashBps),
                     (nameof(p.MinSignedPerWindowBps), p.MinSignedPerWindowBps), (nameof(p.ChallengeSlashBps), p.ChallengeSlashBps),
                     (nameof(p.HarmfulOutputSlashBps), p.HarmfulOutputSlashBps), (nameof(p.ChallengerSlashShareBps), p.ChallengerSlashShareBps),
                     (nameof(p.QuorumBps), p.QuorumBps), (nameof(p.PassThresholdBps), p.PassThresholdBps), (nameof(p.VetoThresholdBps), p.VetoThresholdBps),
                 })
            Require(bps <= Money.FullBps, $"{name} {bps} is above 10000 bps");
        Require(p.ModelShareBps + p.StakerShareBps + p.ContributorShareBps == Money.FullBps,
            $"ModelShareBps + StakerShareBps + ContributorShareBps must be 10000 (they are {p.ModelShareBps} + {p.StakerShareBps} + {p.ContributorShareBps})");
        Require(p.AttributionContributorsBps + p.AttributionModelsBps == Money.FullBps,
            $"AttributionContributorsBps + AttributionModelsBps must be 10000 (they are {p.AttributionContributorsBps} + {p.AttributionModelsBps})");
        foreach (var (name, value) in new (string, ulong)[]
                 {
                     (nameof(p.BlockGasLimit), p.BlockGasLimit), (nameof(p.BlockIntervalMs), p.BlockIntervalMs),
                     (nameof(p.EpochLength), p.EpochLength), (nameof(p.DowntimeWindowBlocks), p.DowntimeWindowBlocks),
                     (nameof(p.ChallengeVotePeriodBlocks), p.ChallengeVotePeriodBlocks), (nameof(p.VotingPeriodBlocks), p.VotingPeriodBlocks),
                     (nameof(p.BaseFeeChangeDenominator), p.BaseFeeChangeDenominator), (nameof(p.ElasticityMultiplier), p.ElasticityMultiplier),
                     (nameof(p.ServiceCapMultiplier), p.ServiceCapMultiplier), (nameof(p.MaxValidators), (ulong)Math.Max(0, p.MaxValidators)),
                     (nameof(p.SuspendAfterUpheldChallenges), (ulong)Math.Max(0, p.SuspendAfterUpheldChallenges)),
                     (nameof(p.DailyContributionLimitBytes), p.DailyContributionLimitBytes),
                 })
            Require(value >= 1, $"{name} must be at least 1");
        Require(p.BlockGasLimit >= 21_000, "BlockGasLimit must fit at least one plain transfer (21000 gas)");
        Require(p.MaxTransactionBytes >= 1024, "MaxTransactionBytes must be at least 1024");
        Require(p.TierMinimumStake.Length is >= 1 and <= 16, "TierMinimumStake needs 1 to 16 tiers");
        Require(p.EmissionPhases.Length >= 1, "EmissionPhases needs at least one phase");
        Require(p.EmissionPhases[0].FromHeight == 0, "the first emission phase must start at height 0");
        for (var i = 0; i < p.EmissionPhases.Length; i++)
        {
            var phase = p.EmissionPhases[i];
            Require(!string.IsNullOrWhiteSpace(phase.Name), $"emission phase {i} needs a name");
            Require(phase.ValidatorShareBps + phase.AttributionShareBps == Money.FullBps,
                $"emission phase '{phase.Name}': validatorShareBps + attributionShareBps must be 10000");
            if (i > 0) Require(phase.FromHeight > p.EmissionPhases[i - 1].FromHeight, $"emission phase '{phase.Name}' must start after the phase before it");
        }
    }
}
