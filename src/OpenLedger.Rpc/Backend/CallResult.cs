namespace OpenLedger.Rpc.Backend;

/// <summary>
/// The outcome of a simulated call. For an estimate, <see cref="GasUsed"/> is the gas limit the call needs.
/// When <see cref="Success"/> is false, <see cref="ReturnData"/> holds the revert bytes (ABI Error(string))
/// and <see cref="RevertReason"/> the decoded reason; empty return data means the call failed for a reason
/// that is not a revert (out of gas, insufficient funds), explained in <see cref="RevertReason"/>.
/// </summary>
public sealed record CallResult(bool Success, ulong GasUsed, byte[] ReturnData, string? RevertReason);
