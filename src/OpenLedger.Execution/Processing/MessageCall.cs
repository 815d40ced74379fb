using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Processing;

/// <summary>An unsigned call for eth_call / eth_estimateGas / gRPC Simulate: no nonce, no signature, no fees.</summary>
public sealed record MessageCall(Address From, Address? To, UInt128 Value, byte[] Data, ulong GasLimit,
    IReadOnlyList<Core.Transactions.AccessListItem>? AccessList = null);

public sealed record MessageCallResult(bool Success, ulong GasUsed, byte[] ReturnData, string? RevertReason, IReadOnlyList<Core.Chain.LogEntry> Logs);
