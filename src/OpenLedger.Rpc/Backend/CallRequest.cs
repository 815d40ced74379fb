using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>
/// A call to simulate (eth_call, eth_estimateGas, gRPC Simulate/EstimateGas). Unset fields take the node's
/// defaults: zero sender, zero value, the block gas limit, no fees.
/// </summary>
public sealed record CallRequest
{
    public Address? From { get; init; }
    public Address? To { get; init; }
    public UInt128 Value { get; init; }
    public byte[] Data { get; init; } = [];
    public ulong? GasLimit { get; init; }
    public UInt128? GasPrice { get; init; }
    public UInt128? MaxFeePerGas { get; init; }
    public UInt128? MaxPriorityFeePerGas { get; init; }
    /// <summary>EIP-2930 access list: it costs intrinsic gas, so eth_estimateGas must count it.</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];
}
