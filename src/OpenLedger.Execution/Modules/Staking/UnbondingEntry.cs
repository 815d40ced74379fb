using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Staking;

/// <summary>Stake on its way out: paid to the delegator at the end of <see cref="CompletionHeight"/>, slashable until then.</summary>
public sealed record UnbondingEntry
{
    public required ulong Id { get; init; }
    public required Address Delegator { get; init; }
    public required Address Validator { get; init; }
    public required ulong CreationHeight { get; init; }
    public required ulong CompletionHeight { get; init; }
    public required UInt128 InitialBalance { get; init; }
    public required UInt128 Balance { get; init; }

    public byte[] Encode() => new RecordWriter().U64(Id).Addr(Delegator).Addr(Validator).U64(CreationHeight).U64(CompletionHeight)
        .U128(InitialBalance).U128(Balance).ToArray();

    public static UnbondingEntry Decode(byte[] raw)
    {
        var r = new RecordReader(raw);
        return new UnbondingEntry
        {
            Id = r.U64(), Delegator = r.Addr(), Validator = r.Addr(), CreationHeight = r.U64(), CompletionHeight = r.U64(),
            InitialBalance = r.U128(), Balance = r.U128(),
        };
    }
}
