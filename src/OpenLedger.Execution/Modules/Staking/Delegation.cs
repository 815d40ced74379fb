using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Staking;

/// <summary>A delegator's shares of one validator and the reward index at its last reward withdrawal.</summary>
public sealed record Delegation(UInt128 Shares, BigInteger EntryIndex)
{
    public byte[] Encode() => new RecordWriter().U128(Shares).Big(EntryIndex).ToArray();

    public static Delegation? Decode(byte[] raw)
    {
        if (raw.Length == 0) return null;
        var r = new RecordReader(raw);
        return new Delegation(r.U128(), r.Big());
    }
}

/// <summary>A delegation as the RPC layer shows it.</summary>
public sealed record DelegationView(Address Validator, Address Delegator, UInt128 Shares, UInt128 Tokens, UInt128 PendingRewards);
