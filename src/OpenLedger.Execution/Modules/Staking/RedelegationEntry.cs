using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Staking;

/// <summary>
/// A redelegation still answerable for the source validator's faults: until <see cref="CompletionHeight"/> a
/// double-sign slash of <see cref="Source"/> for an infraction at or before <see cref="CreationHeight"/> also cuts the
/// shares it bought at <see cref="Destination"/>, and the delegator cannot redelegate away from the destination.
/// </summary>
public sealed record RedelegationEntry
{
    public required ulong Id { get; init; }
    public required Address Delegator { get; init; }
    public required Address Source { get; init; }
    public required Address Destination { get; init; }
    public required ulong CreationHeight { get; init; }
    public required ulong CompletionHeight { get; init; }
    public required UInt128 InitialBalance { get; init; }
    public required UInt128 SharesDestination { get; init; }

    public byte[] Encode() => new RecordWriter().U64(Id).Addr(Delegator).Addr(Source).Addr(Destination).U64(CreationHeight)
        .U64(CompletionHeight).U128(InitialBalance).U128(SharesDestination).ToArray();

    public static RedelegationEntry Decode(byte[] raw)
    {
        var r = new RecordReader(raw);
        return new RedelegationEntry
        {
            Id = r.U64(), Delegator = r.Addr(), Source = r.Addr(), Destination = r.Addr(), CreationHeight = r.U64(),
            CompletionHeight = r.U64(), InitialBalance = r.U128(), SharesDestination = r.U128(),
        };
    }
}
