using Grpc.Core;
using OpenLedger.Core.Transactions;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc;

/// <summary>
/// The fixed text and status codes of each admission rejection. The texts are go-ethereum's, so Ethereum
/// libraries recognise them (ethers.js maps "nonce too low", "insufficient funds", "replacement transaction
/// underpriced" to typed errors); the backend's detail follows after ": ".
/// </summary>
public static class TxRejections
{
    public static string Message(TxRejectionReason reason) => reason switch
    {
        TxRejectionReason.Malformed => "invalid transaction encoding",
        TxRejectionReason.UnsupportedType => "transaction type not supported",
        TxRejectionReason.NotReplayProtected => "only replay-protected (EIP-155) transactions allowed",
        TxRejectionReason.WrongChainId => "invalid chain id",
        TxRejectionReason.InvalidSignature => TransactionRules.InvalidSignaturePrefix,
        TxRejectionReason.InvalidSender => "invalid sender",
        TxRejectionReason.Oversized => "oversized data",
        TxRejectionReason.ContractCreationUnsupported => "contract creation is not supported",
        TxRejectionReason.AmountTooLarge => TransactionRules.AmountTooLargePrefix,
        TxRejectionReason.GasLimitTooHigh => "exceeds block gas limit",
        TxRejectionReason.IntrinsicGasTooLow => "intrinsic gas too low",
        TxRejectionReason.NonceTooLow => "nonce too low",
        TxRejectionReason.NonceTooHigh => "nonce too high",
        TxRejectionReason.InsufficientFunds => "insufficient funds for gas * price + value",
        TxRejectionReason.FeeCapTooLow => "max fee per gas less than block base fee",
        TxRejectionReason.Underpriced => "transaction underpriced",
        TxRejectionReason.TipAboveFeeCap => "max priority fee per gas higher than max fee per gas",
        TxRejectionReason.ReplacementUnderpriced => "replacement transaction underpriced",
        TxRejectionReason.AlreadyKnown => "already known",
        TxRejectionReason.MempoolFull => "txpool is full",
        TxRejectionReason.SenderLimitReached => "account limit exceeded",
        TxRejectionReason.Syncing => "node is syncing",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown rejection reason"),
    };

    /// <summary>
    /// "nonce too low: account 0x… has nonce 5" (or just the fixed text when there is no detail). A detail that
    /// already starts with the fixed text (Core's <see cref="TxRejection"/> messages do) is used as it is.
    /// </summary>
    public static string FullMessage(SubmitResult result)
    {
        var text = Message(result.Rejection ?? throw new ArgumentException("the transaction was accepted", nameof(result)));
        if (string.IsNullOrWhiteSpace(result.Detail)) return text;
        return result.Detail.StartsWith(text, StringComparison.Ordinal) ? result.Detail : text + ": " + result.Detail;
    }

    /// <summary>The reason for one of Core's stateless admission refusals (<see cref="TransactionRules.CheckStateless"/>).</summary>
    public static TxRejectionReason ReasonFor(TxRejectionCode code) => code switch
    {
        TxRejectionCode.WrongChainId => TxRejectionReason.WrongChainId,
        TxRejectionCode.NotReplayProtected => TxRejectionReason.NotReplayProtected,
        TxRejectionCode.InvalidSignature or TxRejectionCode.HighS => TxRejectionReason.InvalidSignature,
        TxRejectionCode.Oversize => TxRejectionReason.Oversized,
        TxRejectionCode.GasLimitAboveBlockLimit => TxRejectionReason.GasLimitTooHigh,
        TxRejectionCode.IntrinsicGasTooLow => TxRejectionReason.IntrinsicGasTooLow,
        TxRejectionCode.TipAboveFeeCap => TxRejectionReason.TipAboveFeeCap,
        TxRejectionCode.ContractCreationUnsupported => TxRejectionReason.ContractCreationUnsupported,
        TxRejectionCode.AmountAbove128Bits => TxRejectionReason.AmountTooLarge,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "unknown rejection code"),
    };

    /// <summary>Core's refusal as a submission result: the lead's mempool can return this directly.</summary>
    public static SubmitResult Reject(TxRejection rejection, Core.Types.Hash256? hash = null) =>
        SubmitResult.Reject(ReasonFor(rejection.Code), rejection.Message, hash);

    public static StatusCode GrpcStatus(TxRejectionReason reason) => reason switch
    {
        TxRejectionReason.Malformed or TxRejectionReason.UnsupportedType or TxRejectionReason.NotReplayProtected
            or TxRejectionReason.WrongChainId or TxRejectionReason.InvalidSignature or TxRejectionReason.InvalidSender
            or TxRejectionReason.Oversized or TxRejectionReason.ContractCreationUnsupported or TxRejectionReason.GasLimitTooHigh or TxRejectionReason.IntrinsicGasTooLow
            or TxRejectionReason.TipAboveFeeCap or TxRejectionReason.AmountTooLarge => StatusCode.InvalidArgument,
        TxRejectionReason.NonceTooLow or TxRejectionReason.NonceTooHigh or TxRejectionReason.InsufficientFunds
            or TxRejectionReason.FeeCapTooLow or TxRejectionReason.Underpriced
            or TxRejectionReason.ReplacementUnderpriced => StatusCode.FailedPrecondition,
        TxRejectionReason.AlreadyKnown => StatusCode.AlreadyExists,
        TxRejectionReason.MempoolFull or TxRejectionReason.SenderLimitReached => StatusCode.ResourceExhausted,
        TxRejectionReason.Syncing => StatusCode.Unavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown rejection reason"),
    };
}
