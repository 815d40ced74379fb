using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Models;

/// <summary>A challenge against a settled inference and its validator vote.</summary>
public sealed record Challenge
{
    public required ulong Id { get; init; }
    public required ulong RequestId { get; init; }
    public required ulong ModelId { get; init; }
    public required Address Challenger { get; init; }
    public required Hash256 EvidenceHash { get; init; }
    public required ChallengeReason Reason { get; init; }
    public required UInt128 Bond { get; init; }
    public ulong CreatedAt { get; init; }
    /// <summary>The last block in which validators may vote; the challenge resolves at its end.</summary>
    public ulong VoteEnd { get; init; }
    /// <summary>Total power of the active set when the challenge was opened (the quorum's denominator).</summary>
    public UInt128 TotalPower { get; init; }
    public UInt128 UpholdPower { get; init; }
    public UInt128 RejectPower { get; init; }
    public ChallengeStatus Status { get; init; }
    public UInt128 Slashed { get; init; }

    public byte[] Encode() => new RecordWriter().U64(Id).U64(RequestId).U64(ModelId).Addr(Challenger).Hash(EvidenceHash).U64((byte)Reason)
        .U128(Bond).U64(CreatedAt).U64(VoteEnd).U128(TotalPower).U128(UpholdPower).U128(RejectPower).U64((byte)Status).U128(Slashed).ToArray();

    public static Challenge Decode(byte[] raw)
    {
        var r = new RecordReader(raw);
        return new Challenge
        {
            Id = r.U64(), RequestId = r.U64(), ModelId = r.U64(), Challenger = r.Addr(), EvidenceHash = r.Hash(),
            Reason = (ChallengeReason)r.U64(), Bond = r.U128(), CreatedAt = r.U64(), VoteEnd = r.U64(), TotalPower = r.U128(),
            UpholdPower = r.U128(), RejectPower = r.U128(), Status = (ChallengeStatus)r.U64(), Slashed = r.U128(),
        };
    }
}
