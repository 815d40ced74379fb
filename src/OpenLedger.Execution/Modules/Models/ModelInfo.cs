using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Models;

/// <summary>A registered model (or LoRA adapter when <see cref="BaseModelId"/> is not 0) and its stake.</summary>
public sealed record ModelInfo
{
    public required ulong Id { get; init; }
    /// <summary>The owner is also the model's operator: it settles inferences and receives the model share.</summary>
    public required Address Owner { get; init; }
    public required string Name { get; init; }
    public required Hash256 ArtifactHash { get; init; }
    public ulong BaseModelId { get; init; }
    public byte Tier { get; init; }
    public ulong[] DatanetIds { get; init; } = [];
    public ulong[] TrainingContributionIds { get; init; } = [];
    public ulong[] TrainingWeightsBps { get; init; } = [];
    public UInt128 PriceInPerK { get; init; }
    public UInt128 PricePerOutK { get; init; }
    /// <summary>Active stake (backs the service cap).</summary>
    public UInt128 Stake { get; init; }
    /// <summary>Stake on its way out: paid at <see cref="WithdrawAt"/>, slashable until then.</summary>
    public UInt128 Withdrawing { get; init; }
    public ulong WithdrawAt { get; init; }
    /// <summary>Base models only: the share of an adapter's model share paid to this model's owner.</summary>
    public ushort AdapterRoyaltyBps { get; init; }
    /// <summary>Fees settled but still challengeable.</summary>
    public UInt128 FeesInFlight { get; init; }
    public ulong UpheldChallenges { get; init; }
    public bool Suspended { get; init; }
    public ulong RegisteredAt { get; init; }

    public bool IsAdapter => BaseModelId != 0;

    public byte[] Encode() => new RecordWriter().U64(Id).Addr(Owner).Str(Name).Hash(ArtifactHash).U64(BaseModelId).U64(Tier)
        .U64List(DatanetIds).U64List(TrainingContributionIds).U64List(TrainingWeightsBps).U128(PriceInPerK).U128(PricePerOutK)
        .U128(Stake).U128(Withdrawing).U64(WithdrawAt).U64(AdapterRoyaltyBps).U128(FeesInFlight).U64(UpheldChallenges)
        .Bool(Suspended).U64(RegisteredAt).ToArray();

    public static ModelInfo Decode(byte[] raw)
    {
        var r = new RecordReader(raw);
        return new ModelInfo
        {
            Id = r.U64(), Owner = r.Addr(), Name = r.Str(), ArtifactHash = r.Hash(), BaseModelId = r.U64(), Tier = (byte)r.U64(),
            DatanetIds = r.U64List(), TrainingContributionIds = r.U64List(), TrainingWeightsBps = r.U64List(),
            PriceInPerK = r.U128(), PricePerOutK = r.U128(), Stake = r.U128(), Withdrawing = r.U128(), WithdrawAt = r.U64(),
            AdapterRoyaltyBps = (ushort)r.U64(), FeesInFlight = r.U128(), UpheldChallenges = r.U64(), Suspended = r.Bool(),
            RegisteredAt = r.U64(),
        };
    }
}
