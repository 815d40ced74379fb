using OpenLedger.Core.Types;

namespace OpenLedger.Execution;

/// <summary>
/// Every genesis parameter (SPEC §2–§5) with the devnet defaults. Amounts are wei, durations are blocks unless
/// the name says milliseconds. All except <see cref="ChainId"/> can be changed by governance; the current
/// values are part of the state.
/// </summary>
public sealed record ChainParameters
{
    public const ulong DevnetChainId = 161200;
    public const ulong TestnetChainId = 161201;
    public const ulong MainnetChainId = 1612;

    public ulong ChainId { get; init; } = DevnetChainId;

    // Blocks and fees (SPEC §3, §5)
    public ulong BlockGasLimit { get; init; } = 60_000_000;
    public UInt128 MinBaseFee { get; init; } = Wei.PerGwei;
    public UInt128 InitialBaseFee { get; init; } = Wei.PerGwei;
    /// <summary>EIP-1559: the base fee moves at most 1/8 per block toward half the gas limit.</summary>
    public uint BaseFeeChangeDenominator { get; init; } = 8;
    public uint ElasticityMultiplier { get; init; } = 2;
    public ulong BlockIntervalMs { get; init; } = 500;
    public int MaxTransactionBytes { get; init; } = 128 * 1024;

    // Staking (SPEC §4.1)
    public UInt128 MinSelfBond { get; init; } = Wei.FromOpen(10_000);
    public ulong UnbondingPeriodBlocks { get; init; } = 100;
    public int MaxValidators { get; init; } = 100;
    public ulong EpochLength { get; init; } = 20;
    public ushort DoubleSignSlashBps { get; init; } = 500;
    public ushort DowntimeSlashBps { get; init; } = 10;
    public ulong DowntimeWindowBlocks { get; init; } = 100;
    public ushort MinSignedPerWindowBps { get; init; } = 5_000;
    public ulong DowntimeJailMs { get; init; } = 30_000;

    // Datanets (SPEC §4.2)
    public UInt128 ContributionBond { get; init; } = Wei.FromOpen(1);
    public ulong DailyContributionLimitBytes { get; init; } = 10_000_000;

    // Models (SPEC §4.3)
    public UInt128[] TierMinimumStake { get; init; } = [Wei.FromOpen(1_000), Wei.FromOpen(10_000), Wei.FromOpen(100_000)];
    public uint ServiceCapMultiplier { get; init; } = 10;
    public UInt128 PlatformFee { get; init; } = Wei.PerOpen / 1000;
    public ushort ModelShareBps { get; init; } = 4_000;
    public ushort StakerShareBps { get; init; } = 1_000;
    public ushort ContributorShareBps { get; init; } = 5_000;
    public ulong ChallengeWindowBlocks { get; init; } = 20;
    public UInt128 ChallengeBond { get; init; } = Wei.FromOpen(100);
    public ulong ChallengeVotePeriodBlocks { get; init; } = 20;
    public ushort ChallengeSlashBps { get; init; } = 1_000;
    public ushort HarmfulOutputSlashBps { get; init; } = 3_000;
    public ushort ChallengerSlashShareBps { get; init; } = 5_000;
    public int SuspendAfterUpheldChallenges { get; init; } = 3;

    // Attribution rewards (SPEC §4.4)
    public ushort AttributionContributorsBps { get; init; } = 7_000;
    public ushort AttributionModelsBps { get; init; } = 3_000;

    // Emission (SPEC §4.5)
    public EmissionPhase[] EmissionPhases { get; init; } =
    [
        new() { Name = "testnet", FromHeight = 0, RewardPerBlock = Wei.FromOpen(10), ValidatorShareBps = 6_000, AttributionShareBps = 4_000 },
        new() { Name = "mainnet", FromHeight = 10_000, RewardPerBlock = Wei.FromOpen(5), ValidatorShareBps = 6_000, AttributionShareBps = 4_000 },
    ];

    // Governance (SPEC §4.6)
    public UInt128 ProposalDeposit { get; init; } = Wei.FromOpen(100);
    public ulong VotingPeriodBlocks { get; init; } = 40;
    public ushort QuorumBps { get; init; } = 3_340;
    public ushort PassThresholdBps { get; init; } = 5_000;
    public ushort VetoThresholdBps { get; init; } = 3_340;
    public ulong TimelockBlocks { get; init; } = 10;

    /// <summary>The phase in force at <paramref name="height"/>, or null before the first one.</summary>
    public EmissionPhase? PhaseAt(ulong height)
    {
        EmissionPhase? current = null;
        foreach (var phase in EmissionPhases)
            if (phase.FromHeight <= height && (current is null || phase.FromHeight >= current.FromHeight)) current = phase;
        return current;
    }

    /// <summary>Testnet and mainnet use the SPEC's production durations instead of the devnet's short ones.</summary>
    public static ChainParameters ForNetwork(ulong chainId) => chainId == DevnetChainId
        ? new ChainParameters()
        : new ChainParameters
        {
            ChainId = chainId,
            BlockIntervalMs = 1_000,
            UnbondingPeriodBlocks = 21 * 24 * 3600,
            EpochLength = 100,
            DowntimeJailMs = 600_000,
            ChallengeWindowBlocks = 100,
            ChallengeVotePeriodBlocks = 100,
            ProposalDeposit = Wei.FromOpen(10_000),
            VotingPeriodBlocks = 7 * 24 * 3600,
            TimelockBlocks = 24 * 3600,
        };
}
