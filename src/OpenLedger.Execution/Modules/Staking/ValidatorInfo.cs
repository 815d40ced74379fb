using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Staking;

/// <summary>
/// A validator as stored, keyed by its operator address. Delegations are shares of <see cref="Tokens"/>:
/// a slash lowers the tokens and so every delegator's stake pro rata, without touching their shares.
/// </summary>
public sealed record ValidatorInfo
{
    public required Address Operator { get; init; }
    public required byte[] ConsensusPublicKey { get; init; }
    public required Address ConsensusAddress { get; init; }
    public required ushort CommissionBps { get; init; }
    public required string Moniker { get; init; }
    /// <summary>Bonded stake in wei: the voting power.</summary>
    public UInt128 Tokens { get; init; }
    public UInt128 Shares { get; init; }
    public bool Jailed { get; init; }
    public ulong JailedUntilMs { get; init; }
    public bool Tombstoned { get; init; }
    /// <summary>Cumulative delegator reward per share, scaled by <see cref="StakingModule.IndexScale"/>.</summary>
    public BigInteger RewardIndex { get; init; }
    /// <summary>Delegator rewards credited and not yet withdrawn (includes index rounding residue).</summary>
    public UInt128 RewardPool { get; init; }
    /// <summary>The operator's commission not yet withdrawn.</summary>
    public UInt128 Commission { get; init; }
    public ulong CreatedAt { get; init; }
    // Downtime window (SPEC §4.1): a ring of the last WindowSize blocks, 1 bit per missed block.
    public ulong WindowSize { get; init; }
    public ulong WindowCounted { get; init; }
    public ulong WindowMissed { get; init; }
    public byte[] MissedBits { get; init; } = [];
    public UInt128 TotalSlashed { get; init; }

    public byte[] Encode() => new RecordWriter().Addr(Operator).Bytes(ConsensusPublicKey).Addr(ConsensusAddress).U64(CommissionBps)
        .Str(Moniker).U128(Tokens).U128(Shares).Bool(Jailed).U64(JailedUntilMs).Bool(Tombstoned).Big(RewardIndex).U128(RewardPool)
        .U128(Commission).U64(CreatedAt).U64(WindowSize).U64(WindowCounted).U64(WindowMissed).Bytes(MissedBits).U128(TotalSlashed).ToArray();

    public static ValidatorInfo Decode(byte[] raw)
    {
        var r = new RecordReader(raw);
        return new ValidatorInfo
        {
            Operator = r.Addr(), ConsensusPublicKey = r.Bytes(), ConsensusAddress = r.Addr(), CommissionBps = (ushort)r.U64(),
            Moniker = r.Str(), Tokens = r.U128(), Shares = r.U128(), Jailed = r.Bool(), JailedUntilMs = r.U64(), Tombstoned = r.Bool(),
            RewardIndex = r.Big(), RewardPool = r.U128(), Commission = r.U128(), CreatedAt = r.U64(), WindowSize = r.U64(),
            WindowCounted = r.U64(), WindowMissed = r.U64(), MissedBits = r.Bytes(), TotalSlashed = r.U128(),
        };
    }
}
