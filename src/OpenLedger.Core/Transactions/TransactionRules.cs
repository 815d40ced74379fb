using OpenLedger.Core.Crypto;

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

    /// <summary>Null when the transaction passes every stateless rule, otherwise the first rule it breaks.</summary>
    public static TxRejection? CheckStateless(Transaction tx, ulong chainId, ulong blockGasLimit)
    {
        ArgumentNullException.ThrowIfNull(tx);
        // Cheapest checks first; signature recovery is by far the most expensive, so it is last.
        if (tx.EncodedLength > MaxEncodedSize)
            return new(TxRejectionCode.Oversize, $"oversized data: transaction is {tx.EncodedLength} bytes, limit {MaxEncodedSize}");
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
            return new(TxRejectionCode.HighS, "invalid transaction v, r, s values: s is above secp256k1n/2 (EIP-2 requires low s)");
        if (!tx.TryRecoverSender(out _, out var error))
            return new(TxRejectionCode.InvalidSignature, $"invalid sender: {error}");
        return null;
    }
}
