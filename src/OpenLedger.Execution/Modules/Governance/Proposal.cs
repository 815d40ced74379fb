using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Governance;

public sealed record Proposal
{
    public required ulong Id { get; init; }
    public required Address Proposer { get; init; }
    public required UInt128 Deposit { get; init; }
    public required string Description { get; init; }
    /// <summary>abi.encode(string name, bytes value) per change.</summary>
    public required byte[][] Changes { get; init; }
    public ulong SubmittedAt { get; init; }
    public ulong VotingEnd { get; init; }
    public ulong ExecuteAt { get; init; }
    public ProposalStatus Status { get; init; }
    public UInt128 Yes { get; init; }
    public UInt128 No { get; init; }
    public UInt128 Abstain { get; init; }
    public UInt128 Veto { get; init; }
    public UInt128 TotalPower { get; init; }

    public byte[] Encode()
    {
        var w = new RecordWriter().U64(Id).Addr(Proposer).U128(Deposit).Str(Description).U64((ulong)Changes.Length);
        foreach (var change in Changes) w.Bytes(change);
        return w.U64(SubmittedAt).U64(VotingEnd).U64(ExecuteAt).U64((byte)Status).U128(Yes).U128(No).U128(Abstain).U128(Veto).U128(TotalPower).ToArray();
    }

    public static Proposal Decode(byte[] raw)
    {
        var r = new RecordReader(raw);
        var id = r.U64();
        var proposer = r.Addr();
        var deposit = r.U128();
        var description = r.Str();
        var count = r.U64();
        var changes = new byte[count][];
        for (ulong i = 0; i < count; i++) changes[i] = r.Bytes();
        return new Proposal
        {
            Id = id, Proposer = proposer, Deposit = deposit, Description = description, Changes = changes,
            SubmittedAt = r.U64(), VotingEnd = r.U64(), ExecuteAt = r.U64(), Status = (ProposalStatus)r.U64(),
            Yes = r.U128(), No = r.U128(), Abstain = r.U128(), Veto = r.U128(), TotalPower = r.U128(),
        };
    }
}
