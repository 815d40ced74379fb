using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Models;

/// <summary>An inference request: its escrow, and once settled, the fee and where every wei of it goes.</summary>
public sealed record InferenceRequest
{
    public required ulong Id { get; init; }
    public required ulong ModelId { get; init; }
    public required Address Requester { get; init; }
    public required Hash256 RequestHash { get; init; }
    public required UInt128 MaxFee { get; init; }
    public ulong CreatedAt { get; init; }
    /// <summary>The last block in which the operator may settle.</summary>
    public ulong Deadline { get; init; }
    public InferenceStatus Status { get; init; }
    public UInt128 Fee { get; init; }
    public UInt128 PlatformFee { get; init; }
    public ulong SettledAt { get; init; }
    /// <summary>The block at whose end the fee becomes claimable (settled + challenge window).</summary>
    public ulong UnlockAt { get; init; }
    public ulong InputTokens { get; init; }
    public ulong OutputTokens { get; init; }
    public Hash256 OutputHash { get; init; }
    public ulong ChallengeId { get; init; }
    public UInt128 StakerShare { get; init; }
    /// <summary>Rounding remainders of the split, paid to the treasury with the platform fee.</summary>
    public UInt128 Dust { get; init; }
    public Address[] Recipients { get; init; } = [];
    public UInt128[] Amounts { get; init; } = [];
    public ulong[] Roles { get; init; } = [];

    public byte[] Encode() => new RecordWriter().U64(Id).U64(ModelId).Addr(Requester).Hash(RequestHash).U128(MaxFee).U64(CreatedAt)
        .U64(Deadline).U64((byte)Status).U128(Fee).U128(PlatformFee).U64(SettledAt).U64(UnlockAt).U64(InputTokens).U64(OutputTokens)
        .Hash(OutputHash).U64(ChallengeId).U128(StakerShare).U128(Dust).AddrList(Recipients).U128List(Amounts).U64List(Roles).ToArray();

    public static InferenceRequest Decode(byte[] raw)
    {
        var r = new RecordReader(raw);
        return new InferenceRequest
        {
            Id = r.U64(), ModelId = r.U64(), Requester = r.Addr(), RequestHash = r.Hash(), MaxFee = r.U128(), CreatedAt = r.U64(),
            Deadline = r.U64(), Status = (InferenceStatus)r.U64(), Fee = r.U128(), PlatformFee = r.U128(), SettledAt = r.U64(),
            UnlockAt = r.U64(), InputTokens = r.U64(), OutputTokens = r.U64(), OutputHash = r.Hash(), ChallengeId = r.U64(),
            StakerShare = r.U128(), Dust = r.U128(), Recipients = r.AddrList(), Amounts = r.U128List(), Roles = r.U64List(),
        };
    }
}
