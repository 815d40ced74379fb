namespace OpenLedger.Rpc.Backend;

/// <summary>
/// Why the node refused a transaction at admission (SPEC §3). Each reason has a fixed go-ethereum message and
/// gRPC status code (see <c>TxRejectionMessages</c> and docs/rpc.md); the backend adds the specifics.
/// </summary>
public enum TxRejectionReason
{
    /// <summary>Not a decodable EIP-2718 transaction (bad RLP, unknown type).</summary>
    Malformed,
    UnsupportedType,
    /// <summary>A legacy transaction without EIP-155 replay protection.</summary>
    NotReplayProtected,
    WrongChainId,
    /// <summary>The signature does not recover, or is not low-s (EIP-2).</summary>
    InvalidSignature,
    /// <summary>The sender is a reserved system address nobody holds a key for.</summary>
    InvalidSender,
    Oversized,
    /// <summary>A transaction without recipient: there is no EVM to deploy code to.</summary>
    ContractCreationUnsupported,
    /// <summary>Value or a fee field above 128 bits: valid on Ethereum, but OpenLedger amounts are 128-bit wei.</summary>
    AmountTooLarge,
    GasLimitTooHigh,
    IntrinsicGasTooLow,
    NonceTooLow,
    /// <summary>The nonce is beyond the mempool's per-sender gap window.</summary>
    NonceTooHigh,
    InsufficientFunds,
    /// <summary>Fee cap below the current base fee.</summary>
    FeeCapTooLow,
    /// <summary>Below the mempool's minimum tip.</summary>
    Underpriced,
    /// <summary>maxPriorityFeePerGas above maxFeePerGas.</summary>
    TipAboveFeeCap,
    ReplacementUnderpriced,
    AlreadyKnown,
    MempoolFull,
    /// <summary>The sender has as many pending transactions as the mempool allows per account.</summary>
    SenderLimitReached,
    Syncing,
}
