namespace OpenLedger.Core.Transactions;

/// <summary>
/// A transaction's amounts as OpenLedger money: UInt128 wei (SPEC §2). Ethereum allows 256 bits on the wire and
/// the codec keeps them (<see cref="Transaction.Value"/> and the fee fields are <see cref="Types.UInt256"/>);
/// this view exists only for transactions whose amounts all fit, which admission
/// (<see cref="TransactionRules.CheckStateless"/>) guarantees for everything in the pool or in a block.
/// For legacy and EIP-2930 transactions both fee fields hold the gas price.
/// </summary>
public readonly record struct TransactionAmounts(UInt128 Value, UInt128 MaxFeePerGas, UInt128 MaxPriorityFeePerGas)
{
    /// <summary>Legacy and EIP-2930: the gas price. EIP-1559: the fee cap.</summary>
    public UInt128 GasPrice => MaxFeePerGas;

    /// <summary>
    /// The price per gas the sender pays at <paramref name="baseFee"/>: min(fee cap, base fee + priority fee).
    /// Throws when the fee cap is below the base fee (the transaction cannot be included).
    /// </summary>
    public UInt128 EffectiveGasPrice(UInt128 baseFee) => baseFee + EffectiveTip(baseFee);

    /// <summary>The part of the gas price that goes to the proposer: min(priority fee, fee cap - base fee).</summary>
    public UInt128 EffectiveTip(UInt128 baseFee)
    {
        if (MaxFeePerGas < baseFee)
            throw new InvalidOperationException($"max fee per gas less than block base fee: maxFeePerGas {MaxFeePerGas}, baseFee {baseFee}");
        var headroom = MaxFeePerGas - baseFee;
        return MaxPriorityFeePerGas < headroom ? MaxPriorityFeePerGas : headroom;
    }
}
