namespace OpenLedger.Execution.Processing;

/// <summary>
/// Why a transaction cannot be included in a block at all (as opposed to a call that reverts, which is
/// included with status 0). Codes map to JSON-RPC / gRPC errors; messages use go-ethereum's wording where
/// wallets look for it ("nonce too low", "insufficient funds for gas * price + value").
/// </summary>
public sealed class InvalidTransactionException(TxInvalidReason reason, string message) : Exception(message)
{
    public TxInvalidReason Reason { get; } = reason;
}

public enum TxInvalidReason
{
    NonceTooLow,
    NonceTooHigh,
    InsufficientFunds,
    FeeCapBelowBaseFee,
    BlockGasExhausted,
    SystemAccountSender,
    Stateless,
}
