using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules;

/// <summary>What a transaction or module sees of the block it runs in. Time comes from the header, never a clock.</summary>
public sealed record BlockContext(
    ulong Number,
    ulong TimestampMs,
    Address Proposer,
    UInt128 BaseFee,
    ChainParameters Parameters)
{
    public ulong ChainId => Parameters.ChainId;
}
