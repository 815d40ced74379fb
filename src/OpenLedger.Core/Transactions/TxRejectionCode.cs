namespace OpenLedger.Core.Transactions;

/// <summary>Why a transaction is refused at admission (mempool, RPC); each maps to its own error message.</summary>
public enum TxRejectionCode
{
    WrongChainId,
    NotReplayProtected,
    InvalidSignature,
    HighS,
    Oversize,
    GasLimitAboveBlockLimit,
    IntrinsicGasTooLow,
    TipAboveFeeCap,
    ContractCreationUnsupported,

    /// <summary>Value or a fee field needs more than 128 bits: valid on Ethereum, not OpenLedger money (SPEC §2).</summary>
    AmountAbove128Bits,
}
