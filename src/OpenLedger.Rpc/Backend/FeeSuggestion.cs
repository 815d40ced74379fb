namespace OpenLedger.Rpc.Backend;

/// <summary>
/// Fees for the next block: its base fee (computed by the chain's EIP-1559 rule) and the priority fee the node
/// suggests (eth_maxPriorityFeePerGas). eth_gasPrice is their sum.
/// </summary>
public sealed record FeeSuggestion(UInt128 NextBaseFee, UInt128 SuggestedPriorityFee);
