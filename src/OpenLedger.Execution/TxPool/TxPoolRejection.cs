namespace OpenLedger.Execution.TxPool;

/// <summary>Why the pool refused a transaction; the RPC layer maps codes to JSON-RPC / gRPC errors.</summary>
public sealed record TxPoolRejection(TxPoolRejectionCode Code, string Message);

public enum TxPoolRejectionCode
{
    Malformed,
    WrongChainId,
    NotReplayProtected,
    InvalidSignature,
    Oversize,
    GasLimitAboveBlockLimit,
    IntrinsicGasTooLow,
    TipAboveFeeCap,
    ContractCreationUnsupported,
    /// <summary>Value or a fee field needs more than 128 bits (OpenLedger money is UInt128 wei).</summary>
    AmountAbove128Bits,
    SystemAccountSender,
    AlreadyKnown,
    NonceTooLow,
    NonceGapTooLarge,
    FeeCapBelowBaseFee,
    InsufficientFunds,
    ReplacementUnderpriced,
    SenderLimitReached,
    PoolFull,
}
