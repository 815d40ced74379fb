using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Gas;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules;

/// <summary>
/// One call into a system module. Any value sent has already been moved from <see cref="Caller"/> to the
/// module's account when the module runs; a revert undoes that along with everything else.
/// </summary>
public sealed class ModuleCall
{
    public required BlockContext Block { get; init; }
    public required Address Caller { get; init; }
    public required UInt128 Value { get; init; }
    public required ReadOnlyMemory<byte> Data { get; init; }
    /// <summary>eth_call / gRPC views: writes must throw (the executor discards the state anyway).</summary>
    public required bool IsStatic { get; init; }
    public required IWorldState State { get; init; }
    public required GasMeter Gas { get; init; }
    public required List<LogEntry> Logs { get; init; }
    public required ModuleRegistry Modules { get; init; }
    /// <summary>The hash of the transaction making the call (zero for views).</summary>
    public Hash256 TransactionHash { get; init; }
}
