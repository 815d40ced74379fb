using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Transactions;

/// <summary>
/// The admission checks of SPEC §3 that need no state (nonce, balance and base fee checks need the world state
/// and live with the mempool). Messages follow go-ethereum's wording where it has one, so wallet users
/// recognize them.
/// </summary>
public static class TransactionRules
{
    /// <summary>Largest accepted encoded transaction: 128 KiB.</summary>
    public const int MaxEncodedSize = 128 * 1024;

    /// <summary>The fixed start of the <see cref="TxRejectionCode.AmountAbove128Bits"/> message.</summary>
    public const string AmountTooLargePrefix = "amount too large";

    /// <summary>go-ethereum's text for a signature that is malformed, high-s or recovers no key; every such message starts with it.</summary>
    public const string InvalidSignaturePrefix = "invalid transaction v, r, s values";

    /// <summary>Null when the transaction passes every stateless rule, otherwise the first rule it breaks.</summary>
    public static TxRejection? CheckStateless(Transaction tx, ulong chainId, ulong blockGasLimit)
    {
        if (CheckStatelessBeforeRecovery(tx, chainId, blockGasLimit) is { } rejection) return rejection;
        if (!tx.TryRecoverSender(out _, out var error))
            return new(TxRejectionCode.InvalidSignature, error);
        return null;
    }

    /// <summary>
    /// Every stateless rule except the last one, that a sender recovers from the signature. For callers that look the
    /// sender up by transaction hash (<c>SenderCache</c>): a transaction decoded twice (from gossip, then from a
    /// proposed block) is two objects, and the rule checked on the second one would recover its sender a second time.
    /// Such a caller refuses the transaction, with the message <see cref="Transaction.TryRecoverSender"/> gives, when
    /// the lookup finds no sender; then the outcome is exactly <see cref="CheckStateless"/>'s.
    /// </summary>
    public static TxRejection? CheckStatelessBeforeRecovery(Transaction tx, ulong chainId, ulong blockGasLimit)
    {
        ArgumentNullException.ThrowIfNull(tx);
        // Cheapest checks first; signature recovery is by far the most expensive, so it is last.
        if (tx.EncodedLength > MaxEncodedSize)
            return new(TxRejectionCode.Oversize, $"oversized data: transaction is {tx.EncodedLength} bytes, limit {MaxEncodedSize}");
        if (DescribeAmountAboveLimit(tx) is { } amountTooLarge)
            return new(TxRejectionCode.AmountAbove128Bits, $"{AmountTooLargePrefix}: {amountTooLarge}");
        if (tx.IsContractCreation)
            return new(TxRejectionCode.ContractCreationUnsupported,
                "contract creation is not supported: this chain has no EVM; set a recipient address");
        if (!tx.IsReplayProtected)
            return new(TxRejectionCode.NotReplayProtected,
                $"only replay-protected (EIP-155) transactions allowed: sign with chain id {chainId}");
        if (tx.ChainId != chainId)
            return new(TxRejectionCode.WrongChainId, $"invalid chain id: have {tx.ChainId}, want {chainId}");
        if (tx.GasLimit > blockGasLimit)
            return new(TxRejectionCode.GasLimitAboveBlockLimit, $"exceeds block gas limit: gas limit {tx.GasLimit}, block gas limit {blockGasLimit}");
        var intrinsic = IntrinsicGas.Of(tx);
        if (tx.GasLimit < intrinsic)
            return new(TxRejectionCode.IntrinsicGasTooLow, $"intrinsic gas too low: have {tx.GasLimit}, want {intrinsic}");
        if (tx.MaxPriorityFeePerGas > tx.MaxFeePerGas)
            return new(TxRejectionCode.TipAboveFeeCap,
                $"max priority fee per gas higher than max fee per gas: maxPriorityFeePerGas {tx.MaxPriorityFeePerGas}, maxFeePerGas {tx.MaxFeePerGas}");
        if (!tx.Signature.IsLowS)
            return new(TxRejectionCode.HighS, $"{InvalidSignaturePrefix}: s is above secp256k1n/2 (EIP-2 requires low s)");
        return null;
    }

    /// <summary>
    /// Null when value and fees fit in 128 bits, otherwise which one does not and by how much, e.g. "max fee per
    /// gas 2^200 wei exceeds the 128-bit amount limit (340282366920938463463374607431768211455 wei)". The codec accepts Ethereum's
    /// 256 bits; OpenLedger money is UInt128 wei (SPEC §2), so this is where such transactions are refused.
    /// </summary>
    public static string? DescribeAmountAboveLimit(Transaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        if (tx.AmountsFitInUInt128) return null;
        // Wire order, so the first field a wallet user would look at is the one named.
        var (what, amount) = tx.Type == TxType.DynamicFee
            ? !tx.MaxPriorityFeePerGas.FitsInUInt128 ? ("max priority fee per gas", tx.MaxPriorityFeePerGas)
            : !tx.MaxFeePerGas.FitsInUInt128 ? ("max fee per gas", tx.MaxFeePerGas)
            : ("value", tx.Value)
            : !tx.GasPrice.FitsInUInt128 ? ("gas price", tx.GasPrice) : ("value", tx.Value);
        return $"{what} {Describe(amount)} exceeds the 128-bit amount limit ({UInt128.MaxValue} wei)";
    }

    /// <summary>Exact powers of two as 2^n (how such test values are usually chosen), anything else in decimal digits.</summary>
    private static string Describe(UInt256 amount)
    {
        var bits = amount.BitLength;
        var isPowerOfTwo = ((System.Numerics.BigInteger)amount).IsPowerOfTwo;
        return isPowerOfTwo ? $"2^{bits - 1} wei" : $"{amount} wei ({bits} bits)";
    }
}
